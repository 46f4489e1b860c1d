import Foundation
import TestSupport
import Testing

/// `allow` acknowledges findings and forbidden files: shown as acknowledged, never
/// dropped, and not breaking the verdict.
@Suite struct AllowTests {
  func json(_ result: CLI.Result) throws -> [[String: Any]] {
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
    return try #require((document["images"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
  }

  func fixture(allow: String) throws -> GateFixture {
    let fixture = try GateFixture(
      budgets: "[image.api]\nmax = \"1 MB\"\ndeny = [\"pip-cache\"]\nforbid = [\"/app/tests/**\"]\n\(allow)")
    try fixture.measure(
      bytes: 40_000,
      files: [
        .file("root/.cache/pip/a.whl", size: 5_000), .file("app/tests/test_a.py", size: 300),
        .file("app/tests/test_b.py", size: 300),
      ])
    return fixture
  }

  @Test func withoutAllowTheDeniedFindingAndTheForbiddenFilesFail() throws {
    let check = try fixture(allow: "").run(["check"])
    #expect(check.status == 1)
    #expect(check.stdout.contains("over budget: forbid, finding"), "\(check.stdout)")
  }

  @Test func acknowledgedFindingsAndFilesAreShownAndDoNotBreakTheBudget() throws {
    let fixture = try fixture(allow: "allow = [\"/root/.cache/pip/**\", \"/app/tests/test_*.py\"]\n")
    let check = try fixture.run(["check"])
    #expect(check.status == 0, "\(check.stdout)")
    #expect(check.stdout.contains("within budget, acknowledged: forbid, finding"), "\(check.stdout)")
    #expect(
      check.stdout.contains(
        "~ forbid     2 files (600 B uncompressed) match forbidden \"/app/tests/**\", all acknowledged by allow \"/app/tests/test_*.py\""
      ),
      "\(check.stdout)")
    #expect(
      check.stdout.contains("acknowledged by allow \"/root/.cache/pip/**\" (all its files): pip's download cache"))
    let results = try json(try fixture.run(["check", "--format", "json"]))
    // tests-and-docs is acknowledged too: its files are the allowed tests.
    let acknowledged = results.filter { $0["status"] as? String == "acknowledged" }
    #expect(
      Set(acknowledged.map { "\($0["rule"] ?? "") \($0["subject"] ?? "")" })
        == ["forbid /app/tests/**", "finding pip-cache", "finding tests-and-docs"])
    let junit = try fixture.run(["check", "--format", "junit"])
    #expect(junit.stdout.contains("acknowledged by allow"), "\(junit.stdout)")
  }

  @Test func aFindingAcknowledgedByNameAndAPartlyCoveredMatch() throws {
    let fixture = try GateFixture(
      budgets:
        "[image.api]\nmax = \"1 MB\"\nforbid = [\"/app/tests/**\"]\nallow = [\"finding:pip-cache\", \"/app/tests/test_a.py\"]\n"
    )
    try fixture.measure(
      bytes: 40_000,
      files: [
        .file("root/.cache/pip/a.whl", size: 5_000), .file("app/tests/test_a.py", size: 300),
        .file("app/tests/test_b.py", size: 300),
      ])
    let check = try fixture.run(["check"])
    #expect(check.status == 1)
    #expect(check.stdout.contains("1 of them acknowledged by allow \"/app/tests/test_a.py\""), "\(check.stdout)")
    #expect(check.stdout.contains("~ finding    acknowledged by allow \"finding:pip-cache\""), "\(check.stdout)")
  }
}
