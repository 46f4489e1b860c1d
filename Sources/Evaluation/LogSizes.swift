import Budgets
import Model

/// What `log` shows of each row's size: the figure in its image's budget metric, and
/// the change from the image's previous measured row (newest rows first).
public enum LogSizes {
  /// Sets `metric`, `size`, `sizeEstimated`, `change` and `changeEstimated` on rows listed newest
  /// first; an image budgets.toml does not budget is shown compressed.
  public static func fill(_ rows: inout [LogRow], budgets: BudgetFile?) {
    func metric(_ image: String) -> Metric {
      budgets?.image(named: image)?.metric ?? budgets?.defaults.metric ?? .compressed
    }
    for index in rows.indices {
      rows[index].metric = metric(rows[index].image)
      let uncompressed = rows[index].metric == .uncompressed
      rows[index].size = uncompressed ? rows[index].uncompressedBytes : rows[index].compressedBytes
      rows[index].sizeEstimated = !uncompressed && rows[index].compressedEstimated
    }
    // The change from the previous (older) measured row of the same image; a row that
    // inherits its measurement has none, and is no one's previous row. Whether a
    // change involves an estimate counts every row, as the rows are shown.
    var lastSize: [String: Int64] = [:]
    var lastEstimated: [String: Bool] = [:]
    for index in rows.indices.reversed() {
      let row = rows[index]
      if let previous = lastEstimated[row.image] { rows[index].changeEstimated = row.sizeEstimated || previous }
      lastEstimated[row.image] = row.sizeEstimated
      guard row.inherited == nil else { continue }
      if let previous = lastSize[row.image] { rows[index].change = row.size - previous }
      lastSize[row.image] = row.size
    }
  }

  /// Splits each measured row's `change` into base image and own layers
  /// (`GrowthSplit.between`, as check splits growth) where the row's measurement and
  /// its previous measured row's are among `measurements` (those judging loaded, by
  /// `key`): log reads no measurement for it. Call after `fill` (it sets the metric).
  public static func split(_ rows: inout [LogRow], measurements: [String: ImageMeasurement]) {
    var previous: [String: ImageMeasurement?] = [:]
    for index in rows.indices.reversed() where rows[index].inherited == nil {
      let row = rows[index]
      let measurement = measurements[key(image: row.image, commit: row.commit)]
      if let old = previous[row.image] ?? nil, let measurement {
        rows[index].growthSplit = GrowthSplit.between(old, measurement, metric: row.metric)
      }
      previous[row.image] = measurement
    }
  }

  /// How `split` finds a measurement: by image and commit.
  public static func key(image: String, commit: String) -> String { image + "@" + commit }
}
