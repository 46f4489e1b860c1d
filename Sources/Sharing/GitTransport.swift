import Endpoints
import Foundation
import SystemCalls

/// Fetching and pushing the notes ref through the `git` command, not libgit2: git
/// brings the user's and the CI runner's own way of reaching the remote (credential
/// helpers, `http.extraHeader` tokens, ssh config, proxies), which libgit2 does not
/// read. Everything else about notes is libgit2.
struct GitTransport {
  let gitDirectory: String
  /// Each fetch or push is stopped after this long (`SIZEBUDGET_GIT_TIMEOUT`
  /// seconds, default 120): a remote that never answers must not hang a CI job.
  var timeoutSeconds: Double = {
    let configured = ProcessInfo.processInfo.environment["SIZEBUDGET_GIT_TIMEOUT"].flatMap(Double.init)
    // Anything but a finite number of seconds (nan, inf, words) means the default.
    guard let configured, configured.isFinite else { return 120 }
    return max(1, configured)
  }()

  enum PushResult: Equatable {
    case pushed
    /// Another writer moved the remote ref first: fetch, merge, try again. With
    /// git's words.
    case rejected(String)
  }

  /// Where the remote's notes are fetched to: `refs/notes/sizebudget-remotes/origin`
  /// (a URL without its credentials, so that no token ends up in a ref name).
  static func trackingRef(_ remote: String) -> String {
    "refs/notes/sizebudget-remotes/\(safe(Endpoint.withoutQuery(remote)))"
  }

  /// Where the remote's inbox refs are fetched to: `…/origin-inbox/NAME`.
  static func trackingInbox(_ remote: String) -> String {
    "refs/notes/sizebudget-remotes/\(safe(Endpoint.withoutQuery(remote)))-inbox"
  }

  /// A remote as messages show it: `https://***@host/repo.git?a=***` for a URL that
  /// carries credentials (a user name alone may be a token) or a query.
  static func shown(_ remote: String) -> String { Endpoint.redacted(remote) }

  static func safe(_ name: String) -> String {
    String(name.map { $0.isLetter || $0.isNumber || "._-".contains($0) ? $0 : "_" })
  }

  /// What a fetch found on the remote: its notes ref, and inbox refs left by writers
  /// whose pushes kept being refused (`refs/notes/sizebudget-inbox/*`).
  struct Fetched {
    var main = false
    var inboxes: [String] = []
  }

  /// Fetches the remote's notes ref and inbox refs (pruning inboxes others folded).
  func fetch(remote: String, ref: String, inbox: String, repository listing: (String) -> [String])
    throws(SharingError) -> Fetched
  {
    let inboxSpec = "+\(inbox)/*:\(Self.trackingInbox(remote))/*"
    var result = try git(
      ["fetch", "--quiet", "--no-tags", "--prune", remote, "+\(ref):\(Self.trackingRef(remote))", inboxSpec])
    var fetched = Fetched(main: true)
    if result.status != 0 && result.stderr.contains("couldn't find remote ref") {
      fetched.main = false
      result = try git(["fetch", "--quiet", "--no-tags", "--prune", remote, inboxSpec])
    }
    guard result.status == 0 else {
      throw SharingError(
        "git fetch \(Self.shown(remote)) \(ref) failed: \(Self.scrubbed(Self.lastLines(result.stderr), remote))",
        unreachable: Self.unreachable(result.stderr, remote))
    }
    let prefix = Self.trackingInbox(remote) + "/"
    fetched.inboxes = listing(prefix + "*").map { String($0.dropFirst(prefix.count)) }.sorted()
    return fetched
  }

  /// Pushes the notes ref; with `deleting`, in the same atomic push removes the inbox
  /// refs that were merged into it.
  func push(remote: String, ref: String, deleting inboxes: [String]) throws(SharingError) -> PushResult {
    var arguments = ["push", "--quiet", "--no-verify"]
    if !inboxes.isEmpty { arguments.append("--atomic") }
    arguments += [remote, "\(ref):\(ref)"] + inboxes.map { ":\($0)" }
    let result = try git(arguments)
    if result.status == 0 { return .pushed }
    // Non-fast-forward ("fetch first"), a ref lock held by a concurrent push, or an
    // inbox another writer folded first.
    let retryable = [
      "rejected", "non-fast-forward", "fetch first", "cannot lock ref", "failed to update ref",
      "failed to lock", "does not exist", "atomic push failed",
    ]
    if retryable.contains(where: result.stderr.contains) {
      return .rejected(Self.scrubbed(Self.lastLines(result.stderr), remote))
    }
    throw SharingError(
      "git push \(Self.shown(remote)) \(ref) failed: \(Self.scrubbed(Self.lastLines(result.stderr), remote))",
      unreachable: Self.unreachable(result.stderr, remote))
  }

  /// Pushes the notes to a new ref of their own (creating a ref never races).
  func pushInbox(remote: String, ref: String, to inboxRef: String) throws(SharingError) {
    let result = try git(["push", "--quiet", "--no-verify", remote, "\(ref):\(inboxRef)"])
    guard result.status == 0 else {
      throw SharingError(
        "git push \(Self.shown(remote)) \(inboxRef) failed: \(Self.scrubbed(Self.lastLines(result.stderr), remote))",
        unreachable: Self.unreachable(result.stderr, remote))
    }
  }

  /// git's words (LC_ALL=C) for a remote host that is down, unknown or not answering:
  /// "the remote <name>" when retrying may succeed, nil for a remote that does not
  /// exist or refuses (a path that is not a repository, a denied push, bad credentials).
  static func unreachable(_ stderr: String, _ remote: String) -> String? {
    let transient = [
      "Could not resolve host", "Connection refused", "Connection timed out", "Operation timed out",
      "Failed to connect", "Connection reset", "Network is unreachable", "No route to host",
      "The remote end hung up unexpectedly", "early EOF", "Temporary failure in name resolution",
      "HTTP 502", "HTTP 503", "HTTP 504", "error: 502", "error: 503", "error: 504",
    ]
    guard transient.contains(where: stderr.contains) else { return nil }
    return "the remote \(shown(remote))"
  }

  struct Result {
    var status: Int32
    var stderr: String
  }

  /// Runs git with no terminal prompts (a CI job must fail, not wait for a password)
  /// and a time limit.
  private func git(_ arguments: [String]) throws(SharingError) -> Result {
    var environment = ProcessInfo.processInfo.environment
    environment["GIT_TERMINAL_PROMPT"] = "0"
    environment["LC_ALL"] = "C"  // the messages matched above are git's English ones
    let child: GroupedChild
    do {
      child = try GroupedChild(
        ["/usr/bin/env", "git", "--git-dir=\(gitDirectory)"] + arguments, environment: environment,
        directory: FileManager.default.currentDirectoryPath)
    } catch {
      throw SharingError("cannot run git (\(error)): install git, which sizebudget uses to fetch and push notes")
    }
    // In a process group of its own, stopped whole at the time limit: git's ssh or
    // https helper holds the output pipe too, and would otherwise be waited for
    // however long it hangs. (git's standard output, which --quiet keeps empty,
    // shares the pipe with its errors.)
    var output: [UInt8] = []
    let ending = child.wait(timeout: timeoutSeconds) { chunk in output = Array((output + chunk).suffix(65536)) }
    if ending == .timedOut {
      throw SharingError(
        "git \(arguments[0]) took longer than \(Int(timeoutSeconds)) s and was stopped",
        unreachable: "a git remote (\(arguments[0]))")
    }
    return Result(status: ending.shellStatus, stderr: String(decoding: output, as: UTF8.self))
  }

  /// git's words about a remote with the remote's credentials taken out, should
  /// any message repeat them.
  static func scrubbed(_ text: String, _ remote: String) -> String { Endpoint.scrubbed(text, of: remote) }

  static func lastLines(_ text: String) -> String {
    text.split(separator: "\n").suffix(3).joined(separator: " / ")
  }
}
