import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// scripts/fake-forge.py on 127.0.0.1: GitHub's, GitLab's or Gitea's REST API with real
/// state (comments, statuses), real shapes and status codes, for the forge delivery.
public final class FakeForge {
  public struct Comment: Decodable, Sendable {
    public var id: Int
    public var user: String
    public var body: String
  }

  public struct Status: Decodable, Sendable {
    public var sha: String
    public var state: String
    public var description: String?
    public var target_url: String?
    public var context: String?
  }

  public struct State: Decodable, Sendable {
    public var comments: [String: [Comment]]
    public var statuses: [Status]
    public var requests: [[String]]
  }

  public let forge: String
  public let port: Int
  private let process: Process

  /// The API base URL sizebudget is given.
  public var api: String {
    "http://127.0.0.1:\(port)" + ["github": "/api/v3", "gitlab": "/api/v4", "gitea": "/api/v1"][forge]!
  }

  public init(_ forge: String, config: [String: Any]) throws {
    self.forge = forge
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("fake-forge-\(UUID().uuidString).json")
    try JSONSerialization.data(withJSONObject: config).write(to: file)
    process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", root.appendingPathComponent("scripts/fake-forge.py").path, forge, file.path]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let line = output.fileHandleForReading.readLine()
    guard let port = Int(line) else {
      process.terminate()
      throw NSError(
        domain: "fake-forge", code: 1, userInfo: [NSLocalizedDescriptionKey: "the fake forge did not start: \(line)"])
    }
    self.port = port
  }

  public func state() throws -> State {
    try JSONDecoder().decode(State.self, from: curl(["http://127.0.0.1:\(port)/_state"]))
  }

  /// Replaces the faults and the delay of every answer.
  public func control(faults: [[String: Any]] = [], delay: Double = 0) throws {
    let body = try JSONSerialization.data(withJSONObject: ["faults": faults, "delay": delay])
    _ = try curl([
      "-X", "POST", "--data-binary", String(decoding: body, as: UTF8.self), "http://127.0.0.1:\(port)/_control",
    ])
  }

  /// The curl command (Foundation's URLSession would bring a second libcurl into tests).
  private func curl(_ arguments: [String]) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["curl", "-sf", "--max-time", "30"] + arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw NSError(domain: "fake-forge", code: 2, userInfo: [NSLocalizedDescriptionKey: "curl \(arguments) failed"])
    }
    return data
  }

  public func stop() {
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
  }

  deinit { stop() }
}
