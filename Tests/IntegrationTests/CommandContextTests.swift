import Foundation
import TestSupport
import Testing

/// Every command resolves the same context: `--config other.toml` whose `[defaults]
/// store` names a store is honoured by all of them, so no command reads or writes
/// a different store from the one `check` judges against (issue 13, item 7). The
/// store budgets.toml names is a shared PostgreSQL database (the only kind it may name).
@Suite struct CommandContextTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// A port nothing listens on: webhook events stay pending in the outbox.
  func closedPort() throws -> Int {
    let receiver = try WebhookReceiver()
    receiver.stop()
    return receiver.port
  }

  @Test func everyCommandUsesTheStoreNamedByConfig() throws {
    let fixture = try GateFixture(budgets: "[image.api]\nmax = \"100 kB\"\n")
    let team = try TemporaryDirectory()
    let store = try LocalPostgres.shared.get().createDatabase()
    try team.write(
      "other.toml",
      """
      [defaults]
      store = "\(store)"

      [image.api]
      max = "100 kB"

      [notify]
      webhook = "http://127.0.0.1:\(try closedPort())/hook"
      on = ["violation"]
      """)
    let config = team.url.appendingPathComponent("other.toml").path
    let localStore = fixture.url.appendingPathComponent(".git/sizebudget.sqlite").path
    let environment = ["SIZEBUDGET_WEBHOOK_TIMEOUT": "1"]
    func run(_ arguments: [String]) throws -> CLI.Result {
      try fixture.run(arguments + ["--config", config], environment: environment)
    }
    // Two measurements, the second over budget (check queues a violation event).
    try measure(fixture, bytes: 40_000, config: config)
    try fixture.commit("grow")
    try measure(fixture, bytes: 150_000, config: config)
    #expect(try run(["check"]).status == 1)

    let log = try run(["log"])
    #expect(log.status == 0 && log.stdout.contains("grow"), "\(log.stdout)\(log.stderr)")
    let diff = try run(["diff", "HEAD~1", "HEAD", "--image", "api"])
    #expect(diff.status == 0 && diff.stdout.contains("api grew +"), "\(diff.stderr)")
    let explain = try run(["explain", "--image", "api"])
    #expect(explain.status == 0, "\(explain.stderr)")
    let packages = try run(["packages", "--image", "api"])
    #expect(packages.status == 0, "\(packages.stderr)")
    let outbox = try run(["notify", "--list"])
    #expect(outbox.stdout.contains("violation"), "\(outbox.stdout)\(outbox.stderr)")
    // sync shares a clone's SQLite store: it must see that this run's store is shared.
    let sync = try run(["sync", "--no-push"])
    #expect(sync.status == 2 && sync.stderr.contains("the store is PostgreSQL"), "\(sync.stdout)\(sync.stderr)")
    let report = try run(["report", "--since", "30d"])
    #expect(report.status == 0 && report.stdout.contains("api"), "\(report.stderr)")
    #expect(try run(["validate"]).status == 0)
    // Nothing went to the clone's own store.
    #expect(!FileManager.default.fileExists(atPath: localStore))
  }

  /// bisect's builder writes what it builds into the same store the search reads.
  @Test func bisectBuildsIntoTheStoreNamedByConfig() throws {
    let repo = try GitRepository()
    let team = try TemporaryDirectory()
    let store = try LocalPostgres.shared.get().createDatabase()
    let script = try String(contentsOf: Self.root.appendingPathComponent("scripts/build-oci.sh"), encoding: .utf8)
    try team.write(
      "other.toml",
      "[defaults]\nstore = \"\(store)\"\n\n[image.app]\ncontext = [\"app/\"]\nbuild = \"sh build.sh\"\nmax = \"2 MB\"\n"
    )
    let config = team.url.appendingPathComponent("other.toml").path
    try repo.commit("initial", files: ["build.sh": script, "app/main.py": "print('hi')\n"])
    try repo.commit("small", files: ["app/a.py": "A = 1\n"])
    try Data((0..<3_000_000).map { _ in UInt8.random(in: 0...255) })
      .write(to: repo.url.appendingPathComponent("app/model.bin"))
    try repo.commit("big")
    try repo.commit("docs", files: ["docs/x.md": "x\n"])
    let counter = repo.url.appendingPathComponent("builds.txt")
    let first = try CLI.run(
      ["bisect", "HEAD~3..HEAD", "--image", "app", "--config", config], in: repo.url,
      environment: ["BUILD_COUNT_FILE": counter.path])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.contains("\"big\""), "\(first.stdout)")
    #expect(try LocalPostgres.shared.get().query(store, "SELECT count(*) FROM measurements") != "0")
    #expect(!FileManager.default.fileExists(atPath: repo.url.appendingPathComponent(".git/sizebudget.sqlite").path))
    // The second search finds every size it needs in the team store: no build.
    try? FileManager.default.removeItem(at: counter)
    let again = try CLI.run(
      ["bisect", "HEAD~3..HEAD", "--image", "app", "--config", config], in: repo.url,
      environment: ["BUILD_COUNT_FILE": counter.path])
    #expect(again.status == 0, "\(again.stderr)")
    #expect(!FileManager.default.fileExists(atPath: counter.path))
  }

  func measure(_ fixture: GateFixture, bytes: Int, config: String) throws {
    fixture.images += 1
    let layer = ImageBuilder.Layer(
      [.file("app/blob", size: bytes - 2048)], createdBy: "COPY blob /app/ #\(fixture.images)", compression: .none)
    try ImageBuilder([layer]).writeOCILayout(to: fixture.url.appendingPathComponent("build/i\(fixture.images).oci"))
    let result = try fixture.run([
      "measure", "oci:build/i\(fixture.images).oci", "--image", "api", "--config", config,
    ])
    #expect(result.status == 0, "\(result.stderr)")
  }
}
