import Analysis
import Budgets
import Evaluation
import Foundation
import Model

/// One measured commit of one image, as `log` lists it.
public struct LogRow: Sendable {
  public var commit: String
  public var image: String
  public var compressedBytes: Int64
  public var uncompressedBytes: Int64
  public var subject: String = ""
  public var author: String = ""
  public var time: Int64 = 0
  /// The compressed size is an estimate (a docker-archive's).
  public var compressedEstimated = false
  /// The image's judgement at this commit (`Judgement`, as `check` gives it); nil for
  /// an image budgets.toml does not budget, or a row older than `log` judges.
  public var verdict: Verdict?
  /// `log --predicted`: the change predicted from the previous measured first parent,
  /// before this commit was built, and its ± uncertainty.
  public var predicted: (change: Int64, uncertainty: Int64)?
  /// Set for a commit with no measurement of its own, judged with an ancestor's.
  public var inherited: Inheritance?

  public init(commit: String, image: String, compressedBytes: Int64, uncompressedBytes: Int64) {
    self.commit = commit
    self.image = image
    self.compressedBytes = compressedBytes
    self.uncompressedBytes = uncompressedBytes
  }
}

/// What `log` found: rows newest first, with the budgets to judge them by.
public struct LogHistory: Sendable {
  public var range: String
  public var walked: Int
  public var rows: [LogRow]
  public var budgets: BudgetFile?
  /// Rows of budgeted images left unjudged (older than the newest `Log.judgedRows`).
  public var unjudged: Int
  /// Whether rows carry `predicted` (`log --predicted`).
  public var showPredicted = false

  public init(range: String, walked: Int, rows: [LogRow], budgets: BudgetFile?, unjudged: Int = 0) {
    self.range = range
    self.walked = walked
    self.rows = rows
    self.budgets = budgets
    self.unjudged = unjudged
  }

  var images: [String] { Array(Set(rows.map(\.image))).sorted() }

  func metric(_ image: String) -> Metric {
    budgets?.image(named: image)?.metric ?? budgets?.defaults.metric ?? .compressed
  }

  func size(_ row: LogRow) -> Int64 {
    metric(row.image) == .uncompressed ? row.uncompressedBytes : row.compressedBytes
  }

  /// The one metric of every image listed, nil when their budgets differ.
  var sharedMetric: Metric? {
    let metrics = Set(images.map(metric))
    return metrics.count == 1 ? metrics.first : nil
  }

  /// The size column's title names the measure ("size (compressed)"); when images
  /// differ in metric, each cell names its own.
  var sizeTitle: String { sharedMetric.map { "size (\($0.rawValue))" } ?? "size" }

  /// A row's size as the size column shows it.
  func sizeCell(_ row: LogRow) -> String {
    ByteSizeText.format(size(row), estimated: isEstimate(row))
      + (sharedMetric == nil ? " \(metric(row.image).rawValue)" : "")
  }

  /// Whether the size shown is an estimate ("≈").
  func isEstimate(_ row: LogRow) -> Bool { metric(row.image) == .compressed && row.compressedEstimated }

  /// Whether each change involves an estimate, on either side (as `deltas()` pairs them).
  func deltaEstimates() -> [Bool] {
    var result = [Bool](repeating: false, count: rows.count)
    var lastSeen: [String: Bool] = [:]
    for index in rows.indices.reversed() {
      let estimate = isEstimate(rows[index])
      if let previous = lastSeen[rows[index].image] { result[index] = estimate || previous }
      lastSeen[rows[index].image] = estimate
    }
    return result
  }

  /// Rows of the image's own measurements (not those inheriting one).
  var measuredRows: [LogRow] { rows.filter { $0.inherited == nil } }

  /// The change from the previous (older) measured commit of the same image (none for
  /// a row that inherits its measurement).
  func deltas() -> [Int64?] {
    var result = [Int64?](repeating: nil, count: rows.count)
    var lastSeen: [String: Int64] = [:]
    for index in rows.indices.reversed() {
      let row = rows[index]
      guard row.inherited == nil else { continue }
      let size = size(row)
      if let previous = lastSeen[row.image] { result[index] = size - previous }
      lastSeen[row.image] = size
    }
    return result
  }
}

public enum LogOutput {
  public static func text(_ history: LogHistory, terminal: TerminalStyle, sparklines: Bool) -> String {
    guard !history.rows.isEmpty else {
      return
        "No measurements on \(history.range) (\(history.walked) commits walked): record one with sizebudget measure"
    }
    var table = TextTable(
      [
        .init("commit"), .init("date"), .init("image"), .init(history.sizeTitle, .right),
        .init("change", .right),
      ] + (history.showPredicted ? [.init("predicted", .right)] : []) + [
        .init("status", fit: .keep), .init("subject", fit: .free),
      ])
    let deltas = history.deltas()
    let deltaEstimates = history.deltaEstimates()
    for ((row, delta), deltaEstimated) in zip(zip(history.rows, deltas), deltaEstimates) {
      let status =
        (row.verdict?.headline ?? "") + (row.inherited.map { " (\($0.message))" } ?? "")
      table.add(
        [
          TextTable.Cell(String(row.commit.prefix(12)), .dim), TextTable.Cell(date(row.time)),
          TextTable.Cell(row.image),
          TextTable.Cell(history.sizeCell(row)),
          TextTable.Cell(
            delta.map { ByteSizeText.formatDelta($0, estimated: deltaEstimated) } ?? "",
            (delta ?? 0) > 0 ? .warning : .plain),
        ] + (history.showPredicted ? [TextTable.Cell(predictedText(row))] : []) + [
          TextTable.Cell(status, style(row.verdict?.status)),
          TextTable.Cell(shorten(row.subject, to: 60)),
        ])
    }
    var out = [table.render(terminal), ""]
    for image in history.images {
      let sizes = history.measuredRows.filter { $0.image == image }.map(history.size).reversed()
      guard let first = sizes.first, let last = sizes.last else { continue }
      let line = sparklines ? " " + sparkline(Array(sizes)) : ""
      out.append(
        "\(image):\(line) \(ByteSize.format(first)) → \(ByteSize.format(last)) \(history.metric(image).rawValue) "
          + "(\(ByteSize.formatDelta(last - first))) "
          + "over \(sizes.count) measured \(inflected(sizes.count, "commit"))")
    }
    let measured = history.measuredRows.count
    let inherited = history.rows.count - measured
    if history.rows.contains(where: history.isEstimate) { out.append(ByteSizeText.estimateNote) }
    out.append(
      "\(counted(measured, "measurement")) on \(history.walked) commits of \(history.range)"
        + (inherited > 0
          ? "; \(counted(inherited, "row")) \(inflected(inherited, "inherits", "inherit")) an ancestor's measurement"
          : ""))
    if history.unjudged > 0 {
      out.append(
        "the \(history.unjudged) older \(inflected(history.unjudged, "row is", "rows are")) not judged (no status): "
          + "sizebudget check --commit REV judges one")
    }
    return out.joined(separator: "\n")
  }

  /// `+3 MB ± 300 kB`, or empty where nothing was predicted.
  static func predictedText(_ row: LogRow) -> String {
    guard let predicted = row.predicted else { return "" }
    return "\(ByteSize.formatDelta(predicted.change)) ± \(ByteSize.format(predicted.uncertainty))"
  }

  static func style(_ status: ImageStatus?) -> Style {
    switch status {
    case nil, .pass?: .good
    case .fail?: .bad
    default: .warning
    }
  }

  /// ▁▂▃▄▅▆▇█, oldest first; at most 60 characters (sampled evenly beyond).
  public static func sparkline(_ values: [Int64], width: Int = 60) -> String {
    guard let low = values.min(), let high = values.max() else { return "" }
    let bars = Array("▁▂▃▄▅▆▇█")
    let step = max(1, (values.count + width - 1) / width)
    let sampled = stride(from: 0, to: values.count, by: step).map { values[$0] }
    return String(
      sampled.map { value in
        high == low ? bars[3] : bars[Int(Double(value - low) / Double(high - low) * Double(bars.count - 1))]
      })
  }

  public static func json(_ history: LogHistory) -> String {
    struct Row: Encodable {
      var commit: String
      var image: String
      var subject: String
      var author: String
      var time: Int64
      var compressedBytes: Int64
      var uncompressedBytes: Int64
      var size: Int64
      var sizeEstimated: Bool
      var change: Int64?
      /// The judgement's status, as `check` gives it; null when the row is not judged.
      var status: String?
      var headline: String?
      /// `log --predicted`: the change predicted before the build, and its ± uncertainty.
      var predictedChange: Int64?
      var predictedUncertainty: Int64?
      var inherited: Inheritance?
    }
    struct Document: Encodable {
      let schema = "sizebudget.log/v1"
      var range: String
      var commitsWalked: Int
      var rows: [Row]
    }
    let deltas = history.deltas()
    return encodeJSON(
      Document(
        range: history.range, commitsWalked: history.walked,
        rows: zip(history.rows, deltas).map { row, delta in
          Row(
            commit: row.commit, image: row.image, subject: row.subject, author: row.author, time: row.time,
            compressedBytes: row.compressedBytes, uncompressedBytes: row.uncompressedBytes,
            size: history.size(row), sizeEstimated: history.isEstimate(row), change: delta,
            status: row.verdict?.status.rawValue, headline: row.verdict?.headline,
            predictedChange: row.predicted?.change, predictedUncertainty: row.predicted?.uncertainty,
            inherited: row.inherited)
        }))
  }

  /// `YYYY-MM-DD` in UTC, by arithmetic (a DateFormatter per row costs more than the
  /// whole history walk).
  public static func date(_ time: Int64) -> String {
    guard time > 0 else { return "" }
    let (year, month, day) = civilDate(daysSince1970: time / 86_400)
    func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(year)-\(two(month))-\(two(day))"
  }

  /// Howard Hinnant's days-from-civil inverse.
  static func civilDate(daysSince1970 days: Int64) -> (Int64, Int64, Int64) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthPrime = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
    let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }
}
