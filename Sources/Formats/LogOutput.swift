import Analysis
import Budgets
import Evaluation
import Foundation
import Model
import SystemCalls

/// The size column's words.
extension LogHistory {
  /// The one metric of every row listed, nil when their images' budgets differ.
  var sharedMetric: Metric? {
    let metrics = Set(rows.map(\.metric))
    return metrics.count == 1 ? metrics.first : nil
  }

  /// The size column's title names the measure ("size (compressed)"); when images
  /// differ in metric, each cell names its own.
  var sizeTitle: String { sharedMetric.map { "size (\($0.rawValue))" } ?? "size" }

  /// A row's size as the size column shows it.
  func sizeCell(_ row: LogRow) -> String {
    ByteSizeText.format(row.size, estimated: row.sizeEstimated) + (sharedMetric == nil ? " \(row.metric.rawValue)" : "")
  }
}

public enum LogOutput {
  public static func text(_ history: LogHistory, terminal: TerminalStyle, sparklines: Bool) -> String {
    guard !history.rows.isEmpty else {
      return
        "No measurements on \(history.range) (\(history.walked) commits walked): record one with sizebudget measure"
    }
    let rebuilt = history.rows.filter { $0.growthSplit?.baseChanged == true }
    // A narrow terminal moves subject, status, base and date under each row, in that
    // order, rather than cut a verdict.
    var table = TextTable(
      [
        .init("commit"), .init("date", movesUnder: true), .init("image"), .init(history.sizeTitle, .right),
        .init("change", .right),
      ] + (history.showPredicted ? [.init("predicted", .right)] : [])
        + (rebuilt.isEmpty ? [] : [.init("base", fit: .keep, movesUnder: true)]) + [
          .init("status", fit: .keep, movesUnder: true), .init("subject", fit: .free, movesUnder: true),
        ])
    for row in history.rows {
      let status =
        (row.verdict?.headline ?? "") + (row.inherited.map { " (\($0.message))" } ?? "")
      table.add(
        [
          TextTable.Cell(String(row.commit.prefix(12)), .dim), TextTable.Cell(date(row.time)),
          TextTable.Cell(row.image),
          TextTable.Cell(history.sizeCell(row)),
          TextTable.Cell(
            row.change.map { ByteSizeText.formatDelta($0, estimated: row.changeEstimated) } ?? "",
            (row.change ?? 0) > 0 ? .warning : .plain),
        ] + (history.showPredicted ? [TextTable.Cell(predictedText(row))] : [])
          + (rebuilt.isEmpty ? [] : [TextTable.Cell(baseTag(row), .warning)]) + [
            TextTable.Cell(status, style(row.verdict?.status)),
            TextTable.Cell(shorten(row.subject, to: 60)),
          ])
    }
    var out = [table.render(terminal), ""]
    out += rebuiltLines(rebuilt) { terminal.apply(.warning, $0) }
    for image in history.images {
      let rows = history.measuredRows.filter { $0.image == image }.reversed()
      guard let first = rows.first, let last = rows.last else { continue }
      let sizes = rows.map(\.size)
      let line = sparklines ? " " + sparkline(Array(sizes)) : ""
      out.append(
        "\(image):\(line) \(ByteSizeText.format(first.size, estimated: first.sizeEstimated)) → "
          + "\(ByteSizeText.format(last.size, estimated: last.sizeEstimated)) \(last.metric.rawValue) "
          + "(\(ByteSizeText.formatDelta(last.size - first.size, estimated: first.sizeEstimated || last.sizeEstimated))) "
          + "over \(sizes.count) measured \(inflected(sizes.count, "commit"))")
    }
    let measured = history.measuredRows.count
    let inherited = history.rows.count - measured
    if history.rows.contains(where: \.sizeEstimated) { out.append(ByteSizeText.estimateNote) }
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

  /// The base column's tag, "rebuilt +100 kB", on a row whose base image changed
  /// against the image's previous measured row (`GrowthSplit.baseChanged`).
  static func baseTag(_ row: LogRow) -> String {
    guard let split = row.growthSplit, split.baseChanged else { return "" }
    return "rebuilt " + ByteSizeText.formatDelta(split.baseDelta, estimated: split.estimated)
  }

  /// Under the table, each rebuilt base said in full, newest first (at most five):
  /// "1a2b3c4d5e6f api: python:3.11-slim rebuilt upstream: +5.2 MB (sha256:… → sha256:…)".
  static func rebuiltLines(_ rows: [LogRow], limit: Int = 5, style: (String) -> String) -> [String] {
    var out = rows.prefix(limit).compactMap { row in
      row.growthSplit?.baseLine.map { style("\(row.commit.prefix(12)) \(row.image): \($0)") }
    }
    if rows.count > limit { out.append("… \(rows.count - limit) more rebuilt bases (--format json has them all)") }
    return out + (out.isEmpty ? [] : [""])
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
      /// `change` split into base image and own layers (check's `growth_split`),
      /// where both measurements were loaded to judge; the two deltas also flat.
      var baseDelta: Int64?
      var ownDelta: Int64?
      var growthSplit: GrowthSplit?
    }
    struct Document: Encodable {
      let schema = "sizebudget.log/v1"
      var range: String
      var commitsWalked: Int
      var rows: [Row]
    }
    return encodeJSON(
      Document(
        range: history.range, commitsWalked: history.walked,
        rows: history.rows.map { row in
          Row(
            commit: row.commit, image: row.image, subject: row.subject, author: row.author, time: row.time,
            compressedBytes: row.compressedBytes, uncompressedBytes: row.uncompressedBytes,
            size: row.size, sizeEstimated: row.sizeEstimated, change: row.change,
            status: row.verdict?.status.rawValue, headline: row.verdict?.headline,
            predictedChange: row.predicted?.change, predictedUncertainty: row.predicted?.uncertainty,
            inherited: row.inherited, baseDelta: row.growthSplit?.baseDelta, ownDelta: row.growthSplit?.ownDelta,
            growthSplit: row.growthSplit)
        }))
  }

  /// `YYYY-MM-DD` in UTC, or nothing for an unknown time (a DateFormatter per row
  /// cost more than the whole history walk).
  public static func date(_ time: Int64) -> String { time > 0 ? UTCTime.day(time) : "" }
}
