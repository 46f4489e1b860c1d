import Analysis
import Budgets
import Evaluation
import ImageSource
import Model

extension WeeklyReport.Image {
  var isOver: Bool { verdict.status == .fail }
}

/// The report's words (the data is Model's `WeeklyReport`).
extension WeeklyReport {
  /// The layers the period's last image added (`WeeklyReport.Image.addedLayers`), each
  /// with its command tidied for reading.
  static func addedLayers(_ image: Image) -> [(bytes: Int64, estimated: Bool, createdBy: String)] {
    image.addedLayers().map {
      (bytes: $0.bytes, estimated: $0.estimated, createdBy: $0.createdBy.map(ImageConfig.tidy) ?? "(no history)")
    }
  }

  public var period: String { "\(LogOutput.date(since)) to \(LogOutput.date(until))" }

  /// One line: "api grew +12.4 MB (+3%); web did not change and is over budget: forbid."
  /// Each image's standing is `check`'s judgement at its last measurement.
  public var verdict: String {
    guard !images.isEmpty else { return "No measurements on \(branch) in this period." }
    let over = images.filter(\.isOver)
    let parts = images.map { image -> String in
      let trend = image.trend
      let movement =
        trend.change == 0
        ? "\(image.trend.image) did not change"
        : "\(trend.image) \(trend.change > 0 ? "grew" : "shrank") \(Self.change(trend))"
      return movement + (image.verdict.status == .pass ? "" : " and is \(image.verdict.headline)")
    }
    let lead =
      !over.isEmpty
      ? "\(over.count) over budget: "
      : images.allSatisfy({ $0.verdict.status.exitCode == 0 }) ? "All within budget: " : "Not every image judged: "
    return lead + parts.joined(separator: "; ") + "."
  }

  /// The email's subject: "sizebudget weekly: api +12.4 MB (+3%), web within budget".
  public var subject: String {
    let parts = images.map { image -> String in
      let trend = image.trend
      if image.isOver { return "\(trend.image) OVER BUDGET" }
      if image.verdict.status.exitCode != 0 { return "\(trend.image) \(image.verdict.status.label)" }
      return trend.change == 0 ? "\(trend.image) within budget" : "\(trend.image) \(Self.change(trend))"
    }
    return "sizebudget weekly: " + (parts.isEmpty ? "no measurements" : parts.joined(separator: ", "))
  }

  static func change(_ trend: ImageTrend) -> String {
    ByteSizeText.formatDelta(trend.change, estimated: trend.startEstimated || trend.endEstimated)
      + (trend.percent.map { " (\(percentText($0)))" } ?? "")
  }

  /// "+3%", "-0.4%"; a change of more than 1,000 % reads better as a factor ("×8,430").
  static func percentText(_ value: Double) -> String {
    if value > 1000 { return "×" + grouped(Int((value / 100 + 1).rounded())) }
    let rounded = value.magnitude < 10 ? (value * 10).rounded() / 10 : value.rounded()
    let text = rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    return (value > 0 ? "+" : "") + text + "%"
  }
}

/// The report as text, Markdown, HTML (for mail clients) and JSON.
public enum ReportOutput {
  public static func text(_ report: WeeklyReport, terminal: TerminalStyle = .plain) -> String {
    var out = [
      terminal.apply(.bold, "sizebudget weekly report")
        + " for \(report.repository.map { "\($0), " } ?? "")\(report.branch), \(report.period)",
      report.verdict, "",
    ]
    for image in report.images {
      let trend = image.trend
      out.append(
        terminal.apply(.bold, trend.image) + "  " + LogOutput.sparkline(trend.points.map(\.size)) + "  "
          + image.verdict.headline)
      out.append(
        "  \(trend.metric) \(startAndEnd(trend, missing: "-")) "
          + "(\(WeeklyReport.change(trend))), min \(minimum(trend) ?? "-"), max \(maximum(trend) ?? "-"), "
          + "\(trend.measuredInPeriod) measured \(inflected(trend.measuredInPeriod, "commit"))")
      out.append("  " + budgetLine(trend))
      if let split = image.growthSplit { out += GrowthSplitText.text(split, terminal: terminal) }
      if trend.points.contains(where: \.estimated) { out.append("  " + ByteSizeText.estimateNote) }
      out += whatGrew(image, .text)
      out.append("")
    }
    return out.joined(separator: "\n")
  }

  /// "≈100 kB → ≈150 kB": each end marked when it is an estimate.
  static func startAndEnd(_ trend: ImageTrend, missing: String) -> String {
    (trend.start.map { ByteSizeText.format($0, estimated: trend.startEstimated) } ?? missing) + " → "
      + (trend.end.map { ByteSizeText.format($0, estimated: trend.endEstimated) } ?? missing)
  }

  /// The period's smallest and largest sizes, "≈"-marked when estimates.
  static func minimum(_ trend: ImageTrend) -> String? {
    trend.minimum.map { ByteSizeText.format($0, estimated: trend.minimumEstimated) }
  }

  static func maximum(_ trend: ImageTrend) -> String? {
    trend.maximum.map { ByteSizeText.format($0, estimated: trend.maximumEstimated) }
  }

  /// The budget less the last size: an estimate when that size is one.
  static func headroom(_ trend: ImageTrend) -> String? {
    trend.headroom.map { ByteSizeText.format($0, estimated: trend.endEstimated) }
  }

  static func budgetLine(_ trend: ImageTrend) -> String {
    guard let max = trend.max else { return "no max budget" }
    if let headroom = trend.headroom, headroom < 0 {
      return
        "budget \(ByteSize.format(max)): over it by \(ByteSizeText.format(-headroom, estimated: trend.endEstimated))"
    }
    var line = "budget \(ByteSize.format(max)), headroom \(headroom(trend) ?? "-")"
    if let hit = trend.budgetHitAt {
      line += "; at this pace the budget is reached around \(LogOutput.date(hit))"
    } else {
      line += "; not growing toward it"
    }
    return line
  }

  /// "26d98d9219d3", or "26d98d9219d3 (one of 20 commits since 0c8e…)" when the
  /// measurements are sparse.
  public static func growthCommit(_ growth: ImageTrend.Growth) -> String {
    String(growth.commit.prefix(12)) + growthDoubt(growth)
  }

  /// " (or one of the 19 before it, since 0c8e…)" when the measurements are sparse.
  static func growthDoubt(_ growth: ImageTrend.Growth) -> String {
    growth.gap > 1 ? " (or one of the \(growth.gap - 1) before it, since \(growth.since.prefix(12)))" : ""
  }

  public static func markdown(_ report: WeeklyReport) -> String {
    var out = [
      "<!-- sizebudget:report:\(report.branch) -->", "", "### sizebudget weekly: \(report.branch), \(report.period)",
      "",
      report.verdict, "", "| image | trend | start | end | change | budget | headroom | budget reached | status |",
      "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for image in report.images {
      let trend = image.trend
      out.append(
        "| `\(trend.image)` | \(LogOutput.sparkline(trend.points.map(\.size), width: 20)) | "
          + "\(trend.start.map { ByteSizeText.format($0, estimated: trend.startEstimated) } ?? "–") | "
          + "\(trend.end.map { ByteSizeText.format($0, estimated: trend.endEstimated) } ?? "–") | \(WeeklyReport.change(trend)) | \(trend.max.map(ByteSize.format) ?? "–") | "
          + "\(headroom(trend) ?? "–") | \(trend.budgetHitAt.map(LogOutput.date) ?? "–") | "
          + "\(image.verdict.headline.replacingOccurrences(of: "|", with: "\\|")) |")
    }
    for image in report.images {
      guard let split = image.growthSplit else { continue }
      out += [""] + GrowthSplitText.markdown(split, label: "`\(image.trend.image)` growth")
    }
    for image in report.images {
      let details = markdownDetails(image)
      guard !details.isEmpty else { continue }
      out +=
        ["", "<details><summary><b>\(image.trend.image)</b>: what grew</summary>", ""] + details + ["", "</details>"]
    }
    if report.images.contains(where: { $0.trend.points.contains(where: \.estimated) }) {
      out += ["", "<sub>\(ByteSizeText.estimateNote)</sub>"]
    }
    return out.joined(separator: "\n")
  }

  /// An image's top growth commits, layers and paths, forbidden files and
  /// violations, as Markdown lists.
  static func markdownDetails(_ image: WeeklyReport.Image) -> [String] {
    let trend = image.trend
    var out: [String] = []
    if let minimum = minimum(trend), let maximum = maximum(trend) {
      out.append(
        "Min \(minimum), max \(maximum), \(trend.measuredInPeriod) measured \(inflected(trend.measuredInPeriod, "commit"))."
      )
    }
    out += whatGrew(image, .markdown)
    return out.count > 1 ? out : []
  }

  /// How the lines of `whatGrew` look in a terminal and in a Markdown list.
  struct LineStyle: Sendable {
    var bullet: String
    var alarm: String
    /// Commit ids, commands, paths and patterns: as they are, or in backticks.
    var code: @Sendable (String) -> String
    var escape: @Sendable (String) -> String
    var deltaWidth: Int

    static let text = LineStyle(bullet: "    ", alarm: "", code: { $0 }, escape: { $0 }, deltaWidth: 10)
    static let markdown = LineStyle(
      bullet: "- ", alarm: "❌ ", code: { CheckMarkdown.code($0) }, escape: { CheckMarkdown.escape($0) }, deltaWidth: 0)
  }

  /// An image's top growth commits, the layers added, the paths that grew, forbidden
  /// files that appeared and the violations of the period: one line each.
  static func whatGrew(_ image: WeeklyReport.Image, _ style: LineStyle) -> [String] {
    let trend = image.trend
    var out: [String] = []
    for growth in trend.topGrowth.prefix(5) {
      out.append(
        style.bullet + ByteSizeText.formatDelta(growth.delta, estimated: growth.estimated).padding(style.deltaWidth)
          + " "
          + style.code(String(growth.commit.prefix(12))) + growthDoubt(growth) + "  "
          + style.escape(shorten(growth.subject, to: 50))
          + "  (\(style.escape(growth.author)))")
    }
    for layer in WeeklyReport.addedLayers(image) {
      out.append(
        style.bullet + "layer \(ByteSizeText.formatDelta(layer.bytes, estimated: layer.estimated)) \(trend.metric) "
          + style.code(shorten(layer.createdBy, to: 70)))
    }
    for path in (image.diff?.paths ?? []).filter({ $0.delta > 0 }).prefix(5) {
      out.append(style.bullet + "path \(style.code(path.path)) \(ByteSize.formatDelta(path.delta)) uncompressed")
    }
    for change in image.diff?.forbiddenAppeared ?? [] {
      out.append(
        style.bullet + style.alarm
          + "forbidden appeared: \(style.code(change.pattern)) (\(grouped(change.filesAfter)) files, \(ByteSize.format(change.bytesAfter)))"
      )
    }
    if let first = trend.violations.first {
      out.append(
        style.bullet + style.alarm
          + "\(trend.violations.count) measured \(inflected(trend.violations.count, "commit")) over max"
          + (trend.max.map { " \(ByteSize.format($0))" } ?? "") + ", "
          + "the first \(style.code(String(first.commit.prefix(12)))) "
          + "(\(ByteSizeText.format(first.size, estimated: first.estimated)))")
    }
    return out
  }

  public static func json(_ report: WeeklyReport) -> String { encodeJSON(report) }
}

/// The report as JSON (`sizebudget.report/v1`): the data and what follows from it.
extension WeeklyReport: Encodable {
  enum CodingKeys: String, CodingKey {
    case schema, repository, branch, since, until, images
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(schema, forKey: .schema)
    try container.encodeIfPresent(repository, forKey: .repository)
    try container.encode(branch, forKey: .branch)
    try container.encode(since, forKey: .since)
    try container.encode(until, forKey: .until)
    try container.encode(images, forKey: .images)
  }
}

extension WeeklyReport.Image: Encodable {
  enum CodingKeys: String, CodingKey {
    case trend, diff, verdict, growthSplit
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(trend, forKey: .trend)
    try container.encodeIfPresent(diff, forKey: .diff)
    try container.encode(verdict, forKey: .verdict)
    try container.encodeIfPresent(growthSplit, forKey: .growthSplit)
  }
}

extension ImageTrend: Encodable {
  enum CodingKeys: String, CodingKey {
    case image, metric, points, measuredInPeriod, max, warn
    case start, end, change, percent, minimum, maximum, headroom, budgetHitAt, topGrowth, violations
    case startEstimated, endEstimated, minimumEstimated, maximumEstimated
  }

  /// The stored figures and what follows from them, so that JSON readers (and the
  /// `sizebudget.report` webhook) get what the text shows without recomputing it.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(image, forKey: .image)
    try container.encode(metric, forKey: .metric)
    try container.encode(points, forKey: .points)
    try container.encode(measuredInPeriod, forKey: .measuredInPeriod)
    try container.encodeIfPresent(max, forKey: .max)
    try container.encodeIfPresent(warn, forKey: .warn)
    try container.encodeIfPresent(start, forKey: .start)
    try container.encodeIfPresent(end, forKey: .end)
    try container.encode(change, forKey: .change)
    try container.encodeIfPresent(percent.map { ($0 * 100).rounded() / 100 }, forKey: .percent)
    try container.encodeIfPresent(minimum, forKey: .minimum)
    try container.encodeIfPresent(maximum, forKey: .maximum)
    try container.encodeIfPresent(headroom, forKey: .headroom)
    // Which figures are estimates (change and headroom follow from start and end).
    try container.encode(startEstimated, forKey: .startEstimated)
    try container.encode(endEstimated, forKey: .endEstimated)
    try container.encode(minimumEstimated, forKey: .minimumEstimated)
    try container.encode(maximumEstimated, forKey: .maximumEstimated)
    try container.encodeIfPresent(budgetHitAt, forKey: .budgetHitAt)
    try container.encode(Array(topGrowth.prefix(10)), forKey: .topGrowth)
    try container.encode(violations, forKey: .violations)
  }
}
