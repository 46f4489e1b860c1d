import Budgets
import Evaluation

/// The weekly report as an HTML email: tables and inline styles only (no scripts, no
/// external images or fonts), which Gmail, Outlook and Apple Mail all render. The
/// chart is a table of bars, one column per measured commit.
public enum ReportHTML {
  static let font = "font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif"

  public static func render(_ report: WeeklyReport) -> String {
    var body = """
      <!DOCTYPE html>
      <html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
      <title>\(escape(report.subject))</title></head>
      <body style="margin:0;padding:0;background:#f4f5f7;">
      <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7;">
      <tr><td align="center" style="padding:24px 12px;">
      <table role="presentation" width="640" cellpadding="0" cellspacing="0" style="background:#ffffff;border-radius:6px;\(font);color:#1f2328;">
      <tr><td style="padding:20px 24px 8px 24px;">
      <div style="font-size:13px;color:#57606a;">sizebudget weekly · \(escape(report.repository ?? "")) \(escape(report.branch)) · \(escape(report.period))</div>
      <div style="font-size:20px;font-weight:600;margin-top:6px;">\(escape(report.verdict))</div>
      </td></tr>

      """
    for image in report.images { body += section(image) }
    body += """
      <tr><td style="padding:8px 24px 20px 24px;font-size:12px;color:#57606a;">
      Sizes in decimal units (1 MB = 1,000,000 bytes).\(legend(report)) Sent by sizebudget; <code>sizebudget report</code> prints the same in a terminal, <code>sizebudget bisect</code> names the commit behind a jump.
      </td></tr>
      </table></td></tr></table></body></html>

      """
    return body
  }

  static func section(_ image: WeeklyReport.Image) -> String {
    let trend = image.trend
    let over = image.isOver
    let color = over ? "#cf222e" : trend.change > 0 ? "#9a6700" : "#1a7f37"
    var html = """
      <tr><td style="padding:16px 24px 4px 24px;border-top:1px solid #d8dee4;">
      <div style="font-size:17px;font-weight:600;">\(escape(trend.image))
      <span style="font-weight:400;color:\(color);"> \(escape(WeeklyReport.change(trend)))</span></div>
      \(chart(trend))
      <table role="presentation" cellpadding="0" cellspacing="0" style="font-size:14px;margin-top:8px;">
      \(row("start → end", "\(ReportOutput.startAndEnd(trend, missing: "–")) (\(trend.metric))"))
      \(row("min / max", "\(ReportOutput.minimum(trend) ?? "–") / \(ReportOutput.maximum(trend) ?? "–")"))
      \(row("status", image.verdict.headline))
      \(growthRows(image.growthSplit))
      \(row("budget", budget(trend)))
      \(row("budget reached", trend.budgetHitAt.map { "around \(LogOutput.date($0)) at this pace" } ?? (over ? "already over" : "not on this trend")))
      \(row("measured commits", String(trend.measuredInPeriod)))
      </table>

      """
    let growth = trend.topGrowth.prefix(5)
    if !growth.isEmpty {
      html += table(
        "Top growth", ["change", "commit", "subject", "author"],
        growth.map {
          [
            ByteSizeText.formatDelta($0.delta, estimated: $0.estimated),
            String($0.commit.prefix(12)) + ($0.gap > 1 ? " (or one of the \($0.gap - 1) before)" : ""),
            shorten($0.subject, to: 40), $0.author,
          ]
        })
    }
    let layers = WeeklyReport.addedLayers(image)
    if !layers.isEmpty {
      html += table(
        "Layers added", ["size", "created by"],
        layers.map { [ByteSizeText.formatDelta($0.bytes, estimated: $0.estimated), shorten($0.createdBy, to: 70)] })
    }
    if let diff = image.diff {
      let paths = diff.paths.filter { $0.delta > 0 }.prefix(5)
      if !paths.isEmpty {
        html += table("Paths that grew", ["path", "change"], paths.map { [$0.path, ByteSize.formatDelta($0.delta)] })
      }
      if !diff.forbiddenAppeared.isEmpty {
        html += table(
          "Forbidden files that appeared", ["pattern", "files", "size"],
          diff.forbiddenAppeared.map { [$0.pattern, String($0.filesAfter), ByteSize.format($0.bytesAfter)] })
      }
    }
    if let first = trend.violations.first {
      html += table(
        "Over max in the period: \(trend.violations.count) measured \(inflected(trend.violations.count, "commit")), the first",
        ["commit", "size", "subject"],
        [
          [
            String(first.commit.prefix(12)), ByteSizeText.format(first.size, estimated: first.estimated),
            shorten(first.subject, to: 48),
          ]
        ])
    }
    return html + "</td></tr>\n"
  }

  /// Bars of a table: height for size, the last bar darker; at most 40 columns.
  static func chart(_ trend: ImageTrend) -> String {
    let sizes = trend.points.map(\.size)
    guard sizes.count >= 2, let low = sizes.min(), let high = sizes.max() else { return "" }
    let step = max(1, (sizes.count + 39) / 40)
    let sampled = stride(from: 0, to: sizes.count, by: step).map { sizes[$0] }
    let floor = Double(low) * 0.9
    let cells = sampled.enumerated().map { index, size -> String in
      let height = high == low ? 40 : Int(8 + (Double(size) - floor) / (Double(high) - floor) * 52)
      let shade = index == sampled.count - 1 ? "#0969da" : "#8cb4e8"
      return
        "<td valign=\"bottom\" style=\"padding:0 1px;\"><div style=\"width:10px;height:\(height)px;background:\(shade);\" title=\"\(ByteSize.format(size))\"></div></td>"
    }
    return """
      <table role="presentation" cellpadding="0" cellspacing="0" style="margin-top:8px;height:64px;"><tr>\(cells.joined())</tr></table>
      <div style="font-size:12px;color:#57606a;">\(ByteSize.format(sampled.first!)) … \(ByteSize.format(sampled.last!)), one bar per measured commit</div>
      """
  }

  /// The period's growth split into base image and own layers, and the base's
  /// "rebuilt upstream" line (amber) when it changed; nothing without a split.
  static func growthRows(_ split: GrowthSplit?) -> String {
    guard let split else { return "" }
    let growth = row("growth", "\(split.summary) (\(GrowthSplitText.how(split, metric: nil)))")
    return growth + (split.baseLine.map { "\n" + row("base image", $0, color: "#9a6700") } ?? "")
  }

  static func budget(_ trend: ImageTrend) -> String {
    guard let max = trend.max else { return "no max" }
    if let headroom = trend.headroom, headroom < 0 {
      return "\(ByteSize.format(max)), over it by \(ByteSizeText.format(-headroom, estimated: trend.endEstimated))"
    }
    return "\(ByteSize.format(max)), headroom \(ReportOutput.headroom(trend) ?? "–")"
  }

  /// " ≈ an estimate: …" when any figure of the report is one.
  static func legend(_ report: WeeklyReport) -> String {
    report.images.contains { $0.trend.points.contains(where: \.estimated) }
      ? " " + escape(ByteSizeText.estimateNote) + "." : ""
  }

  static func row(_ label: String, _ value: String, color: String? = nil) -> String {
    let valueStyle = "padding:2px 0;" + (color.map { "color:\($0);" } ?? "")
    return "<tr><td style=\"padding:2px 16px 2px 0;color:#57606a;\">\(escape(label))</td>"
      + "<td style=\"\(valueStyle)\">\(escape(value))</td></tr>"
  }

  static func table(_ title: String, _ headers: [String], _ rows: [[String]]) -> String {
    let head = headers.map {
      "<th align=\"left\" style=\"padding:4px 12px 4px 0;border-bottom:1px solid #d8dee4;font-weight:600;\">\(escape($0))</th>"
    }
    let body = rows.map { row in
      "<tr>" + row.map { "<td style=\"padding:3px 12px 3px 0;\">\(escape($0))</td>" }.joined() + "</tr>"
    }
    return """
      <div style="font-size:14px;font-weight:600;margin-top:14px;">\(escape(title))</div>
      <table role="presentation" cellpadding="0" cellspacing="0" style="font-size:13px;margin-top:4px;">
      <tr>\(head.joined())</tr>\(body.joined())</table>

      """
  }

  public static func escape(_ text: String) -> String {
    var out = ""
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(character)
      }
    }
    return out
  }
}
