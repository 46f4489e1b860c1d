import Foundation
import TestSupport
import Testing

@testable import ArchiveIO

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

  /// The windows sampled are where they were before the estimator deflated them with
  /// libdeflate: every window of the first 4 MiB, then one per 256 KiB, 1 MiB and 4 MiB
  /// chunk (stored estimates and the error figures were measured on these).
  @Test func theSampledWindowsAreOnePerChunkOfEachStratum() {
    let estimator = CompressedSizeEstimator()
    let window = [UInt8](repeating: 0, count: CompressedSizeEstimator.window)
    let limit: Int64 = (1 << 30) + (12 << 20)
    var starts: [Int64] = []
    while estimator.nextSample.lowerBound < limit {
      let sample = estimator.nextSample
      estimator.skipUnsampled(sample.lowerBound - estimator.consumed)
      starts.append(sample.lowerBound)
      window.withUnsafeBytes { estimator.consume(UnsafeRawBufferPointer(rebasing: $0[0..<Int(sample.count)])) }
    }
    #expect(Array(starts.prefix(64)) == (0..<64).map { Int64($0) << 16 })
    #expect(starts.count == 64 + 1024 + 768 + 2)
    // One window in each chunk, at a 64 KiB boundary inside it.
    let chunks: [(from: Int64, to: Int64, size: Int64)] = [
      (4 << 20, 260 << 20, 256 << 10), (260 << 20, 1028 << 20, 1 << 20), (1028 << 20, 1036 << 20, 4 << 20),
    ]
    for (from, to, size) in chunks {
      let inStratum = starts.filter { $0 >= from && $0 < to }
      #expect(inStratum.map { ($0 - from) / size } == Array(0..<(to - from) / size))
      #expect(inStratum.allSatisfy { $0 % Int64(CompressedSizeEstimator.window) == 0 })
    }
    // The windows a file's range is read at (`FileRangeEstimate`) are the same.
    var windows: [Int64] = []
    CompressedSizeEstimator.forEachWindow(size: limit) { number, window in
      #expect(number == windows.count)
      windows.append(window.lowerBound)
      return true
    }
    #expect(windows == starts)
  }

  /// A layer that is a range of a file gets the same estimate read apart, on the
  /// estimate's own threads, as from its bytes passing in order; from an offset in the
  /// file, down to an empty range, one smaller than a window and one ending mid-window.
  @Test(arguments: [0, 1, 100, 70_000, (4 << 20) + 300_017, 40 << 20])
  func aFilesRangeGetsTheSameEstimateReadApart(_ size: Int) throws {
    let directory = try TemporaryDirectory()
    let path = directory.url.appendingPathComponent("layers").path
    let offset = 12_345
    let data = Array(Self.mixed.prefix(size))
    try Data(Array(Self.mixed.suffix(offset)) + data + [1, 2, 3]).write(to: URL(fileURLWithPath: path))
    let passing = CompressedSizeEstimator()
    data.withUnsafeBytes { passing.consume($0) }
    let range = FileRange(file: try OpenFile(path: path), offset: Int64(offset), length: Int64(size))
    #expect(try FileRangeEstimate(range).estimate() == passing.estimate())
  }

  /// An estimate left unfinished (its layer's scan failed) stops without a trace: the
  /// next one, over the same file, gets its figure.
  @Test func anEstimateDroppedUnfinishedStops() throws {
    let directory = try TemporaryDirectory()
    let path = directory.url.appendingPathComponent("layer").path
    try Data(Self.mixed).write(to: URL(fileURLWithPath: path))
    let file = try OpenFile(path: path)
    for _ in 0..<20 { _ = FileRangeEstimate(FileRange(file: file)) }
    let passing = CompressedSizeEstimator()
    Self.mixed.withUnsafeBytes { passing.consume($0) }
    #expect(try FileRangeEstimate(FileRange(file: file)).estimate() == passing.estimate())
  }

  /// A file cut short under the estimate is an error, not an estimate of fewer bytes.
  @Test func aFileCutShortFailsTheEstimate() throws {
    let directory = try TemporaryDirectory()
    let path = directory.url.appendingPathComponent("layer").path
    try Data(Self.mixed.prefix(1 << 20)).write(to: URL(fileURLWithPath: path))
    let range = FileRange(file: try OpenFile(path: path), length: 2 << 20)
    #expect(throws: ArchiveError.self) { try FileRangeEstimate(range).estimate() }
  }

  /// The estimate does not depend on how the bytes arrive nor on which deflate queue
  /// finishes first, down to an empty layer, one smaller than a window and one ending
  /// mid-window; a reader that skips everything gets the same from the samples alone.
  @Test(arguments: [0, 1, 100, 70_000, (4 << 20) + 300_017])
  func theEstimateIsTheSameHoweverTheBytesArrive(_ size: Int) throws {
    let data = Array(Self.mixed.prefix(size))
    let estimates = (1...3).map { pieces -> Int64 in
      let estimator = CompressedSizeEstimator()
      var offset = 0
      while offset < data.count {
        let count = min(4093 * pieces, data.count - offset)
        data[offset..<offset + count].withUnsafeBytes { estimator.consume($0) }
        offset += count
      }
      return estimator.estimate()
    }
    #expect(Set(estimates).count == 1, "\(estimates)")
    // gzip's framing (18 bytes) and at least an empty final block.
    #expect(estimates[0] >= 20)
    let skipping = CompressedSizeEstimator()
    try SampledStream(MemoryStream(data), estimator: skipping).skip(Int64(size))
    #expect(skipping.estimate() == estimates[0])
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
