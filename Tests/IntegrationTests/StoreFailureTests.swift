import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The store as a command meets it after it is open: a PostgreSQL connection lost
/// mid-command is transient (exit 4, "retrying may succeed"), and broken budgets that
/// may name the store end the command (exit 2) instead of a silent other store.
@Suite struct StoreFailureTests {
  @Test func aConnectionTerminatedMidWriteIsExit4() throws {
    let server = try LocalPostgres.shared.get()
    let store = try server.createDatabase()
    let repo = try GitRepository()
    try repo.commit("one")
    let layer = ImageBuilder.Layer([.file("app/blob", size: 10_000)], compression: .none)
    let image = repo.url.appendingPathComponent("image.oci")
    try ImageBuilder([layer]).writeOCILayout(to: image)
    // Stopped inside its write transaction (the debug build's test hook), its
    // connection terminated by the server's administrator, then it goes on.
    let (status, _, stderr) = try pause(
      ["measure", "oci:\(image.path)", "--image", "api", "--new-image"], at: "mid-write", in: repo,
      thenTerminate: server, store: store)
    #expect(status == 4, "\(stderr)")
    #expect(stderr.contains("could not reach the store"), "\(stderr)")
    #expect(stderr.contains("retrying may succeed"), "\(stderr)")
  }

  /// check's loose_budget lookup reads the store too: a store lost there is exit 4
  /// like anywhere else, not taken for "not loose" and passed over.
  @Test func aStoreLostInTheLooseBudgetLookupIsExit4() throws {
    let (status, stdout, stderr) = try loseTheStore(at: "loose-budget", running: ["check", "--no-notify"])
    #expect(status == 4, "\(stdout)\(stderr)")
    #expect(stderr.contains("could not reach the store"), "\(stderr)")
  }

  /// tighten reads the newest measurement on the base from the store: a store lost
  /// there is exit 4, not "no measurement" and a skipped image.
  @Test func aStoreLostWhileTighteningIsExit4() throws {
    let (status, stdout, stderr) = try loseTheStore(at: "tighten", running: ["budgets", "tighten", "--dry-run"])
    #expect(status == 4, "\(stdout)\(stderr)")
    #expect(stderr.contains("could not reach the store"), "\(stderr)")
    #expect(!stdout.contains("skipped"), "\(stdout)")
  }

  /// Runs `arguments` on a PostgreSQL store holding one measurement of api (max 9 MB,
  /// loose_after 1), pauses it at the debug-only pause point `point`, terminates its
  /// connections there, and lets it go on: its exit status and output.
  func loseTheStore(at point: String, running arguments: [String]) throws -> (Int32, String, String) {
    let server = try LocalPostgres.shared.get()
    let store = try server.createDatabase()
    let repo = try GitRepository()
    try repo.commit(
      "budgets", files: ["budgets.toml": "[defaults]\nloose_after = 1\n\n[image.api]\nmax = \"9 MB\"\n"])
    let layer = ImageBuilder.Layer([.file("app/blob", size: 10_000)], compression: .none)
    let image = repo.url.appendingPathComponent("image.oci")
    try ImageBuilder([layer]).writeOCILayout(to: image)
    let measured = try CLI.run(["measure", "oci:\(image.path)", "--image", "api", "--store", store], in: repo.url)
    try #require(measured.status == 0, "\(measured.stderr)")
    return try pause(arguments, at: point, in: repo, thenTerminate: server, store: store)
  }

  /// Runs `arguments` on `store` in `repo` until the debug-only pause point `point`,
  /// terminates every other connection to the store there, and lets it go on: its exit
  /// status and output.
  func pause(
    _ arguments: [String], at point: String, in repo: GitRepository, thenTerminate server: LocalPostgres,
    store: String
  ) throws -> (Int32, String, String) {
    let pauseFile = repo.url.appendingPathComponent("paused").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CLI.path("sizebudget"))
    process.arguments = arguments + ["--store", store]
    process.currentDirectoryURL = repo.url
    process.environment = ProcessInfo.processInfo.environment.merging(
      ["SIZEBUDGET_TEST_PAUSE_AT": point, "SIZEBUDGET_TEST_PAUSE_FILE": pauseFile]) { $1 }
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    var waited = 0
    while !FileManager.default.fileExists(atPath: pauseFile) && waited < 600 {
      usleep(100_000)
      waited += 1
    }
    try #require(FileManager.default.fileExists(atPath: pauseFile), "\(arguments) never reached \(point)")
    _ = try server.query(
      store,
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    try FileManager.default.removeItem(atPath: pauseFile)
    let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, stdout, stderr)
  }

  @Test(arguments: [["notify", "--list"], ["sync"]])
  func brokenBudgetsNeverFallBackToAnotherStore(command: [String]) throws {
    let repo = try GitRepository()
    try repo.commit(
      "budgets", files: ["budgets.toml": "[defaults]\nstore = \"postgres://db.example/sizes\"\n\n[image.api]\nmax = \n"]
    )
    let result = try CLI.run(command, in: repo.url)
    #expect(result.status == 2, "\(command): \(result.status) \(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("budgets.toml:5"), "the budgets error, with its line: \(result.stderr)")
    let fallback = repo.url.appendingPathComponent(".git/sizebudget.sqlite").path
    #expect(!FileManager.default.fileExists(atPath: fallback), "no silent fallback store was made")
    // --store says where the store is: the budgets are not needed to find it.
    let store = repo.url.appendingPathComponent("explicit.sqlite").path
    if command == ["notify", "--list"] {
      #expect(try CLI.run(command + ["--store", store], in: repo.url).status == 0)
    }
  }
}
