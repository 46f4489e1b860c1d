import ArchiveIO
import Foundation
import TestSupport
import Testing

/// Issue 16: the gzip-size estimate of uncompressed layers, against real blobs, and the
/// same estimate from a reader that skips most of the layer (`--no-verify`).
@Suite struct CompressedSizeEstimatorTests {
  /// Text and incompressible bytes, as a layer of Python files and shared libraries has.
  static let mixed: [UInt8] = {
    var generator = SystemRandomNumberGenerator()
    let text = Array((0..<20_000).map { "line \($0) of a text file\n" }.joined().utf8)
    var data: [UInt8] = []
    while data.count < 40 << 20 {
      data += text
      data += (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
    return data
  }()

  @Test func aReaderThatSkipsGetsTheSameEstimateReadingOnlyTheSamples() throws {
    let whole = CompressedSizeEstimator()
    Self.mixed.withUnsafeBytes { whole.consume($0) }
    let sampling = CompressedSizeEstimator()
    let base = CountingStream(MemoryStream(Self.mixed))
    let stream = SampledStream(base, estimator: sampling)
    // As the tar reader does: a header read, a content skipped, of varied sizes.
    var buffer = [UInt8](repeating: 0, count: 512)
    var left = Int64(Self.mixed.count)
    var size: Int64 = 1000
    while left > 0 {
      let read = Int(min(512, left))
      try buffer.withUnsafeMutableBytes {
        try stream.readExactly(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<read]))
      }
      left -= Int64(read)
      let skip = min(left, size)
      try stream.skip(skip)
      left -= skip
      size = size * 7 % 3_000_001 + 1
    }
    #expect(sampling.estimate() == whole.estimate())
    // The 4 MiB head and one byte in 4 after it, not the whole 40 MiB.
    #expect(base.bytesRead < Int64(Self.mixed.count) * 45 / 100, "read \(base.bytesRead) of \(Self.mixed.count)")
  }

  /// The fixture images' docker-archive layers against the gzip blobs of the same layers
  /// in their OCI layouts (sizes.txt): the image's estimate within ±2 %.
  @Test(arguments: ["before", "after"])
  func theEstimateIsWithinTwoPercentOfTheFixturesBlobs(_ image: String) throws {
    try #require(Fixtures.available, "the fixture images are missing: run scripts/fixtures.sh (make test does)")
    let blobs = try #require(try Fixtures.sizes()[image])
    let archive = try OpenFile(path: Fixtures.path("api-\(image).docker.tar"))
    let reader = TarReader(FileRange(file: archive))
    var estimates: [String: Int64] = [:]
    var manifest: [UInt8] = []
    while let entry = try reader.next() {
      if entry.name == "manifest.json" {
        manifest = try reader.contentStream().readAll(limit: 1 << 20)
      } else if entry.kind == .file, !entry.name.hasSuffix(".json"), entry.name != "repositories" {
        let estimator = CompressedSizeEstimator()
        _ = try HashingStream(reader.contentStream(), observer: { estimator.consume($0) }).finish()
        estimates[entry.name] = estimator.estimate()
      }
    }
    let layers = try #require(
      (try JSONSerialization.jsonObject(with: Data(manifest)) as? [[String: Any]])?.first?["Layers"] as? [String])
    #expect(layers.count == blobs.count)
    let estimated = try layers.map { try #require(estimates[$0]) }.reduce(0, +)
    let real = blobs.map(\.compressed).reduce(0, +)
    let error = Double(estimated) / Double(real) - 1
    #expect(abs(error) <= 0.02, "estimate \(estimated), blobs \(real): \(error * 100) %")
  }
}

/// Counts the bytes read from its base (skipped ones are not).
final class CountingStream: ByteStream {
  let base: ByteStream
  private(set) var bytesRead: Int64 = 0
  init(_ base: ByteStream) { self.base = base }
  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    let got = try base.read(into: buffer)
    bytesRead += Int64(got)
    return got
  }
  func skip(_ count: Int64) throws { try base.skip(count) }
}
