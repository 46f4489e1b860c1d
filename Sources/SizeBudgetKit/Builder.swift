import Analysis
import Budgets
import Foundation
import GitHistory
import ImageSource
import Model
import Store
import SystemCalls

/// Builds one commit's image for bisect: a temporary worktree (libgit2), the image's
/// build command in it, the result measured into the store, everything removed
/// afterwards, even when interrupted.
struct Builder: Sendable {
  enum Outcome: Sendable {
    case measured(ImageMeasurement)
    /// The command exited 125: "this commit cannot be built", as in `git bisect run`.
    case skipped
    case failed(status: Int32, lastLines: [String])
    /// Still running after the build timeout: its process group was killed.
    case timedOut(seconds: Double, lastLines: [String])
  }

  let budget: ImageBudget
  let command: String
  let storePath: String
  let repositoryPath: String
  let pathDepth: Int
  /// Seconds one build may take (`--timeout`, else `build_timeout`); nil: no limit.
  let timeout: Double?
  /// Copy the build's output to standard error as it comes (`--verbose`).
  var streamOutput = false

  func build(_ commit: ObjectID) throws(CommandError) -> Outcome {
    try ActiveWorktrees.shared.refuseWhenStopping()
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
      "sizebudget-build-\(commit.short)-\(UUID().uuidString.prefix(8))")
    defer { try? FileManager.default.removeItem(at: scratch) }
    try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    let worktreePath = scratch.appendingPathComponent("worktree").path
    let output = scratch.appendingPathComponent("output")
    let repository: Repository
    let worktree: TemporaryWorktree
    // A signal that arrives while the worktree is being made waits for it to be
    // registered (and so removed), rather than exiting with it left behind.
    ActiveWorktrees.shared.beginCheckout()
    do {
      repository = try Repository(discovering: repositoryPath)
      worktree = try TemporaryWorktree(repository, commit: commit, path: worktreePath)
    } catch {
      ActiveWorktrees.shared.endCheckout()
      throw .usage("cannot check out \(commit.short) to build it: \(error.message)")
    }
    // Removed on this thread, with this thread's repository handle: libgit2 handles
    // are not shared between threads (a signal waits for this instead).
    ActiveWorktrees.shared.add(worktree)
    ActiveWorktrees.shared.endCheckout()
    defer {
      worktree.remove()
      ActiveWorktrees.shared.remove(worktree)
    }
    let (ending, lastLines) = try run(commit: commit, in: worktreePath, output: output.path)
    try ActiveWorktrees.shared.refuseWhenStopping()
    if ending == .timedOut, let timeout { return .timedOut(seconds: timeout, lastLines: lastLines) }
    let status = ending.shellStatus
    if status == 125 { return .skipped }
    guard status == 0 else { return .failed(status: status, lastLines: lastLines) }
    guard FileManager.default.fileExists(atPath: output.path) else {
      return .failed(
        status: 0, lastLines: lastLines + ["the build command left nothing at $SIZEBUDGET_OUTPUT (\(output.path))"])
    }
    return .measured(try measure(output, commit: commit, repository: repository))
  }

  /// `/bin/sh -c COMMAND` in the worktree, in a process group of its own (so that
  /// make, docker build and their children are stopped with it); returns how it
  /// ended and its last 20 lines.
  private func run(commit: ObjectID, in directory: String, output: String) throws(CommandError)
    -> (GroupedChild.Ending, [String])
  {
    var environment = ProcessInfo.processInfo.environment
    environment["SIZEBUDGET_COMMIT"] = commit.hex
    environment["SIZEBUDGET_IMAGE"] = budget.name
    environment["SIZEBUDGET_OUTPUT"] = output
    let child: GroupedChild
    do {
      child = try GroupedChild(["/bin/sh", "-c", command], environment: environment, directory: directory)
    } catch {
      throw .usage("cannot run the build command `\(command)`: \(error.description)")
    }
    ActiveWorktrees.shared.add(child)
    defer { ActiveWorktrees.shared.remove(child) }
    // Keep only the tail: a build log can be long.
    var tail: [Substring] = []
    var partial: [UInt8] = []
    let ending = child.wait(timeout: timeout) { chunk in
      if streamOutput { _ = chunk.withUnsafeBytes { Descriptors.writeAll(2, $0) } }
      partial += chunk
      var lines = String(decoding: partial, as: UTF8.self).split(
        omittingEmptySubsequences: false, whereSeparator: \.isNewline)
      partial = Array(lines.removeLast().utf8)
      tail = Array((tail + lines).suffix(20))
    }
    if !partial.isEmpty { tail = Array((tail + [Substring(String(decoding: partial, as: UTF8.self))]).suffix(20)) }
    return (ending, tail.map(String.init))
  }

  /// The build's output is an OCI layout (a directory) or a docker-archive or
  /// oci-archive (a file).
  private func measure(_ output: URL, commit: ObjectID, repository: Repository) throws(CommandError)
    -> ImageMeasurement
  {
    var isDirectory: ObjCBool = false
    _ = FileManager.default.fileExists(atPath: output.path, isDirectory: &isDirectory)
    let reference: ImageReference
    if isDirectory.boolValue {
      reference = .ociLayout(directory: output.path, tag: nil)
    } else if (try? TarBlobStore(path: output.path))?.size(of: "manifest.json") != nil {
      reference = .dockerArchive(path: output.path, tag: nil)
    } else {
      reference = .ociArchive(path: output.path, tag: nil)
    }
    var options = Measurer.Options(image: budget.name, commit: commit.hex)
    options.pathDepth = pathDepth
    options.forbid = budget.forbid.map(\.value)
    options.require = budget.require.map(\.value)
    options.extraPaths = budget.paths.map(\.path)
    options.toolVersion = SizeBudgetVersion.current
    options.parallelism = 1
    do {
      let measurement = try Measurer(options).measure(reference)
      let record = (try? repository.commit(commit)).map(CommitRecord.init)
      try MeasurementStore(path: storePath).save(measurement, commit: record)
      return measurement
    } catch {
      throw .usage("cannot measure the image built at \(commit.short): \(error)")
    }
  }
}

/// The worktrees being built in and the builds running there, so that Ctrl-C
/// (SIGINT), SIGTERM or SIGHUP stops every build's process group and lets each build
/// thread remove its worktree before the process ends.
final class ActiveWorktrees: @unchecked Sendable {
  static let shared = ActiveWorktrees()
  private let lock = NSLock()
  private var worktrees: Set<ObjectIdentifier> = []
  private var builds: [ObjectIdentifier: GroupedChild] = [:]
  private var sources: [DispatchSourceSignal] = []
  private var stopping = false
  /// Worktrees being made, not yet registered.
  private var checkingOut = 0

  func beginCheckout() { lock.withLock { checkingOut += 1 } }
  func endCheckout() { lock.withLock { checkingOut -= 1 } }
  func add(_ worktree: TemporaryWorktree) { lock.withLock { _ = worktrees.insert(ObjectIdentifier(worktree)) } }
  func remove(_ worktree: TemporaryWorktree) { lock.withLock { _ = worktrees.remove(ObjectIdentifier(worktree)) } }
  func add(_ build: GroupedChild) {
    lock.withLock {
      builds[ObjectIdentifier(build)] = build
      // A build started as the signal arrived is stopped like the others.
      if stopping { build.signalGroup(SIGKILL) }
    }
  }
  func remove(_ build: GroupedChild) { lock.withLock { builds[ObjectIdentifier(build)] = nil } }

  /// Once a signal has arrived, no build starts and none is measured.
  func refuseWhenStopping() throws(CommandError) {
    if lock.withLock({ stopping }) { throw .usage("interrupted") }
  }

  /// The signal's handler ends the process (128 + the signal) once the worktrees are
  /// gone; the thread that ran the builds must not end it first with another status.
  func parkWhenStopping() {
    guard lock.withLock({ stopping }) else { return }
    while true { sleep(60) }
  }

  /// Installs the handlers once. A signal stops every build's group (SIGTERM, then
  /// SIGKILL), waits (at most 30 s) for the build threads to remove their worktrees,
  /// and exits with 128 + the signal's number, as shells report it. (libdispatch
  /// catches the signals itself; the builds have default handlers and their own
  /// process groups, so a terminal's Ctrl-C reaches them only through here.)
  func cleanUpOnSignals() {
    lock.withLock {
      guard sources.isEmpty else { return }
      for number in StopSignals.all {
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { [self] in
          let running = lock.withLock {
            stopping = true
            return Array(builds.values)
          }
          DispatchQueue.concurrentPerform(iterations: running.count) { running[$0].stopGroup() }
          let deadline = Monotonic.now() + 30
          while Monotonic.now() < deadline && lock.withLock({ !worktrees.isEmpty || checkingOut > 0 }) {
            usleep(20_000)
          }
          exit(128 + number)
        }
        source.resume()
        sources.append(source)
      }
    }
  }
}
