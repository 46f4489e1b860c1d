import Foundation
import TestSupport
import Testing

@Suite struct LogDiffCommandTests {
  static let budgets = "[image.api]\nmax = \"100 kB\"\nwarn = \"60 kB\"\n"

  /// main: 40 kB, 50 kB, (unmeasured), 70 kB.
  func history() throws -> GateFixture {
    let fixture = try GateFixture(budgets: Self.budgets)
    try fixture.measure(bytes: 40_000)
    try fixture.commit("add requests")
    try fixture.measure(bytes: 50_000)
    try fixture.commit("docs only")
    try fixture.commit("add numpy")
    try fixture.measure(bytes: 70_000, files: [.file("root/.cache/pip/x", size: 5000)])
    return fixture
  }

  @Test func logListsMeasuredCommitsNewestFirstWithChanges() throws {
    let fixture = try history()
    let result = try fixture.run(["log"])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines[0].hasPrefix("commit"))
    #expect(
      lines[1].contains("add numpy") && lines[1].contains("within budget, warning: warn") && lines[1].contains("+25"),
      "\(result.stdout)")
    #expect(lines[2].contains("add requests") && lines[2].contains("+9"))
    #expect(lines[3].contains("budgets") && lines[3].contains("within budget"))
    #expect(result.stdout.contains("3 measurements on 4 commits of HEAD"))
  }

  @Test func logTakesRangesAndPrintsJSON() throws {
    let fixture = try history()
    let result = try fixture.run(["log", "HEAD~2..HEAD", "--format", "json"])
    let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(document["schema"] as? String == "sizebudget.log/v1")
    #expect(document["commits_walked"] as? Int == 2)
    let rows = try #require(document["rows"] as? [[String: Any]])
    #expect(rows.count == 1)
    #expect(rows.first?["subject"] as? String == "add numpy")
    let bad = try fixture.run(["log", "nope..HEAD"])
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("revision \"nope\" does not resolve"))
  }

  @Test func diffShowsLayersPathsAndForbiddenFiles() throws {
    let fixture = try history()
    let result = try fixture.run(["diff", "HEAD~3", "HEAD", "--image", "api"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("api grew +"))
    #expect(result.stdout.contains("+ added 0"))
    #expect(result.stdout.contains("- removed 0"))
    #expect(result.stdout.contains("/app ") && result.stdout.contains("/root/.cache/pip"))
    let json = try fixture.run(["diff", "HEAD~3", "HEAD", "--image", "api", "--format", "json"])
    let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    #expect(document["schema"] as? String == "sizebudget.diff/v1")
    let diff = try #require(document["diff"] as? [String: Any])
    let compressed = try #require(diff["compressed"] as? [String: Any])
    #expect((compressed["after"] as? Int ?? 0) > (compressed["before"] as? Int ?? 0))
    let missing = try fixture.run(["diff", "HEAD~1", "HEAD", "--image", "api"])
    #expect(missing.status == 3)
    #expect(missing.stderr.contains("has no measurement at HEAD~1"))
  }
}
