import Foundation
import TestSupport
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Issue 14's observations: check, log, report, the hook and every format give one
/// verdict, from `Judgement`.
@Suite struct VerdictTests {
  func json(_ result: CLI.Result) throws -> [String: Any] {
    try #require(
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
  }

  @Test func aBrokenForbidRuleIsOverBudgetInCheckLogAndReport() throws {
    let fixture = try GateFixture(
      budgets: "[image.api]\nmax = \"1 MB\"\nforbid = [\"/app/tests/**\", \"/root/.cache/**\"]\n")
    try fixture.measure(
      bytes: 40_000, files: [.file("app/tests/test_api.py", size: 300), .file("root/.cache/pip/x", size: 300)])
    let check = try fixture.run(["check"])
    #expect(check.status == 1)
    #expect(check.stdout.contains("over budget: forbid ×2"), "\(check.stdout)")
    let checkJSON = try json(try fixture.run(["check", "--format", "json"]))
    #expect(checkJSON["status"] as? String == "fail")
    #expect(checkJSON["headline"] as? String == "over budget: forbid ×2")

    let log = try fixture.run(["log"])
    #expect(log.status == 0, "\(log.stderr)")
    #expect(log.stdout.contains("over budget: forbid ×2"), "\(log.stdout)")
    let logRows = try #require(try json(try fixture.run(["log", "--format", "json"]))["rows"] as? [[String: Any]])
    #expect(logRows.first?["status"] as? String == "fail")

    let report = try fixture.run(["report", "--since", "30d"])
    #expect(report.status == 0, "\(report.stderr)")
    #expect(!report.stdout.contains("All within budget"), "\(report.stdout)")
    #expect(report.stdout.contains("1 over budget"), "\(report.stdout)")
    #expect(report.stdout.contains("over budget: forbid ×2"), "\(report.stdout)")
    let reportJSON = try json(try fixture.run(["report", "--since", "30d", "--format", "json"]))
    let image = try #require((reportJSON["images"] as? [[String: Any]])?.first)
    #expect((image["verdict"] as? [String: Any])?["status"] as? String == "fail")
  }

  @Test func aBrokenMaxLayerIsOverBudgetInLogAsInCheck() throws {
    let fixture = try GateFixture(budgets: "[image.api]\nmax = \"1 MB\"\nwarn = \"10 kB\"\nmax_layer = \"20 kB\"\n")
    try fixture.measure(bytes: 50_000)
    let check = try fixture.run(["check"])
    #expect(check.status == 1)
    #expect(check.stdout.contains("over budget: max_layer"), "\(check.stdout)")
    let log = try fixture.run(["log"])
    #expect(log.stdout.contains("over budget: max_layer"), "\(log.stdout)")
    #expect(!log.stdout.contains("warning"), "\(log.stdout)")
    let rows = try #require(try json(try fixture.run(["log", "--format", "json"]))["rows"] as? [[String: Any]])
    #expect(rows.first?["status"] as? String == "fail")
    #expect(rows.first?["headline"] as? String == "over budget: max_layer")
  }

  @Test func noMeasurementAtHeadIsNeverPass() throws {
    let fixture = try GateFixture(budgets: "[image.api]\nmax = \"1 MB\"\n")
    try fixture.measure(bytes: 40_000)
    try fixture.commit("more", files: ["api/more.py": "x = 1\n"])
    let result = try fixture.run(["check", "--format", "json"])
    #expect(result.status == 3)
    let document = try json(result)
    #expect(document["exit_code"] as? Int == 3)
    #expect(document["status"] as? String == "missing")
    #expect(document["status"] as? String != "pass")
    let text = try fixture.run(["check"])
    #expect(text.stdout.contains("missing: no measurement at"), "\(text.stdout)")
  }

  @Test func passingMaxLayerAndWarnAreShownInTextJSONAndJUnit() throws {
    let fixture = try GateFixture(budgets: "[image.api]\nmax = \"1 MB\"\nwarn = \"500 kB\"\nmax_layer = \"400 kB\"\n")
    try fixture.measure(bytes: 40_000)
    let text = try fixture.run(["check"])
    #expect(text.status == 0)
    #expect(text.stdout.contains("✓ pass: max, max_layer, warn"), "\(text.stdout)")
    let document = try json(try fixture.run(["check", "--format", "json"]))
    #expect(document["status"] as? String == "pass")
    let results = try #require((document["images"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
    #expect(Set(results.compactMap { $0["rule"] as? String }) == ["max", "warn", "max_layer"])
    #expect(results.allSatisfy { $0["status"] as? String == "pass" })
    let junit = try fixture.run(["check", "--format", "junit"])
    #expect(junit.stdout.contains("name=\"warn\""), "\(junit.stdout)")
    #expect(junit.stdout.contains("name=\"max_layer layer 0\""), "\(junit.stdout)")
  }

  @Test func theHookRefusesWhatCheckFailsAndNamesTheVerdict() throws {
    let fixture = try GateFixture(budgets: "[image.api]\nmax = \"1 MB\"\nforbid = [\"/app/tests/**\"]\n")
    let remote = try TemporaryDirectory()
    try fixture.repo.git(["init", "-q", "--bare", remote.url.path])
    try fixture.repo.git(["remote", "add", "origin", remote.url.path])
    #expect(try fixture.run(["hook", "install"]).status == 0)
    try fixture.measure(bytes: 40_000, files: [.file("app/tests/test_api.py", size: 300)])
    var environment = ProcessInfo.processInfo.environment
    environment["PATH"] = CLI.productsDirectory.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
    let push = try CLI.run(
      ["push", "origin", "main"], product: "/usr/bin/git", in: fixture.url, environment: environment)
    #expect(push.status != 0)
    #expect(push.stderr.contains("over budget: forbid"), "\(push.stderr)")
    #expect(push.stderr.contains("push refused"))
  }
}
