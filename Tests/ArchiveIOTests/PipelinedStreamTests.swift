import ArchiveIO
import TestSupport
import Testing

/// The read-ahead thread between inflate and tar parsing (issue 16): same bytes, same
/// errors, and a reader that stops early does not hang; on a dispatch queue's thread
/// and on a thread of its own at a lower priority (`niceness`), as a compressed
/// layer's blob is read.
@Suite struct PipelinedStreamTests {
  let text = Array((0..<200_000).map { "line \($0) of a text file\n" }.joined().utf8)

  @Test(arguments: [0, 5] as [Int32]) func givesTheSameBytesAsTheStreamItReads(niceness: Int32) throws {
    let gzip = try Compressor.gzip(text)
    let inflated = try GzipStream(MemoryStream(gzip))
    let pipelined = PipelinedStream(inflated, depth: 2, niceness: niceness)
    #expect(try pipelined.readAll(limit: 64 << 20) == text)
    #expect(try pipelined.read(into: .allocate(byteCount: 16, alignment: 1)) == 0)
    // The base is the caller's again once the end was seen.
    #expect(inflated.uncompressedBytes == Int64(text.count))
  }

  @Test(arguments: [0, 5] as [Int32]) func passesOnTheBaseStreamsError(niceness: Int32) throws {
    let truncated = Array(try Compressor.gzip(text).prefix(5000))
    let pipelined = PipelinedStream(try GzipStream(MemoryStream(truncated)), niceness: niceness)
    let error = try #require(throws: ArchiveError.self) { _ = try pipelined.drain() }
    #expect(error.message.contains("truncated"))
  }

  @Test(arguments: [0, 5] as [Int32]) func aReaderThatStopsEarlyLetsTheThreadGo(niceness: Int32) throws {
    for _ in 0..<50 {
      let pipelined = PipelinedStream(MemoryStream(text), depth: 1, niceness: niceness)
      var first = [UInt8](repeating: 0, count: 100)
      _ = try first.withUnsafeMutableBytes { try pipelined.read(into: $0) }
      #expect(first == Array(text.prefix(100)))
    }
  }

  /// Two pipelines chained, as a compressed layer is read: blob, inflating, tar.
  @Test func chainedPipelinesGiveTheSameBytes() throws {
    let blob = HashingStream(MemoryStream(try Compressor.gzip(text)))
    let blobAhead = PipelinedStream(blob, depth: 2, niceness: 5)
    let tar = PipelinedStream(try GzipStream(blobAhead), depth: 2)
    #expect(try tar.readAll(limit: 64 << 20) == text)
    #expect(try blobAhead.drain() == 0)
    #expect(try blob.finish() == SHA256.digest(try Compressor.gzip(text)))
  }
}
