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
    #expect(explain.stdout.contains("saves 30 kB uncompressed"), "\(explain.stdout)")
    let diff = try fixture.run(["diff", "HEAD~1", "HEAD", "--image", "api"])
    #expect(diff.stdout.contains("paths that changed most (uncompressed)"), "\(diff.stdout)")
  }
}
