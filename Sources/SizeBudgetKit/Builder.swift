import Analysis
import Budgets
import Foundation
import GitHistory
import ImageSource
import Store

/// Builds one commit's image for bisect: a temporary worktree (libgit2), the image's
/// build command in it, the result measured into the store, everything removed
/// afterwards, even when interrupted.
struct Builder: Sendable {
  enum Outcome: Sendable {
    case measured(ImageMeasurement)
    /// The command exited 125: "this commit cannot be built", as in `git bisect run`.
    case skipped
    case failed(status: Int32, lastLines: [String])
  }

  let budget: ImageBudget
  let command: String
  let storePath: String
  let repositoryPath: String
  let pathDepth: Int

  func build(_ commit: ObjectID) throws(CommandError) -> Outcome {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
      "sizebudget-build-\(commit.short)-\(UUID().uuidString.prefix(8))")
    defer { try? FileManager.default.removeItem(at: scratch) }
    try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    let worktreePath = scratch.appendingPathComponent("worktree").path
    let output = scratch.appendingPathComponent("output")
    let repository: Repository
    let worktree: TemporaryWorktree
    do {
      repository = try Repository(discovering: repositoryPath)
      worktree = try TemporaryWorktree(repository, commit: commit, path: worktreePath)
    } catch {
      throw .usage("cannot check out \(commit.short) to build it: \(error.message)")
    }
    ActiveWorktrees.shared.add(worktree)
    defer {
      worktree.remove()
      ActiveWorktrees.shared.remove(worktree)
    }
    let (status, lastLines) = try run(commit: commit, in: worktreePath, output: output.path)
    if status == 125 { return .skipped }
    guard status == 0 else { return .failed(status: status, lastLines: lastLines) }
    guard FileManager.default.fileExists(atPath: output.path) else {
      return .failed(
        status: 0, lastLines: lastLines + ["the build command left nothing at $SIZEBUDGET_OUTPUT (\(output.path))"])
    }
    return .measured(try measure(output, commit: commit, repository: repository))
  }

  /// `/bin/sh -c COMMAND` in the worktree; returns its status and last 20 lines.
  private func run(commit: ObjectID, in directory: String, output: String) throws(CommandError) -> (Int32, [String]) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    var environment = ProcessInfo.processInfo.environment
    environment["SIZEBUDGET_COMMIT"] = commit.hex
    environment["SIZEBUDGET_IMAGE"] = budget.name
    environment["SIZEBUDGET_OUTPUT"] = output
    process.environment = environment
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    process.standardInput = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      throw .usage("cannot run the build command `\(command)`: \(error.localizedDescription)")
    }
    ActiveWorktrees.shared.add(process)
    defer { ActiveWorktrees.shared.remove(process) }
    // Keep only the tail: a build log can be long.
    var tail: [Substring] = []
    var partial = Data()
    while true {
      let chunk = pipe.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      partial.append(chunk)
      var lines = String(decoding: partial, as: UTF8.self).split(
        omittingEmptySubsequences: false, whereSeparator: \.isNewline)
      partial = Data(lines.removeLast().utf8)
      tail = Array((tail + lines).suffix(20))
    }
    if !partial.isEmpty { tail = Array((tail + [Substring(String(decoding: partial, as: UTF8.self))]).suffix(20)) }
    process.waitUntilExit()
    let status =
      process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    return (status, tail.map(String.init))
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
/// (SIGINT), SIGTERM or SIGHUP stops the builds and removes the worktrees before the
/// process ends.
final class ActiveWorktrees: @unchecked Sendable {
  static let shared = ActiveWorktrees()
  private let lock = NSLock()
  private var worktrees: [ObjectIdentifier: TemporaryWorktree] = [:]
  private var builds: [ObjectIdentifier: Process] = [:]
  private var sources: [DispatchSourceSignal] = []

  func add(_ worktree: TemporaryWorktree) { lock.withLock { worktrees[ObjectIdentifier(worktree)] = worktree } }
  func remove(_ worktree: TemporaryWorktree) { lock.withLock { worktrees[ObjectIdentifier(worktree)] = nil } }
  func add(_ build: Process) { lock.withLock { builds[ObjectIdentifier(build)] = build } }
  func remove(_ build: Process) { lock.withLock { builds[ObjectIdentifier(build)] = nil } }

  /// Installs the handlers once; a signal stops every build, removes every active
  /// worktree and exits with 128 + the signal's number, as shells report it.
  /// (libdispatch catches the signals itself: they are not ignored, so the builds
  /// it starts still die on Ctrl-C.)
  func cleanUpOnSignals() {
    lock.withLock {
      guard sources.isEmpty else { return }
      for number in [SIGINT, SIGTERM, SIGHUP] {
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { [weak self] in
          self?.lock.withLock {
            self?.builds.values.forEach { $0.terminate() }
            self?.worktrees.values.forEach { $0.remove() }
          }
          exit(128 + number)
        }
        source.resume()
        sources.append(source)
      }
    }
  }
}
