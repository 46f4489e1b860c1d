import Foundation
import TestSupport
import Testing

/// Every figure says its measure: a finding's saving is given in the budget's metric
/// (and uncompressed beside a compressed one), what-grew labels layers and paths,
/// explain says compressed/uncompressed.
@Suite struct FigureLabelTests {
  func grown(metric: String) throws -> GateFixture {
    let fixture = try GateFixture(
      budgets: "[image.api]\nmetric = \"\(metric)\"\nmax = \"1 MB\"\nmax_growth = \"+1 kB\"\n")
    try fixture.measure(bytes: 40_000)
    try fixture.commit("pip install", files: ["api/req.txt": "numpy\n"])
    try fixture.measure(bytes: 40_000, files: [.file("root/.cache/pip/wheels/x.whl", size: 30_000)])
    return fixture
  }

  @Test func aFindingsSavingIsInTheBudgetsMetricAndBothWhereBothMatter() throws {
    let compressed = try grown(metric: "compressed")
    let check = try compressed.run(["check"])
    #expect(check.status == 1)
    let finding = try #require(check.stdout.split(separator: "\n").first { $0.contains("pip's download cache") })
    #expect(finding.contains("saves 30 kB uncompressed, ≈ "), "\(finding)")
    #expect(finding.contains(" compressed (sizebudget explain"), "\(finding)")
    #expect(check.stdout.contains("what grew since"))
    #expect(check.stdout.contains("(layers compressed, paths uncompressed)"), "\(check.stdout)")
    #expect(check.stdout.contains("compressed  COPY blob"), "\(check.stdout)")
    #expect(check.stdout.contains("uncompressed  /root"), "\(check.stdout)")

    let uncompressed = try grown(metric: "uncompressed")
    let line = try #require(
      try uncompressed.run(["check"]).stdout.split(separator: "\n").first { $0.contains("pip's download cache") })
    #expect(line.contains("saves 30 kB uncompressed (sizebudget explain"), "\(line)")
    #expect(!line.contains("≈"))
  }

  @Test func explainAndDiffNameTheirMeasures() throws {
    let fixture = try grown(metric: "compressed")
    let explain = try fixture.run(["explain", "--image", "api"])
    #expect(explain.status == 0, "\(explain.stderr)")
    #expect(!explain.stdout.contains("to pull") && !explain.stdout.contains("on disk"), "\(explain.stdout)")
    #expect(explain.stdout.contains(" compressed, ") && explain.stdout.contains(" uncompressed"))
    // Each saving in the budget's metric too (compressed here), as check's findings give it.
    #expect(explain.stdout.contains("saves 30 kB uncompressed, ≈ "), "\(explain.stdout)")
    let diff = try fixture.run(["diff", "HEAD~1", "HEAD", "--image", "api"])
    #expect(diff.stdout.contains("paths that changed most (uncompressed)"), "\(diff.stdout)")
  }

  @Test func logNamesItsMeasureInTheColumnAndTheSummary() throws {
    let log = try grown(metric: "compressed").run(["log"])
    #expect(log.status == 0, "\(log.stderr)")
    let lines = log.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first?.contains("size (compressed)") == true, "\(log.stdout)")
    let summary = try #require(lines.first { $0.hasPrefix("api:") }, "\(log.stdout)")
    #expect(summary.range(of: "kB compressed \\(\\+", options: .regularExpression) != nil, "\(summary)")
    let uncompressed = try grown(metric: "uncompressed").run(["log"])
    #expect(uncompressed.stdout.contains("size (uncompressed)"), "\(uncompressed.stdout)")
  }

  @Test func forbidSaysItsBytesAreUncompressed() throws {
    let fixture = try GateFixture(budgets: "[image.api]\nmax = \"1 MB\"\nforbid = [\"/root/.cache/**\"]\n")
    try fixture.measure(bytes: 40_000, files: [.file("root/.cache/pip/x.whl", size: 30_000)])
    let check = try fixture.run(["check"])
    #expect(check.status == 1)
    #expect(check.stdout.contains("1 file (30 kB uncompressed) matches forbidden"), "\(check.stdout)")
  }

  @Test func theHookNamesTheMeasureOfEachSize() throws {
    let fixture = try GateFixture(budgets: "[image.api]\nmax = \"1 MB\"\n")
    try fixture.measure(bytes: 40_000)
    let push = try InheritanceTests().pushThroughTheHook(fixture)
    #expect(push.status == 0, "\(push.stderr)")
    #expect(
      push.stderr.range(of: "api [0-9.]+ kB compressed within budget", options: .regularExpression) != nil,
      "\(push.stderr)")
  }

  @Test func bisectNamesTheMeasureOfItsBuildsAndChanges() throws {
    let histories = BisectCommandTests()
    let repo = try histories.history()
    let result = try histories.bisect(repo)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("change (compressed)"), "\(result.stdout)")
    // Every build names its measure, and its commit at the 12 characters check uses.
    let builds = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("builds: ") })
    #expect(
      builds.range(of: "^builds: [0-9a-f]{12} measured [0-9.]+ [kM]B compressed \\(", options: .regularExpression)
        != nil, "\(builds)")
  }
}
