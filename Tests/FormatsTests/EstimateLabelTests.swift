import Analysis
import Budgets
import Evaluation
import Foundation
import Model
import Testing

@testable import Formats

/// Issue 13 items 1 and 2: an estimated size carries "≈" in every output of `check`.
@Suite struct EstimateLabelTests {
  static func measurement(_ compressed: Int64, estimated: Bool) -> ImageMeasurement {
    ImageMeasurement(
      image: "api", commit: String(repeating: "b", count: 40), source: "docker-archive:api.tar",
      platform: "linux/amd64", manifestDigest: nil, configDigest: nil, compressedBytes: compressed,
      compressedEstimated: estimated, uncompressedBytes: compressed * 2, wastedBytes: 0, fileCount: 1, pathDepth: 4,
      toolVersion: "t", measuredAt: "2026-11-25T00:00:00Z", host: "h",
      layers: [
        LayerMeasurement(
          index: 0, digest: nil, diffID: "sha256:0", mediaType: nil, compression: estimated ? "none" : "gzip",
          compressedBytes: compressed, compressedEstimated: estimated, uncompressedBytes: compressed * 2,
          fileCount: 1, createdBy: "COPY . /")
      ], paths: [], wasted: [], forbidden: [], required: [])
  }

  static func report(estimated: Bool) throws -> CheckReport {
    let budget = try #require(
      try BudgetParser.parse("[image.api]\nmax = \"200 MB\"\nmax_growth = \"+5%\"").image(named: "api"))
    let evaluation = Evaluator.evaluate(
      RuleContext(
        budget: budget, measurement: measurement(104_000_000, estimated: estimated),
        base: BaseMeasurement(
          commit: String(repeating: "a", count: 40), subject: "base",
          measurement: measurement(100_000_000, estimated: false), how: "test"),
        justifications: []))
    return CheckReport(
      commit: String(repeating: "b", count: 40), commitSubject: "s", branch: "main", budgetsPath: "budgets.toml",
      images: [evaluation], missing: [])
  }

  @Test func anEstimatedSizeIsMarkedInEveryCheckFormat() throws {
    let report = try Self.report(estimated: true)
    let text = CheckText.render(report, terminal: .plain)
    #expect(text.contains("≈104 MB"), "\(text)")
    let markdown = CheckMarkdown.render(report)
    #expect(markdown.contains("≈104 MB"), "\(markdown)")
    #expect(markdown.contains("±5 %"), "\(markdown)")
    #expect(GitHubActions.render(report).contains("≈104 MB"))
    #expect(CheckMarkdown.statusLine(report).contains("≈104 MB"))
    let json = try JSONSerialization.jsonObject(with: Data(CheckJSON.render(report).utf8)) as? [String: Any]
    let image = (json?["images"] as? [[String: Any]])?.first
    #expect(image?["size_estimated"] as? Bool == true)
    #expect((image?["base"] as? [String: Any])?["size_estimated"] as? Bool == false)
  }

  @Test func anExactSizeCarriesNoMark() throws {
    let report = try Self.report(estimated: false)
    #expect(!CheckText.render(report, terminal: .plain).contains("≈1"))
    #expect(!CheckMarkdown.render(report).contains("≈"))
  }

  /// A bisect culprit sized from docker-archive measurements shows its sizes as estimates.
  @Test func aBisectCulpritsEstimatedSizesAreMarked() {
    let before = Self.measurement(100_000_000, estimated: true)
    let after = Self.measurement(130_000_000, estimated: true)
    let commit = BisectResult.Commit(id: String(repeating: "c", count: 40), subject: "grow", author: "a", time: 0)
    let result = BisectResult(
      image: "api", metric: "compressed", range: "main..topic", rule: "the first commit over max 120 MB",
      base: commit, baseSize: 100_000_000, tip: commit, outcome: "culprit",
      culprit: BisectResult.Culprit(
        commit: commit, before: commit, sizeBefore: 100_000_000, sizeAfter: 130_000_000, contextFiles: [],
        diff: MeasurementDiff.between(before, after)),
      suspects: [], steps: [], commitsInRange: 1, candidates: 1, builds: [], seconds: 1)
    let text = BisectReport.text(result, terminal: .plain)
    #expect(text.contains("≈100 MB → ≈130 MB (≈+30 MB)"), "\(text)")
    #expect(BisectReport.markdown(result).contains("≈100 MB → ≈130 MB"))
  }
}
