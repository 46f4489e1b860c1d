import Budgets
import Evaluation
import Model
import Testing

/// `log`'s sizes and changes, computed in Evaluation so that Formats only prints them.
@Suite struct LogSizesTests {
  static func row(_ commit: String, _ image: String, compressed: Int64, uncompressed: Int64, estimated: Bool = false)
    -> LogRow
  {
    var row = LogRow(commit: commit, image: image, compressedBytes: compressed, uncompressedBytes: uncompressed)
    row.compressedEstimated = estimated
    return row
  }

  @Test func sizesFollowEachImagesMetricAndChangesSkipInheritingRows() throws {
    let budgets = try BudgetParser.parse(
      """
      [image.api]
      metric = "uncompressed"
      max = "1 GB"
      """)
    // Newest first: c3 inherits c2's measurement; web is not budgeted (compressed).
    var rows = [
      Self.row("c3", "api", compressed: 50, uncompressed: 300),
      Self.row("c2", "api", compressed: 50, uncompressed: 300),
      Self.row("c2", "web", compressed: 70, uncompressed: 900, estimated: true),
      Self.row("c1", "api", compressed: 40, uncompressed: 200),
      Self.row("c1", "web", compressed: 60, uncompressed: 800),
    ]
    rows[0].inherited = Inheritance(commit: "c2", steps: 1)
    LogSizes.fill(&rows, budgets: budgets)
    #expect(rows.map(\.size) == [300, 300, 70, 200, 60])
    #expect(rows.map(\.change) == [nil, 100, 10, nil, nil])
    #expect(rows.map(\.sizeEstimated) == [false, false, true, false, false])
    // Only web's change has an estimate on one side.
    #expect(rows.map(\.changeEstimated) == [false, false, true, false, false])
  }

  @Test func withoutBudgetsEveryImageIsShownCompressed() {
    var rows = [
      Self.row("c2", "api", compressed: 55, uncompressed: 300, estimated: true),
      Self.row("c1", "api", compressed: 40, uncompressed: 200),
    ]
    LogSizes.fill(&rows, budgets: nil)
    #expect(rows.map(\.size) == [55, 40])
    #expect(rows.map(\.change) == [15, nil])
    #expect(rows.map(\.changeEstimated) == [true, false])
  }
}
