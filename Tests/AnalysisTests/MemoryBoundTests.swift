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

  /// Peak memory nearly flat in the number of files (issue 16): `measure` of one layer
  /// of 300,000 files peaks at most 32 MB above one of 30,000 (before the compact tree:
  /// 137 MB above), with package attribution on (every hundred files a dist-info RECORD
  /// names them, as in a venv) and the scan kept in the store. Measured on the real
  /// binary, each run in its own process. What is left is mostly the merged tree itself
  /// (about 60 bytes a file); the goal of +20 MB is not reached yet.
  @Test(.timeLimit(.minutes(20))) func peakMemoryIsFlatInTheNumberOfFiles() throws {
    let repository = try GitRepository()
    let commit = try repository.commit("image")
    func peakKB(files: Int) throws -> Int {
      let layout = repository.url.appendingPathComponent("many-\(files).oci")
      try ImageBuilder([.init(Self.venv(files: files), compression: .none)]).writeOCILayout(to: layout)
      let result = try CLI.run(
        [
          "-f", "peak %M", CLI.path("sizebudget"), "measure", "oci:\(layout.path)", "--image", "many", "--new-image",
          "--commit", commit, "--store", repository.url.appendingPathComponent("store-\(files).sqlite").path,
          "--no-estimate",
        ], product: "/usr/bin/time", in: repository.url, timeout: 600)
      try FileManager.default.removeItem(at: layout)
      #expect(result.status == 0, "\(result.stderr)")
      let peak = result.stderr.split(separator: "\n").last { $0.hasPrefix("peak ") }
      return try #require(peak.flatMap { Int($0.dropFirst(5)) })
    }
    let small = try peakKB(files: 30_000)
    let large = try peakKB(files: 300_000)
    #expect(large - small <= 32_000, "peak \(small / 1000) MB for 30,000 files, \(large / 1000) MB for 300,000")
  }

  /// A venv's worth of empty modules: 98 per package, with its METADATA and a RECORD
  /// that names them all.
  static func venv(files: Int) -> [TarBuilder.Entry] {
    let site = "opt/venv/lib/python3.11/site-packages"
    var entries: [TarBuilder.Entry] = []
    entries.reserveCapacity(files)
    var package = 0
    while entries.count < files {
      let name = "pkg\(package)"
      var record = ""
      for index in 0..<min(98, max(0, files - entries.count - 2)) {
        let path = index % 3 == 2 ? "\(name)/__pycache__/m\(index).cpython-311.pyc" : "\(name)/m\(index).py"
        entries.append(.empty("\(site)/\(path)"))
        record += "\(path),,0\n"
      }
      let dist = "\(name)-1.0.dist-info"
      entries.append(.file("\(site)/\(dist)/METADATA", "Metadata-Version: 2.1\nName: \(name)\nVersion: 1.0\n"))
      entries.append(.file("\(site)/\(dist)/RECORD", record + "\(dist)/METADATA,,\n\(dist)/RECORD,,\n"))
      package += 1
    }
    return entries
  }
}
