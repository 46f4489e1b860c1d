import Foundation

/// A real repository made with the `git` command line, in a temporary directory.
public final class GitRepository {
  public let directory: TemporaryDirectory
  public var url: URL { directory.url }
  public var path: String { directory.url.path }

  public init() throws {
    directory = try TemporaryDirectory()
    try git(["init", "-q", "-b", "main"])
    try configure()
  }

  /// A bare repository (`bare: true`), the "origin" clones share.
  public init(bare: Bool) throws {
    directory = try TemporaryDirectory()
    try git(["init", "-q", bare ? "--bare" : "", "-b", "main"].filter { !$0.isEmpty })
  }

  /// A clone of `source` (a path or URL), with its own author.
  public init(cloning source: String) throws {
    directory = try TemporaryDirectory()
    try git(["clone", "-q", source, "."])
    try configure()
  }

  private func configure() throws {
    try git(["config", "user.name", "Test Author"])
    try git(["config", "user.email", "author@example.com"])
    try git(["config", "commit.gpgsign", "false"])
  }

  /// Writes files and commits them; returns the new commit's full oid. `date`
  /// (seconds since 1970) fixes the author and committer dates, so that tests which
  /// depend on time do not depend on how fast the machine is.
  @discardableResult
  public func commit(_ message: String, files: [String: String] = [:], date: Int? = nil) throws -> String {
    for (name, text) in files { try directory.write(name, text) }
    try git(["add", "-A"])
    let dated = date.map { ["GIT_AUTHOR_DATE": "@\($0) +0000", "GIT_COMMITTER_DATE": "@\($0) +0000"] } ?? [:]
    try git(["commit", "-q", "--allow-empty", "-m", message], environment: dated)
    return try git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  @discardableResult
  public func git(_ arguments: [String], environment extra: [String: String] = [:], input: String? = nil) throws
    -> String
  {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git"] + arguments
    process.currentDirectoryURL = url
    var environment = ProcessInfo.processInfo.environment
    environment["GIT_CONFIG_NOSYSTEM"] = "1"
    environment.merge(extra) { _, new in new }
    process.environment = environment
    let output = Pipe()
    process.standardOutput = output
    process.standardError = Pipe()
    let stdin = Pipe()
    if input != nil { process.standardInput = stdin }
    try process.run()
    if let input {
      stdin.fileHandleForWriting.write(Data(input.utf8))
      try stdin.fileHandleForWriting.close()
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw NSError(
        domain: "git", code: Int(process.terminationStatus),
        userInfo: [NSLocalizedDescriptionKey: "git \(arguments) failed"])
    }
    return String(decoding: data, as: UTF8.self)
  }
}
