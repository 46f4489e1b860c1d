import ArchiveIO
import TestSupport
import Testing

@Suite struct DecompressionTests {
  let text = Array((0..<20_000).map { "line \($0) of a text file\n" }.joined().utf8)

  @Test func detectsCompressionFromTheFirstBytes() throws {
    #expect(Compression.detect(try Compressor.gzip(text)) == .gzip)
    #expect(Compression.detect(try Compressor.zstd(text)) == .zstd)
    #expect(Compression.detect(text) == .none)
  }

  @Test func gzipRoundTripsIncludingSeveralMembers() throws {
    let twice = try Compressor.gzip(text) + Compressor.gzip(text)
    let stream = try GzipStream(MemoryStream(twice))
    #expect(try stream.readAll(limit: 10 << 20) == text + text)
    #expect(stream.uncompressedBytes == Int64(text.count * 2))
  }

  @Test func zstdRoundTrips() throws {
    let stream = try ZstdStream(MemoryStream(try Compressor.zstd(text)))
    #expect(try stream.readAll(limit: 10 << 20) == text)
  }

  @Test func corruptAndTruncatedStreamsAreErrors() throws {
    var gzip = try Compressor.gzip(text)
    gzip[gzip.count / 2] ^= 0xFF
    gzip[gzip.count / 2 + 1] ^= 0xFF
    #expect(throws: ArchiveError.self) { _ = try GzipStream(MemoryStream(gzip)).drain() }
    let truncated = Array(try Compressor.gzip(text).prefix(100))
    let error = try #require(throws: ArchiveError.self) { _ = try GzipStream(MemoryStream(truncated)).drain() }
    #expect(error.message.contains("truncated"))
    var zstd = try Compressor.zstd(text)
    zstd[zstd.count / 2] ^= 0xFF
    zstd[zstd.count / 2 + 3] ^= 0xFF
    #expect(throws: ArchiveError.self) { _ = try ZstdStream(MemoryStream(zstd)).drain() }
    let zstdTruncated = Array(try Compressor.zstd(text).dropLast(10))
    #expect(throws: ArchiveError.self) { _ = try ZstdStream(MemoryStream(zstdTruncated)).drain() }
  }

  @Test func aDecompressionBombStopsEarly() throws {
    let zeros = [UInt8](repeating: 0, count: 64 << 20)
    let bomb = try Compressor.gzip(zeros)  // about 64 KB
    let limit = ExpansionLimit(ratio: 100, allowance: 1 << 20)
    let error = try #require(throws: ArchiveError.self) { _ = try GzipStream(MemoryStream(bomb), limit: limit).drain() }
    #expect(error.message.contains("decompression bomb"))
  }

  @Test func hashingStreamGivesTheSHA256() throws {
    let stream = HashingStream(MemoryStream(Array("abc".utf8)))
    #expect(try stream.finish() == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(stream.count == 3)
  }

  @Test func theCompressedSizeEstimateIsCloseToGzip() throws {
    // Mixed content: text and incompressible bytes, over 4 MiB so that sampling applies.
    var generator = SystemRandomNumberGenerator()
    var data: [UInt8] = []
    while data.count < 12 << 20 {
      data += text
      data += (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
    let estimator = CompressedSizeEstimator()
    data.withUnsafeBytes { estimator.consume($0) }
    let actual = Double(try Compressor.pipe(["gzip", "-1", "-n", "-c"], data).count)
    let ratio = Double(estimator.estimate()) / actual
    #expect(ratio > 0.9 && ratio < 1.1, "estimate/actual = \(ratio)")
  }
}
