import ArchiveIO
import TestSupport
import Testing

/// The read-ahead thread between inflate and tar parsing (issue 16): same bytes, same
/// errors, and a reader that stops early does not hang.
@Suite struct PipelinedStreamTests {
  let text = Array((0..<200_000).map { "line \($0) of a text file\n" }.joined().utf8)

  @Test func givesTheSameBytesAsTheStreamItReads() throws {
    let gzip = try Compressor.gzip(text)
    let inflated = try GzipStream(MemoryStream(gzip))
    let pipelined = PipelinedStream(inflated, depth: 2)
    #expect(try pipelined.readAll(limit: 64 << 20) == text)
    #expect(try pipelined.read(into: .allocate(byteCount: 16, alignment: 1)) == 0)
    // The base is the caller's again once the end was seen.
    #expect(inflated.uncompressedBytes == Int64(text.count))
  }

  @Test func passesOnTheBaseStreamsError() throws {
    let truncated = Array(try Compressor.gzip(text).prefix(5000))
    let pipelined = PipelinedStream(try GzipStream(MemoryStream(truncated)))
    let error = try #require(throws: ArchiveError.self) { _ = try pipelined.drain() }
    #expect(error.message.contains("truncated"))
  }

  @Test func aReaderThatStopsEarlyLetsTheThreadGo() throws {
    for _ in 0..<50 {
      let pipelined = PipelinedStream(MemoryStream(text), depth: 1)
      var first = [UInt8](repeating: 0, count: 100)
      _ = try first.withUnsafeMutableBytes { try pipelined.read(into: $0) }
      #expect(first == Array(text.prefix(100)))
    }
  }
}
