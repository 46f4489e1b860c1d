import Analysis
import Budgets
import Model
import Testing

@testable import Evaluation
@testable import Formats

/// The pull-request comment: the table a reviewer reads, and a comment over the
/// forge's limit shortened details first, linking the full report.
@Suite struct CommentLimitTests {
  func measurement(_ bytes: Int64, commit: String) -> ImageMeasurement {
    ImageMeasurement(
      image: "api", commit: commit, source: "oci:x", platform: "linux/amd64", manifestDigest: nil, configDigest: nil,
      compressedBytes: bytes, compressedEstimated: false, uncompressedBytes: bytes * 3, wastedBytes: 0, fileCount: 1,
      pathDepth: 3, toolVersion: "test", measuredAt: "2026-11-30T00:00:00Z", host: "h", layers: [], paths: [],
      wasted: [], forbidden: [], required: [])
  }

  func report() -> CheckReport {
    var budget = ImageBudget(name: "api", position: .init(line: 1, column: 1), defaults: Defaults())
    budget.max = Located(ByteSize(100_000_000), at: .init(line: 2, column: 1))
    let base = BaseMeasurement(
      commit: String(repeating: "b", count: 40), subject: "main", measurement: measurement(80_000_000, commit: "b"),
      how: "the merge-base")
    let details = (0..<10).map {
      "/opt/venv/lib/python3.11/site-packages/package\($0)/" + String(repeating: "x", count: 200)
    }
    let evaluation = ImageEvaluation(
      image: "api", owner: nil, metric: .compressed, commit: String(repeating: "c", count: 40),
      measurement: measurement(120_000_000, commit: "c"), budget: budget, base: base,
      results: [
        RuleResult(
          rule: "max", status: .fail, actual: 120_000_000, limit: 100_000_000, message: "over", details: details)
      ], justifications: [], diff: nil)
    return CheckReport(
      commit: String(repeating: "c", count: 40), commitSubject: "s", branch: "topic", budgetsPath: "budgets.toml",
      images: [evaluation], missing: [])
  }

  @Test func theTableHasBaseThisChangeAndPercentage() {
    let text = CheckMarkdown.render(report())
    #expect(text.contains("| image | base | this | change | % | budget | status |"))
    #expect(text.contains("| `api` | 80 MB | 120 MB | +40 MB | +50.0 % | 100 MB | ❌ over budget: max |"), "\(text)")
    #expect(CheckMarkdown.statusLine(report()) == "Over budget: api 120 MB of 100 MB (+40 MB)")
  }

  @Test func overTheLimitDetailsAreShortenedAndTheFullReportLinked() {
    let full = CheckMarkdown.render(report(), limit: 1_000_000, fullReport: "https://ci.example/run/1")
    #expect(!full.contains("the full report"))
    let limit = full.count - 100
    let folded = CheckMarkdown.render(report(), limit: limit, fullReport: "https://ci.example/run/1")
    #expect(folded.count < limit)
    #expect(folded.contains("[the full report](https://ci.example/run/1)"))
    #expect(folded.contains("| `api` |") && !folded.contains("package0/"))
    let tiny = CheckMarkdown.render(report(), limit: 400, fullReport: "https://ci.example/run/1")
    #expect(tiny.count <= 400 && tiny.contains("(https://ci.example/run/1)"), "\(tiny.count)")
  }
}
