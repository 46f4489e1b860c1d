import Delivery
import Foundation
import TestSupport
import Testing

/// `DownloadStream` against Python's http.server on 127.0.0.1: bodies arrive whole
/// and in order whatever the reader's buffer, and every way a transfer ends is told
/// apart (an answer that is not 2xx, a body cut short, a server that stalls, none).
@Suite struct DownloadStreamTests {
  /// Serves `/body/N` (N bytes, byte i = (i * 31 + 7) % 251), `/active` (how many of
  /// those are being sent), `/chunked/N` (the same in chunks of 10,000 bytes, no
  /// length), `/missing` (404 with a text), `/short`
  /// (promises 1 MB, sends 100,000 bytes and closes) and `/stall` (headers, then
  /// nothing).
  final class Server {
    let process = Process()
    let port: Int

    init() throws {
      let script = """
        import http.server, sys, threading, time
        def body(n): return bytes((i * 31 + 7) % 251 for i in range(n))
        active, lock = [0], threading.Lock()
        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *a): pass
            def head(self, status, length):
                self.send_response(status); self.send_header("Content-Length", str(length)); self.end_headers()
            def do_GET(self):
                if self.path.startswith("/body/"):
                    data = body(int(self.path[6:]))
                    with lock: active[0] += 1
                    try:
                        self.head(200, len(data)); self.wfile.write(data)
                    finally:
                        with lock: active[0] -= 1
                elif self.path == "/active":
                    with lock: data = str(active[0]).encode()
                    self.head(200, len(data)); self.wfile.write(data)
                elif self.path.startswith("/chunked/"):
                    data = body(int(self.path[9:]))
                    self.send_response(200); self.send_header("Transfer-Encoding", "chunked"); self.end_headers()
                    for i in range(0, len(data), 10000):
                        piece = data[i:i + 10000]
                        self.wfile.write(b"%x\\r\\n" % len(piece) + piece + b"\\r\\n")
                    self.wfile.write(b"0\\r\\n\\r\\n")
                elif self.path == "/missing":
                    data = b"blob unknown to registry"; self.head(404, len(data)); self.wfile.write(data)
                elif self.path == "/short":
                    self.head(200, 1000000); self.wfile.write(body(100000)); self.wfile.flush()
                    self.close_connection = True
                elif self.path == "/stall":
                    self.head(200, 1000); self.wfile.flush(); time.sleep(30)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        server.daemon_threads = True
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """
      process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
      process.arguments = ["-c", script]
      let output = Pipe()
      process.standardOutput = output
      try process.run()
      port = try #require(Int(output.fileHandleForReading.readLine()))
    }

    /// SIGKILL: the test runner's children may inherit SIGTERM ignored.
    deinit {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }
  }

  /// Reads to the end in pieces of `size` bytes.
  static func readAll(_ stream: DownloadStream, by size: Int) -> [UInt8] {
    var result: [UInt8] = []
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 1)
    defer { buffer.deallocate() }
    while true {
      let got = stream.read(into: buffer)
      if got == 0 { return result }
      result.append(contentsOf: buffer[0..<got])
    }
  }

  /// Where `body` first differs from the server's first `count` bytes (nil: nowhere);
  /// an index, not two arrays of megabytes in a failure's message.
  static func firstDifference(_ body: [UInt8], _ count: Int) -> Int? {
    let expected = (0..<count).map { UInt8(($0 * 31 + 7) % 251) }
    return zip(body, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
      ?? (body.count == count ? nil : min(body.count, count))
  }

  /// Buffers smaller than a write callback's bytes (the spill), and larger than
  /// libcurl's receive buffer (receiving pauses when one fills mid-receive).
  @Test(arguments: [1, 7, 4096, 65_537, 300_000])
  func theBodyArrivesWholeAndInOrder(bufferSize: Int) throws {
    let server = try Server()
    let count = bufferSize < 100 ? 200_000 : 3_000_000
    // A transfer left paused would end at this timeout, short, not hang the run.
    let stream = try DownloadStream(server.url("/body/\(count)"), headers: [], timeout: 60)
    let body = Self.readAll(stream, by: bufferSize)
    #expect(body.count == count)
    #expect(Self.firstDifference(body, count) == nil)
    let outcome = try #require(stream.outcome)
    #expect(outcome.status == 200)
    #expect(outcome.error == nil)
    #expect(outcome.headers["content-length"] == String(count))
    #expect(Self.readAll(stream, by: 4096).isEmpty, "the end stays the end")
  }

  @Test(arguments: [4096, 65_537])
  func aChunkedBodyArrivesWhole(bufferSize: Int) throws {
    let server = try Server()
    let stream = try DownloadStream(server.url("/chunked/1000000"), headers: [], timeout: 60)
    let body = Self.readAll(stream, by: bufferSize)
    #expect(body.count == 1_000_000)
    #expect(Self.firstDifference(body, 1_000_000) == nil)
    #expect(stream.outcome?.status == 200)
    #expect(stream.outcome?.error == nil)
  }

  /// An empty body ends the transfer at once (a pause with nothing delivered would
  /// wait for the timeout); an empty buffer reads nothing and ends nothing.
  @Test func anEmptyBodyAndAnEmptyBuffer() throws {
    let server = try Server()
    let started = Date()
    let empty = try DownloadStream(server.url("/body/0"), headers: [], timeout: 20)
    #expect(Self.readAll(empty, by: 4096).isEmpty)
    #expect(empty.outcome?.status == 200)
    #expect(empty.outcome?.error == nil)
    #expect(Date().timeIntervalSince(started) < 10)
    let stream = try DownloadStream(server.url("/body/100"), headers: [])
    #expect(stream.read(into: UnsafeMutableRawBufferPointer(start: nil, count: 0)) == 0)
    #expect(stream.outcome == nil)
    #expect(Self.firstDifference(Self.readAll(stream, by: 7), 100) == nil)
  }

  @Test func anErrorAnswerIsNoBody() throws {
    let server = try Server()
    let stream = try DownloadStream(server.url("/missing"), headers: [])
    #expect(Self.readAll(stream, by: 4096).isEmpty)
    let outcome = try #require(stream.outcome)
    #expect(outcome.status == 404)
    #expect(outcome.error == nil)
    #expect(String(decoding: outcome.errorBody, as: UTF8.self) == "blob unknown to registry")
  }

  @Test func aBodyCutShortIsADroppedTransfer() throws {
    let server = try Server()
    let stream = try DownloadStream(server.url("/short"), headers: [])
    let body = Self.readAll(stream, by: 65_536)
    #expect(Self.firstDifference(body, 100_000) == nil)
    let error = try #require(stream.outcome?.error)
    #expect(error.kind == .dropped, "\(error)")
    #expect(error.message.contains("GET http://127.0.0.1:\(server.port)/short"), "\(error)")
  }

  @Test func aStalledServerTimesOut() throws {
    let server = try Server()
    let started = Date()
    let stream = try DownloadStream(server.url("/stall"), headers: [], timeout: 1.5)
    #expect(Self.readAll(stream, by: 4096).isEmpty)
    #expect(stream.outcome?.error?.kind == .timeout, "\(String(describing: stream.outcome?.error))")
    #expect(Date().timeIntervalSince(started) < 10)
  }

  /// A server that stops sending mid-body fails the transfer after the stall timeout,
  /// not after the whole transfer's (an hour for a blob).
  @Test func aServerThatStopsSendingIsCutOff() throws {
    let server = try Server()
    let started = Date()
    let stream = try DownloadStream(server.url("/stall"), headers: [], timeout: 3600, stallTimeout: 2)
    #expect(Self.readAll(stream, by: 4096).isEmpty)
    let error = try #require(stream.outcome?.error)
    #expect(error.kind == .timeout, "\(error)")
    #expect(Date().timeIntervalSince(started) < 15)
  }

  /// A reader that stops reading for longer than the stall timeout (a slow inflate,
  /// a busy machine) still gets the whole body, whether its buffer filled up (the
  /// transfer paused) or not.
  @Test(arguments: [4096, 4 << 20])
  func aSlowReaderIsNoStall(_ bufferSize: Int) throws {
    let server = try Server()
    let count = 3_000_000
    let stream = try DownloadStream(server.url("/body/\(count)"), headers: [], timeout: 60, stallTimeout: 1)
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 1)
    defer { buffer.deallocate() }
    var body: [UInt8] = []
    var pauses = 0
    while true {
      let got = stream.read(into: buffer)
      if got == 0 { break }
      body += buffer[0..<got]
      if pauses < 2 && body.count > 100_000 * (pauses + 1) {
        pauses += 1
        Thread.sleep(forTimeInterval: 3)
      }
    }
    #expect(stream.outcome?.error == nil, "\(String(describing: stream.outcome?.error))")
    #expect(Self.firstDifference(body, count) == nil)
  }

  @Test func noServerIsARefusal() throws {
    // A port that was free a moment ago: nothing listens there.
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0
      }
    }
    let port = UInt16(bigEndian: address.sin_port)
    close(listener)
    let stream = try DownloadStream("http://127.0.0.1:\(port)/body/10", headers: [])
    #expect(Self.readAll(stream, by: 4096).isEmpty)
    #expect(stream.outcome?.error?.kind == .refused, "\(String(describing: stream.outcome?.error))")
  }

  /// A reader that stops early (a corrupt layer) lets go of the connection at once:
  /// the server's writes of the rest fail, and it goes on serving others.
  @Test func aReaderMayStopEarly() throws {
    let server = try Server()
    for _ in 0..<3 {
      let stream = try DownloadStream(server.url("/body/20000000"), headers: [])
      let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1000, alignment: 1)
      defer { buffer.deallocate() }
      #expect(stream.read(into: buffer) > 0)
    }
    // 20 MB does not fit in the sockets' buffers: a connection left open would keep
    // its handler writing.
    var active = ""
    for _ in 0..<50 {
      active = String(
        decoding: Self.readAll(try DownloadStream(server.url("/active"), headers: []), by: 64), as: UTF8.self)
      if active == "0" { break }
      usleep(100_000)
    }
    #expect(active == "0", "bodies still being sent: \(active)")
    let stream = try DownloadStream(server.url("/body/1000"), headers: [])
    #expect(Self.firstDifference(Self.readAll(stream, by: 4096), 1000) == nil)
  }
}
