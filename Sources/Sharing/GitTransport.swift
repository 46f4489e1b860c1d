import Foundation

/// Fetching and pushing the notes ref through the `git` command, not libgit2: git
/// brings the user's and the CI runner's own way of reaching the remote (credential
/// helpers, `http.extraHeader` tokens, ssh config, proxies), which libgit2 does not
/// read. Everything else about notes is libgit2.
struct GitTransport {
  let gitDirectory: String
  var timeoutSeconds: Double = 120

  enum PushResult: Equatable {
    case pushed
    /// Another writer moved the remote ref first: fetch, merge, try again.
    case rejected
  }

  /// Where the remote's notes are fetched to: `refs/notes/sizebudget-remotes/origin`.
  static func trackingRef(_ remote: String) -> String {
    let safe = String(remote.map { $0.isLetter || $0.isNumber || "._-".contains($0) ? $0 : "_" })
    return "refs/notes/sizebudget-remotes/\(safe)"
  }

  /// Fetches the remote's notes ref; false when the remote has none yet.
  func fetch(remote: String, ref: String) throws(SharingError) -> Bool {
    let result = try git(["fetch", "--quiet", "--no-tags", remote, "+\(ref):\(Self.trackingRef(remote))"])
    if result.status == 0 { return true }
    if result.stderr.contains("couldn't find remote ref") { return false }
    throw SharingError("git fetch \(remote) \(ref) failed: \(Self.lastLines(result.stderr))")
  }

  func push(remote: String, ref: String) throws(SharingError) -> PushResult {
    let result = try git(["push", "--quiet", "--no-verify", remote, "\(ref):\(ref)"])
    if result.status == 0 { return .pushed }
    // Non-fast-forward ("fetch first"), or a ref lock held by a concurrent push.
    let retryable = [
      "rejected", "non-fast-forward", "fetch first", "cannot lock ref", "failed to update ref",
      "failed to lock",
    ]
    if retryable.contains(where: result.stderr.contains) { return .rejected }
    throw SharingError("git push \(remote) \(ref) failed: \(Self.lastLines(result.stderr))")
  }

  struct Result {
    var status: Int32
    var stderr: String
  }

  /// Runs git with no terminal prompts (a CI job must fail, not wait for a password)
  /// and a time limit.
  private func git(_ arguments: [String]) throws(SharingError) -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "--git-dir=\(gitDirectory)"] + arguments
    var environment = ProcessInfo.processInfo.environment
    environment["GIT_TERMINAL_PROMPT"] = "0"
    environment["LC_ALL"] = "C"  // the messages matched above are git's English ones
    process.environment = environment
    let stderr = Pipe()
    process.standardError = stderr
    process.standardOutput = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      throw SharingError("cannot run git (\(error)): install git, which sizebudget uses to fetch and push notes")
    }
    let deadline = DispatchWorkItem { if process.isRunning { process.terminate() } }
    DispatchQueue.global().asyncAfter(deadline: .now() + timeoutSeconds, execute: deadline)
    let output = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    deadline.cancel()
    if process.terminationReason == .uncaughtSignal {
      throw SharingError("git \(arguments[0]) took longer than \(Int(timeoutSeconds)) s and was stopped")
    }
    return Result(status: process.terminationStatus, stderr: String(decoding: output, as: UTF8.self))
  }

  static func lastLines(_ text: String) -> String {
    text.split(separator: "\n").suffix(3).joined(separator: " / ")
  }
}
