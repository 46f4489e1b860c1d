import Foundation

/// Runs the real `sizebudget` binary that `swift build` put beside the test bundle.
public enum CLI {
  public struct Result {
    public var status: Int32
    public var stdout: String
    public var stderr: String
  }

  public static let productsDirectory: URL = {
    let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var directory = executable.deletingLastPathComponent()
    // On some platforms the test bundle is a directory: walk up until the products are there.
    while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("sizebudget").path),
      directory.path != "/"
    {
      directory = directory.deletingLastPathComponent()
    }
    return directory
  }()

  public static func path(_ product: String) -> String { productsDirectory.appendingPathComponent(product).path }

  /// Runs a product with arguments, in a directory, with extra environment and input.
  @discardableResult
  public static func run(
    _ arguments: [String], product: String = "sizebudget", in directory: URL? = nil,
    environment: [String: String] = [:], input: Data? = nil, timeout: Double = 300
  ) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: product.hasPrefix("/") ? product : path(product))
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    // Tests run inside CI too: sizebudget must not comment on the CI's own pull request.
    for name in ["GITHUB_ACTIONS", "GITLAB_CI", "GITEA_ACTIONS", "FORGEJO_ACTIONS", "GITHUB_EVENT_PATH"] {
      env[name] = nil
    }
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let stdout = Pipe()
    let stderr = Pipe()
    let stdin = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    process.standardInput = stdin
    try process.run()
    // A hang is a failure, not a stuck test run.
    let deadline = DispatchWorkItem { if process.isRunning { process.terminate() } }
    DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: deadline)
    defer { deadline.cancel() }
    // Read both pipes while the process runs, so a large output cannot block it.
    let group = DispatchGroup()
    nonisolated(unsafe) var out = Data()
    nonisolated(unsafe) var err = Data()
    DispatchQueue.global().async(group: group) { out = stdout.fileHandleForReading.readDataToEndOfFile() }
    DispatchQueue.global().async(group: group) { err = stderr.fileHandleForReading.readDataToEndOfFile() }
    if let input {
      // A command may refuse its input before reading all of it: a closed pipe is its
      // answer (seen in its status and stderr), not the test's failure.
      signal(SIGPIPE, SIG_IGN)
      try? stdin.fileHandleForWriting.write(contentsOf: input)
    }
    try? stdin.fileHandleForWriting.close()
    process.waitUntilExit()
    group.wait()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
      stderr: String(decoding: err, as: UTF8.self))
  }
}

/// A fresh directory per test, removed afterwards.
public final class TemporaryDirectory {
  public let url: URL

  public init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("sizebudget-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  public func write(_ name: String, _ text: String) throws {
    let file = url.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: file, atomically: true, encoding: .utf8)
  }

  deinit { try? FileManager.default.removeItem(at: url) }
}
