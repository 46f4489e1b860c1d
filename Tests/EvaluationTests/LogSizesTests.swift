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

  /// A measurement of api at `commit` whose first layer is a base named by its
  /// annotations (`base` its diff ID), then one own layer.
  static func measured(_ commit: String, base: String, baseBytes: Int64, own: Int64) -> ImageMeasurement {
    var measurement = RuleTests.measurement(baseBytes + own, layers: [baseBytes, own])
    measurement.commit = commit
    measurement.layers[0].diffID = base
    measurement.baseImage = BaseImage(name: "python:3.11-slim", digest: "sha256:" + base, layers: 1, how: "annotations")
    return measurement
  }

  /// Each measured row is split against the image's previous measured row, when
  /// both were loaded; an inheriting row and a row whose previous one was not loaded
  /// (older than log judges) have no split, never one against another row.
  @Test func rowsSplitAgainstThePreviousMeasuredRowOnlyWhenBothWereLoaded() {
    var rows = [
      Self.row("c4", "api", compressed: 0, uncompressed: 0), Self.row("c3", "api", compressed: 0, uncompressed: 0),
      Self.row("c2", "api", compressed: 0, uncompressed: 0), Self.row("c1", "api", compressed: 0, uncompressed: 0),
      Self.row("c0", "api", compressed: 0, uncompressed: 0),
    ]
    rows[0].inherited = Inheritance(commit: "c3", steps: 1)
    let loaded = [
      Self.measured("c3", base: "b2", baseBytes: 1_500, own: 210),  // base rebuilt against c2
      Self.measured("c2", base: "b1", baseBytes: 1_000, own: 200),
      Self.measured("c1", base: "b1", baseBytes: 1_000, own: 100),
      // c0 was not loaded: c1 has nothing to split against.
    ]
    let measurements = Dictionary(
      uniqueKeysWithValues: loaded.map { (LogSizes.key(image: "api", commit: $0.commit), $0) })
    LogSizes.fill(&rows, budgets: nil)
    LogSizes.split(&rows, measurements: measurements)
    #expect(rows[0].growthSplit == nil, "an inheriting row has no change to split")
    #expect(rows[1].growthSplit?.baseDelta == 500 && rows[1].growthSplit?.ownDelta == 10)
    #expect(rows[1].growthSplit?.baseChanged == true)
    #expect(rows[2].growthSplit?.baseDelta == 0 && rows[2].growthSplit?.ownDelta == 100)
    #expect(rows[2].growthSplit?.baseChanged == false)
    #expect(rows[3].growthSplit == nil && rows[4].growthSplit == nil)
  }
}
