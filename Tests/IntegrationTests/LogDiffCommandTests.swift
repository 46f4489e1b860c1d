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

  /// Issue 13 item 1: a docker-archive's compressed size is an estimate wherever it is
  /// shown: log (text and JSON) and the weekly report (text, HTML, JSON).
  @Test func estimatesAreMarkedInLogAndTheReport() throws {
    let repo = try GitRepository()
    try repo.commit("budgets", files: ["budgets.toml": "[image.app]\nmax = \"2 MB\"\n"])
    let archive = repo.url.appendingPathComponent("app.tar")
    for (index, size) in [100_000, 150_000].enumerated() {
      if index > 0 { try repo.commit("grow \(index)") }
      let image = ImageBuilder([ImageBuilder.Layer([.file("app/a.bin", size: size)], compression: .none)])
      try Data(try image.dockerArchive()).write(to: archive)
      let measured = try CLI.run(["measure", "docker-archive:app.tar", "--image", "app"], in: repo.url)
      try #require(measured.status == 0, "\(measured.stderr)")
    }
    let log = try CLI.run(["log", "--image", "app"], in: repo.url)
    #expect(log.status == 0, "\(log.stderr)")
    #expect(log.stdout.contains("≈"), "\(log.stdout)")
    let logJSON = try CLI.run(["log", "--image", "app", "--format", "json"], in: repo.url)
    let rows = try #require(
      (try JSONSerialization.jsonObject(with: Data(logJSON.stdout.utf8)) as? [String: Any])?["rows"] as? [[String: Any]]
    )
    #expect(rows.first?["size_estimated"] as? Bool == true, "\(logJSON.stdout)")
    let report = try CLI.run(["report", "--since", "7d"], in: repo.url)
    #expect(report.status == 0, "\(report.stderr)")
    #expect(report.stdout.contains("≈"), "\(report.stdout)")
    let html = try CLI.run(["report", "--since", "7d", "--format", "html"], in: repo.url)
    #expect(html.stdout.contains("≈"), "\(html.stdout)")
    let markdown = try CLI.run(["report", "--since", "7d", "--format", "markdown"], in: repo.url)
    #expect(markdown.stdout.contains("≈"), "\(markdown.stdout)")
    let diff = try CLI.run(["diff", "HEAD~1", "HEAD", "--image", "app"], in: repo.url)
    #expect(diff.status == 0, "\(diff.stderr)")
    #expect(diff.stdout.contains("grew ≈+"), "\(diff.stdout)")
    let lines = diff.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    let compressed = try #require(lines.first { $0.hasPrefix("compressed ") })
    #expect(compressed.filter { $0 == "≈" }.count == 3, "\(compressed)")  // before, after and change
    #expect(lines.contains { $0.hasPrefix("+ added 0") && $0.contains("≈") }, "\(diff.stdout)")
    let site = try TemporaryDirectory()
    let built = try CLI.run(["site", "--output", site.url.path], in: repo.url)
    #expect(built.status == 0, "\(built.stderr)")
    let index = try String(contentsOf: site.url.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(index.contains(">≈"), "the index's size is an estimate")
  }
}
