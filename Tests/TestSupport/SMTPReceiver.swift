import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// scripts/smtp-receiver.py: a real SMTP server (aiosmtpd) on 127.0.0.1 that keeps
/// every message it receives as a .eml file.
public final class SMTPReceiver {
  public let port: Int
  public let directory: URL
  private let process: Process

  public init(user: String? = nil, password: String? = nil) throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-\(UUID().uuidString)")
    var arguments = ["python3", root.appendingPathComponent("scripts/smtp-receiver.py").path, directory.path]
    if let user, let password { arguments += ["--user", user, "--password", password] }
    process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = Pipe()
    try process.run()
    let line = output.fileHandleForReading.readLine()
    guard let port = Int(line) else {
      kill(process.processIdentifier, SIGKILL)
      throw NSError(domain: "smtp", code: 1, userInfo: [NSLocalizedDescriptionKey: "the SMTP receiver did not start"])
    }
    self.port = port
  }

  /// The received messages, oldest first.
  public func messages() -> [URL] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.filter { $0.hasSuffix(".eml") }.sorted { Int($0.dropLast(4))! < Int($1.dropLast(4))! }
      .map { directory.appendingPathComponent($0) }
  }

  /// The user names of the AUTH attempts the server saw (with `user:`), oldest first.
  public func authAttempts() -> [String] {
    let text = (try? String(contentsOf: directory.appendingPathComponent("auth-attempts"), encoding: .utf8)) ?? ""
    return text.split(separator: "\n").map(String.init)
  }

  public func stop() {
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
  }

  deinit {
    stop()
    try? FileManager.default.removeItem(at: directory)
  }
}

/// A message as Python's email package reads it (scripts/read-email.py).
public struct ParsedEmail: Decodable {
  public struct Part: Decodable {
    public var type: String
    public var charset: String?
    public var text: String
  }

  public var headers: [String: String]
  public var headerNames: [String]
  public var contentType: String
  public var dateOk: Bool
  public var defects: [String]
  public var parts: [Part]

  public static func read(_ file: URL) throws -> ParsedEmail {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let result = try CLI.run(
      [root.appendingPathComponent("scripts/read-email.py").path, file.path], product: "/usr/bin/python3")
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(ParsedEmail.self, from: Data(result.stdout.utf8))
  }
}
