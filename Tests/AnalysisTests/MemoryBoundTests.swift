import ArchiveIO
import Foundation
import ImageSource
import Model
import TestSupport
import Testing

@testable import Analysis

/// What a measurement holds per file stays bounded (issue 16: memory flat in the
/// number of files beyond the file tree itself), asserted on sizes, not on timing.
@Suite struct MemoryBoundTests {
  /// A pattern matching 10,000 files never holds more than four times its example limit.
  @Test func matchesKeepABoundedNumberOfExamples() {
    var match = PatternMatch(pattern: "**/*.pyc", files: 0, bytes: 0, examples: [])
    var most = 0
    for index in 0..<10_000 {
      match.count(.init(path: "/app/m\(index).pyc", bytes: Int64(index % 977), layer: 0))
      most = max(most, match.examples.count)
    }
    match.keepLargestExamples()
    #expect(most < 4 * PatternMatch.exampleLimit)
    #expect(match.files == 10_000)
    #expect(match.examples.count == PatternMatch.exampleLimit)
    #expect(match.examples.first?.bytes == 976)
  }

  /// The scan kept for reuse is a few bytes per file once compressed: it is held until
  /// the store is written, and (written as it is compressed) never whole uncompressed.
  @Test func aKeptScanIsAFewBytesPerFile() throws {
    let files = 20_000
    let entries = (0..<files).map { TarBuilder.Entry.file("opt/venv/lib/pkg\($0 / 100)/m\($0 % 100).py", size: 1) }
    let directory = try TemporaryDirectory()
    let archive = directory.url.appendingPathComponent("image.tar")
    try Data(try ImageBuilder([.init(entries, compression: .none)]).dockerArchive()).write(to: archive)
    var options = Measurer.Options(image: "app", commit: String(repeating: "d", count: 40))
    options.keepScans = true
    guard case .image(let image) = try Measurer(options).open(.dockerArchive(path: archive.path, tag: nil)) else {
      throw ImageSourceError("no image")
    }
    let (_, scans) = try Measurer(options).measureKeepingScans(image)
    let kept = try #require(scans.first)
    #expect(kept.encoded.utf8.count < 8 * files, "\(kept.encoded.utf8.count) bytes for \(files) files")
    #expect(LayerScan(kept)?.entries.count ?? 0 >= files)
  }
}
