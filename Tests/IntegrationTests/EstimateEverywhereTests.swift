import Foundation
import TestSupport
import Testing

/// Issue 13 items 1 and 2, on the real fixture images: the docker-archive's compressed
/// size is an estimate, the OCI layout's exact. Every figure built on an estimate
/// carries "≈" and every output that shows one has the legend, outside its tables.
@Suite(.serialized) struct EstimateEverywhereTests {
  static let legend = "≈ an estimate: the compressed size of layers stored uncompressed"

  /// budgets → "before" from its OCI layout (exact); "after" from its OCI layout
  /// (exact); the same "after" from its docker-archive (estimated): the last two have
  /// the same layers, so only the kind of figure differs between them.
  final class History: @unchecked Sendable {
    let repo: GitRepository
    let before: String
    let exact: String
    let estimated: String

    init() throws {
      try #require(Fixtures.available, "the fixture images are missing: run scripts/fixtures.sh (make test does)")
      repo = try GitRepository()
      before = try repo.commit(
        "before", files: ["budgets.toml": "[image.api]\nmax = \"200 MB\"\nmax_growth = \"+5%\"\n"])
      try Self.measure("oci:\(Fixtures.path("api-before.oci"))", in: repo)
      exact = try repo.commit("after, from its OCI layout", files: ["api/after.txt": "after\n"])
      try Self.measure("oci:\(Fixtures.path("api-after.oci"))", in: repo)
      estimated = try repo.commit("after, from its docker-archive", files: ["api/again.txt": "again\n"])
      try Self.measure("docker-archive:\(Fixtures.path("api-after.docker.tar"))", in: repo)
    }

    static func measure(_ source: String, in repo: GitRepository) throws {
      let result = try CLI.run(["measure", source, "--image", "api"], in: repo.url)
      try #require(result.status == 0, "\(result.stderr)")
    }

    func run(_ arguments: [String]) throws -> String {
      let result = try CLI.run(arguments, in: repo.url, environment: ["COLUMNS": "120"])
      try #require(result.status == 0, "\(arguments): \(result.stderr)")
      return result.stdout
    }
  }

  /// Measured once for the suite: three measurements of real images take seconds.
  static let history = Result { try History() }

  /// Fix 1: growth between an estimate and an exact size of the same layers adds
  /// nothing, and the Markdown says so instead of an empty "what grew" table.
  @Test func checkMarkdownHasNoEmptyWhatGrewTable() throws {
    let markdown = try Self.history.get().run(["check", "--format", "markdown"])
    #expect(!markdown.contains("| what grew | change |"), "\(markdown)")
    #expect(markdown.contains("Nothing added: no new layer and no path that changed."), "\(markdown)")
  }

  /// Fix 2: the legend follows the totals table (never a row of it, which padded the
  /// text table to the legend's width); the Markdown heading marks the estimate.
  @Test func diffPutsTheLegendAfterTheTableAndMarksTheHeading() throws {
    let history = try Self.history.get()
    // Short labels (HEAD~1, HEAD) keep the table's columns narrow but for the legend's.
    let text = try history.run(["diff", "HEAD~1", "HEAD", "--image", "api"])
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let legendLine = try #require(lines.firstIndex { $0.contains(Self.legend) }, "\(text)")
    #expect(lines[legendLine].hasPrefix("≈ an estimate"), "\(lines[legendLine])")
    #expect(lines[legendLine - 1].hasPrefix("files"), "the legend follows the totals table:\n\(text)")
    let totalsRow = try #require(lines.first { $0.hasPrefix("compressed ") })
    #expect(
      !totalsRow.hasPrefix("compressed" + String(repeating: " ", count: 10)),
      "the totals table is not padded to the legend's width: \(totalsRow)")
    #expect(lines[0].contains(" ≈"), "\(lines[0])")

    let markdown = try history.run(["diff", history.exact, history.estimated, "--image", "api", "--format", "markdown"])
    let heading = try #require(markdown.split(separator: "\n").first)
    #expect(heading.contains("grew ≈+") || heading.contains("shrank ≈"), "\(heading)")
    #expect(!markdown.contains("| " + Self.legend), "the legend is no table row:\n\(markdown)")
    #expect(markdown.split(separator: "\n").contains { $0.hasPrefix(Self.legend) }, "\(markdown)")
  }

  /// Fix 3: log marks the estimated size and each change that involves it, in
  /// Markdown and in text (rows and the per-image summary line), with the legend.
  @Test func logMarksEstimatedSizesAndChanges() throws {
    let history = try Self.history.get()
    let markdown = try history.run(["log", "--format", "markdown"])
    let rows = markdown.split(separator: "\n").filter { $0.hasPrefix("| `") }
    let newest = try #require(rows.first { $0.contains(history.estimated.prefix(12)) }, "\(markdown)")
    let cells = newest.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
    #expect(cells[3].hasPrefix("≈6"), "size: \(newest)")
    #expect(cells[4].hasPrefix("≈"), "change: \(newest)")
    let exactRow = try #require(rows.first { $0.contains(history.exact.prefix(12)) })
    #expect(!exactRow.contains("≈"), "the exact row's change is between exact sizes: \(exactRow)")
    #expect(markdown.contains(Self.legend), "\(markdown)")

    let text = try history.run(["log"])
    #expect(text.contains(Self.legend), "\(text)")
    let summary = try #require(text.split(separator: "\n").first { $0.hasPrefix("api:") }, "\(text)")
    #expect(summary.contains("167 MB → ≈6") && summary.contains(" (≈-10"), "\(summary)")
  }

  /// Fix 4: the weekly report marks min, max, headroom, top growth and what grew where
  /// they are estimates, in text, Markdown and the HTML email; JSON flags them.
  @Test func theReportMarksEveryEstimatedFigure() throws {
    let history = try Self.history.get()
    let json = try history.run(["report", "--since", "30d", "--format", "json"])
    let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let image = try #require((document["images"] as? [[String: Any]])?.first)
    let trend = try #require(image["trend"] as? [String: Any])
    let points = try #require(trend["points"] as? [[String: Any]])
    #expect(points.map { $0["estimated"] as? Bool } == [false, false, true], "\(points)")
    let sizes = points.compactMap { $0["size"] as? Int64 }
    let minimumEstimated = try #require(points.first { $0["size"] as? Int64 == sizes.min() }?["estimated"] as? Bool)
    #expect(trend["minimum_estimated"] as? Bool == minimumEstimated)
    #expect(trend["maximum_estimated"] as? Bool == false)
    #expect(trend["end_estimated"] as? Bool == true)
    #expect(trend["start_estimated"] as? Bool == false)
    let growth = try #require(trend["top_growth"] as? [[String: Any]])
    #expect(!growth.isEmpty && growth.allSatisfy { $0["estimated"] as? Bool == true }, "\(growth)")

    let minimum = minimumEstimated ? "min ≈6" : "min 61.2 MB"
    let text = try history.run(["report", "--since", "30d"])
    #expect(text.contains(minimum), "\(text)")
    #expect(text.contains("max 167 MB"), "\(text)")
    #expect(text.contains("headroom ≈13"), "\(text)")
    #expect(text.contains("layer ≈+1"), "\(text)")
    let topGrowth = try #require(text.split(separator: "\n").first { $0.contains(history.estimated.prefix(12)) })
    #expect(topGrowth.hasPrefix("    ≈+"), "top growth: \(text)")
    #expect(text.contains(Self.legend))

    let markdown = try history.run(["report", "--since", "30d", "--format", "markdown"])
    #expect(markdown.contains(minimum.replacingOccurrences(of: "min", with: "Min")), "\(markdown)")
    #expect(markdown.contains("| ≈13"), "headroom: \(markdown)")
    #expect(markdown.contains("- ≈+"), "top growth: \(markdown)")
    #expect(markdown.contains("`\(history.estimated.prefix(12))`"), "top growth: \(markdown)")
    #expect(markdown.contains("- layer ≈+1"), "\(markdown)")
    #expect(markdown.contains(Self.legend), "\(markdown)")

    let html = try history.run(["report", "--since", "30d", "--format", "html"])
    #expect(html.contains("headroom ≈13"), "\(html)")
    #expect(html.contains(">≈+1"), "layers added and top growth: \(html)")
    let topGrowthTable = try #require(html.range(of: "Top growth")).upperBound
    let layersTable = try #require(html.range(of: "Layers added")).lowerBound
    #expect(html[topGrowthTable..<layersTable].contains(">≈+"), "top growth: \(html)")
    #expect(html.contains(Self.legend), "\(html)")
  }

  /// The site shows the same figures: the headroom and the last change are estimates.
  @Test func theSiteMarksTheEstimatedHeadroomAndChange() throws {
    let history = try Self.history.get()
    let site = try TemporaryDirectory()
    _ = try history.run(["site", "--output", site.url.path])
    let index = try String(contentsOf: site.url.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(index.contains("<td class=\"num\">≈13"), "headroom: \(index)")
    #expect(index.contains("<td>≈+"), "change: \(index)")
  }

  /// Fix 5: a passing growth verdict between an estimate and an exact size says so
  /// where the growth figure is shown.
  @Test func aPassingGrowthBetweenKindsSaysSo() throws {
    let history = try Self.history.get()
    let text = try history.run(["check"])
    let figures = try #require(text.split(separator: "\n").first { $0.contains("against \(history.exact.prefix(12))") })
    #expect(figures.contains("(estimate vs exact, ±5 %)"), "\(text)")
    // The same base layers measured two ways: an estimate's difference, not a rebuild.
    let split = try #require(text.split(separator: "\n").first { $0.hasPrefix("  growth:") }, "\(text)")
    #expect(split.contains("≈+") && !text.contains("rebuilt upstream"), "\(text)")
    let markdown = try history.run(["check", "--format", "markdown"])
    let row = try #require(markdown.split(separator: "\n").first { $0.hasPrefix("| `api`") })
    #expect(row.contains("(estimate vs exact, ±5 %)"), "\(row)")
  }

  /// Both sides exact: no mark, no note.
  @Test func exactSizesCarryNoMark() throws {
    let history = try Self.history.get()
    let diff = try history.run(["diff", history.before, history.exact, "--image", "api", "--format", "markdown"])
    #expect(!diff.contains("≈"), "\(diff)")
    let check = try history.run(["check", "--commit", history.exact])
    #expect(!check.contains("estimate vs exact") && !check.contains("≈"), "\(check)")
  }
}
