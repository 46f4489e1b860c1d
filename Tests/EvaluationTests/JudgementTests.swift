import Analysis
import Budgets
import Evaluation
import Model
import Testing

/// The one judgement: status and headline from rule results.
@Suite struct JudgementTests {
  static func result(_ rule: String, _ status: RuleStatus, subject: String? = nil) -> RuleResult {
    RuleResult(rule: rule, subject: subject, status: status, message: "\(rule) \(status)")
  }

  @Test func brokenRulesAreNamedAndCounted() {
    let verdict = Judgement.judge([
      Self.result("max", .pass), Self.result("forbid", .fail, subject: "/usr/bin/gcc*"),
      Self.result("max_growth", .fail), Self.result("forbid", .fail, subject: "/app/tests/**"),
      Self.result("warn", .warn),
    ])
    #expect(verdict.status == .fail)
    #expect(verdict.rules == ["forbid ×2", "max_growth"])
    #expect(verdict.headline == "over budget: forbid ×2, max_growth")
  }

  @Test func aBrokenBudgetOutranksEverythingElse() {
    let verdict = Judgement.judge([Self.result("max_growth", .unknown), Self.result("max_layer", .fail)])
    #expect(verdict.status == .fail)
    #expect(verdict.status.exitCode == 1)
  }

  @Test func growthWithoutABaseIsMissingAndARuleTheMeasurementCannotAnswerIsStale() {
    var baseless = Self.result("max_growth", .unknown)
    baseless.lacksMeasurement = true
    let missing = Judgement.judge([Self.result("max", .pass), baseless])
    #expect(missing.status == .missing)
    #expect(missing.headline == "missing: max_growth has no measured base")
    #expect(missing.status.exitCode == 3)
    // Growth against a base that cannot answer (read from a manifest alone) is stale.
    #expect(Judgement.judge([Self.result("max_growth", .unknown)]).status == .stale)
    let stale = Judgement.judge([Self.result("forbid", .unknown), Self.result("warn", .warn)])
    #expect(stale.status == .stale)
    #expect(stale.headline.hasPrefix("stale: forbid"))
    #expect(stale.status.exitCode == 3)
  }

  @Test func warningsAndJustifiedGrowthAreWithinBudget() {
    let warned = Judgement.judge([Self.result("warn", .warn), Self.result("max_growth", .justified)])
    #expect(warned.status == .warn)
    #expect(warned.headline == "within budget, warning: warn")
    #expect(warned.status.exitCode == 0)
    let justified = Judgement.judge([Self.result("max_growth", .justified), Self.result("max", .pass)])
    #expect(justified.status == .justified)
    #expect(justified.headline == "within budget, justified: max_growth")
    #expect(Judgement.judge([Self.result("max", .pass)]).headline == "within budget")
    #expect(Judgement.judge([]).status == .pass)
  }

  @Test func combiningImagesTakesTheWorstAndOnlyPassExitsZeroAsPass() {
    #expect(Judgement.combined([.pass, .missing, .warn]) == .missing)
    #expect(Judgement.combined([.missing, .fail]) == .fail)
    #expect(Judgement.combined([]) == .pass)
    for status in ImageStatus.allCases where status.exitCode != 0 {
      #expect(status != .pass)
    }
  }

  @Test func aReportWithOnlyAMissingMeasurementIsNotPass() {
    let report = CheckReport(
      commit: String(repeating: "a", count: 40), commitSubject: nil, branch: nil, budgetsPath: "budgets.toml",
      images: [],
      missing: [MissingMeasurement(image: "api", commit: String(repeating: "a", count: 40), command: "measure")])
    #expect(report.status == .missing)
    #expect(report.exitCode == 3)
    #expect(report.headline == "missing: no measurement at aaaaaaaaaaaa")
  }

  @Test func severalImagesNameEachOneNotWithinBudget() throws {
    let budget = try #require(try BudgetParser.parse("[image.api]\nmax = \"100 MB\"").image(named: "api"))
    let over = Evaluator.evaluate(
      RuleContext(budget: budget, measurement: RuleTests.measurement(120_000_000), base: nil, justifications: []))
    let commit = String(repeating: "a", count: 40)
    let report = CheckReport(
      commit: commit, commitSubject: nil, branch: nil, budgetsPath: "budgets.toml", images: [over],
      missing: [MissingMeasurement(image: "web", commit: commit, command: "measure")])
    #expect(report.status == .fail)
    #expect(report.exitCode == 1)
    #expect(report.headline == "1 of 2 images over budget (api: max; web: missing: no measurement at aaaaaaaaaaaa)")
  }

  @Test func passingMaxLayerAndWarnAreResultsNotSilence() throws {
    let budget = try #require(
      try BudgetParser.parse("[image.api]\nmax = \"100 MB\"\nwarn = \"80 MB\"\nmax_layer = \"60 MB\"").image(
        named: "api"))
    let evaluation = Evaluator.evaluate(
      RuleContext(
        budget: budget, measurement: RuleTests.measurement(50_000_000, layers: [20_000_000, 30_000_000]), base: nil,
        justifications: []))
    let layer = try #require(evaluation.results.first { $0.rule == "max_layer" })
    #expect(layer.status == .pass)
    #expect(layer.subject == "layer 1")
    #expect(layer.message == "the largest layer, 1, is 30 MB compressed, within max_layer 60 MB")
    #expect(evaluation.results.first { $0.rule == "warn" }?.status == .pass)
    #expect(evaluation.status == .pass)
  }
}
