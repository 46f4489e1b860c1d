import Foundation
import TestSupport
import Testing

/// Commits that cannot change an image are judged with their nearest measured
/// ancestor's measurement, and every command says so.
@Suite struct InheritanceTests {
  static let budgets = "[image.api]\ncontext = [\"api/\"]\nmax = \"1 MB\"\n"

  func json(_ result: CLI.Result) throws -> [String: Any] {
    try #require(
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
  }

  /// measured, then a docs commit, then a budgets.toml commit (both inherit).
  func history() throws -> (GateFixture, measured: String) {
    let fixture = try GateFixture(budgets: Self.budgets)
    try fixture.measure(bytes: 40_000)
    let measured = try fixture.repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    try fixture.commit("docs", files: ["docs/guide.md": "how\n"])
    try fixture.commit("raise the budget", files: ["budgets.toml": Self.budgets + "warn = \"900 kB\"\n"])
    return (fixture, measured)
  }

  @Test func checkJudgesACommitThatChangedNothingInContextWithItsAncestorsMeasurement() throws {
    let (fixture, measured) = try history()
    let check = try fixture.run(["check"])
    #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    #expect(check.stdout.contains("measured at \(measured.prefix(12)), nothing in context changed since"))
    let document = try json(try fixture.run(["check", "--format", "json"]))
    #expect(document["status"] as? String == "pass")
    let image = try #require((document["images"] as? [[String: Any]])?.first)
    #expect((image["inherited"] as? [String: Any])?["commit"] as? String == measured)
    #expect((image["inherited"] as? [String: Any])?["steps"] as? Int == 2)
    // The budget edit is read: the new warn rule is judged against the old measurement.
    #expect((image["results"] as? [[String: Any]])?.contains { $0["rule"] as? String == "warn" } == true)
  }

  @Test func aChangeInContextNeedsItsOwnMeasurementAndSaysWhatChanged() throws {
    let (fixture, measured) = try history()
    try fixture.commit("code", files: ["api/main.py": "print('changed')\n"])
    let check = try fixture.run(["check"])
    #expect(check.status == 3)
    #expect(
      check.stdout.contains("api/main.py changed in context since \(measured.prefix(12)) (measured)"), "\(check.stdout)"
    )
    // A later commit outside context does not hide the change before it.
    try fixture.commit("more docs", files: ["docs/more.md": "more\n"])
    #expect(try fixture.run(["check"]).status == 3)
  }

  @Test func withoutAContextOnlyABudgetsEditInherits() throws {
    let fixture = try GateFixture(budgets: "[image.api]\nmax = \"1 MB\"\n")
    // The images measured are built under build/: not part of any commit.
    try fixture.commit("ignore builds", files: [".gitignore": "build/\n"])
    try fixture.measure(bytes: 40_000)
    try fixture.commit("tighten", files: ["budgets.toml": "[image.api]\nmax = \"900 kB\"\n"])
    let budgetsOnly = try fixture.run(["check"])
    #expect(budgetsOnly.status == 0, "\(budgetsOnly.stdout)")
    #expect(budgetsOnly.stdout.contains("nothing in context changed since"))
    try fixture.commit("docs", files: ["docs/guide.md": "how\n"])
    #expect(try fixture.run(["check"]).status == 3)
  }

  @Test func logShowsTheInheritingCommitsWithCheckVerdict() throws {
    let (fixture, measured) = try history()
    let log = try fixture.run(["log"])
    #expect(log.status == 0, "\(log.stderr)")
    let lines = log.stdout.split(separator: "\n").map(String.init)
    #expect(
      lines[1].contains("raise the budget") && lines[1].contains("within budget (measured at \(measured.prefix(12))"))
    #expect(lines[2].contains("docs") && lines[2].contains("nothing in context changed since"))
    #expect(log.stdout.contains("1 measurement on 3 commits of HEAD; 2 rows inherit an ancestor's measurement"))
    let rows = try #require(try json(try fixture.run(["log", "--format", "json"]))["rows"] as? [[String: Any]])
    #expect(rows.count == 3)
    #expect((rows[0]["inherited"] as? [String: Any])?["commit"] as? String == measured)
    #expect(rows[0]["status"] as? String == "pass")
    #expect(rows[2]["inherited"] == nil)
  }

  /// `git push origin main` to a fresh bare remote, through the installed pre-push hook.
  func pushThroughTheHook(_ fixture: GateFixture) throws -> CLI.Result {
    let remote = try TemporaryDirectory()
    try fixture.repo.git(["init", "-q", "--bare", remote.url.path])
    try fixture.repo.git(["remote", "add", "origin", remote.url.path])
    #expect(try fixture.run(["hook", "install"]).status == 0)
    var environment = ProcessInfo.processInfo.environment
    environment["PATH"] = CLI.productsDirectory.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
    return try withExtendedLifetime(remote) {
      try CLI.run(["push", "origin", "main"], product: "/usr/bin/git", in: fixture.url, environment: environment)
    }
  }

  @Test func theHookSaysWhichMeasurementsItJudgedThePushedCommitsFrom() throws {
    let (fixture, measured) = try history()
    let push = try pushThroughTheHook(fixture)
    #expect(push.status == 0, "\(push.stderr)")
    #expect(
      push.stderr.contains(
        "3 pushed commits checked: 1 measured, 2 inherit \(measured.prefix(12))'s measurement; api"),
      "\(push.stderr)")
  }

  @Test func aLongPushIsStillJudgedByItsNewestMeasurementPastTheClassifiedCommits() throws {
    let fixture = try GateFixture(budgets: "[image.api]\nmax = \"100 kB\"\n")
    try fixture.measure(bytes: 150_000)
    // Each commit changes the (whole-repository) context: none inherits, and the
    // measured one lies past the 100 commits the hook classifies.
    for index in 0..<101 { try fixture.commit("step \(index)", files: ["api/step.py": "step = \(index)\n"]) }
    let push = try pushThroughTheHook(fixture)
    #expect(push.status != 0, "\(push.stderr)")
    #expect(push.stderr.contains("push refused"), "\(push.stderr)")
    #expect(push.stderr.contains("over budget: max"), "\(push.stderr)")
  }

  /// explain, packages and diff read a commit with no measurement of its own through
  /// the one it inherits, as check judges it, and say so.
  @Test func explainPackagesAndDiffReadTheInheritedMeasurement() throws {
    let (fixture, measured) = try history()
    let said =
      "HEAD has no measurement of its own: measured at \(measured.prefix(12)), nothing in context changed since"
    let explain = try fixture.run(["explain"])
    #expect(explain.status == 0, "\(explain.stderr)")
    #expect(explain.stdout.hasPrefix(said), "\(explain.stdout)")
    let explainJSON = try json(try fixture.run(["explain", "-f", "json"]))
    #expect((explainJSON["inherited"] as? [String: Any])?["commit"] as? String == measured)
    let packages = try fixture.run(["packages"])
    #expect(packages.status == 0, "\(packages.stderr)")
    #expect(packages.stdout.hasPrefix(said), "\(packages.stdout)")
    let diff = try fixture.run(["diff", "HEAD~2", "HEAD"])
    #expect(diff.status == 0, "\(diff.stderr)")
    #expect(diff.stdout.contains("did not change"), "\(diff.stdout)")
    #expect(diff.stdout.contains("(measured at \(measured.prefix(12)), nothing in context changed since)"))
    // A change in context still needs its own measurement.
    try fixture.commit("code", files: ["api/main.py": "print('changed')\n"])
    #expect(try fixture.run(["explain"]).status == 3)
  }

  /// An over-budget measurement inherited by a docs commit: report gives check's verdict.
  @Test func reportAgreesWithCheckOnAnInheritedCommit() throws {
    let fixture = try GateFixture(budgets: "[image.api]\ncontext = [\"api/\"]\nmax = \"30 kB\"\n")
    try fixture.measure(bytes: 40_000)
    try fixture.commit("docs", files: ["docs/guide.md": "how\n"])
    let check = try fixture.run(["check"])
    #expect(check.status == 1, "\(check.stdout)")
    #expect(check.stdout.contains("nothing in context changed since"), "\(check.stdout)")
    let report = try fixture.run(["report", "--since", "30d"])
    #expect(report.status == 0, "\(report.stderr)")
    #expect(!report.stdout.contains("All within budget"), "\(report.stdout)")
    #expect(report.stdout.contains("over budget"), "\(report.stdout)")
  }

  /// A refused push says what it judged, from which measurements, as a passing one does.
  @Test(arguments: ["", "[hook]\npredict = \"off\"\n"])
  func aRefusedPushSaysWhatItJudged(hook: String) throws {
    let fixture = try GateFixture(budgets: "[image.api]\ncontext = [\"api/\"]\nmax = \"30 kB\"\n" + hook)
    try fixture.measure(bytes: 40_000)
    let measured = try fixture.repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    try fixture.commit("docs", files: ["docs/guide.md": "how\n"])
    let push = try pushThroughTheHook(fixture)
    #expect(push.status != 0, "\(push.stderr)")
    #expect(push.stderr.contains("push refused"), "\(push.stderr)")
    #expect(
      push.stderr.contains(
        "2 pushed commits checked: 1 measured, 1 inherits \(measured.prefix(12))'s measurement; api "),
      "\(push.stderr)")
    #expect(push.stderr.contains("compressed over budget: max"), "\(push.stderr)")
  }

  @Test func oneInheritingRowIsSaidInTheSingular() throws {
    let fixture = try GateFixture(budgets: Self.budgets)
    try fixture.measure(bytes: 40_000)
    try fixture.commit("docs", files: ["docs/guide.md": "how\n"])
    let log = try fixture.run(["log"])
    #expect(log.stdout.contains("1 measurement on 2 commits of HEAD; 1 row inherits an ancestor's measurement"))
  }
}
