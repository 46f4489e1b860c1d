import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// scripts/webhook-receiver.py on 127.0.0.1: a real HTTP server that verifies every
/// signature with the reference standardwebhooks package and logs what it received.
public final class WebhookReceiver {
  public struct Received: Decodable, Sendable {
    public var id: String?
    public var verified: Bool?
    public var type: String?
    public var status: Int
    public var authorization: String?
    /// The request's path and query.
    public var path: String?
    public var body: String
  }

  public let port: Int
  public let log: URL
  private let process: Process

  public var url: String { "http://127.0.0.1:\(port)/hook" }

  public init(
    secret: String? = nil, failFirst: Int = 0, status: Int = 500, retryAfter: String? = nil, delay: Double = 0,
    port: Int = 0, log: URL? = nil
  ) throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    self.log =
      log ?? FileManager.default.temporaryDirectory.appendingPathComponent("receiver-\(UUID().uuidString).jsonl")
    var arguments = [
      root.appendingPathComponent("scripts/webhook-receiver.py").path, self.log.path, "--port", String(port),
    ]
    if let secret { arguments += ["--secret", secret] }
    arguments += ["--fail-first", String(failFirst), "--status", String(status), "--delay", String(delay)]
    if let retryAfter { arguments += ["--retry-after", retryAfter] }
    process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3"] + arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let line = output.fileHandleForReading.readLine()
    guard let port = Int(line) else {
      process.terminate()
      throw NSError(
        domain: "receiver", code: 1, userInfo: [NSLocalizedDescriptionKey: "the receiver did not start: \(line)"])
    }
    self.port = port
  }

  public func received() -> [Received] {
    guard let text = try? String(contentsOf: log, encoding: .utf8) else { return [] }
    return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Received.self, from: Data($0.utf8)) }
  }

  /// The webhook-ids of requests that arrived, answered or not (written before any delay).
  public func arrivals() -> [String] {
    let text = (try? String(contentsOfFile: log.path + ".arrivals", encoding: .utf8)) ?? ""
    return text.split(separator: "\n").map(String.init)
  }

  /// SIGKILL: the test runner's children may inherit SIGTERM ignored.
  public func stop() {
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
  }

  deinit { stop() }
}

extension FileHandle {
  /// One line, read byte by byte (the rest stays in the pipe).
  public func readLine() -> String {
    var bytes: [UInt8] = []
    while true {
      let byte = readData(ofLength: 1)
      if byte.isEmpty || byte.first == UInt8(ascii: "\n") { break }
      bytes.append(byte.first!)
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
