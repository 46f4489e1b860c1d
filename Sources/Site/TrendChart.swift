import Budgets
import Foundation
import Model
import SystemCalls

/// The per-image trend: both sizes over the measured commits of the branch, `max` and
/// `warn` lines, the forecast, and one linked point per drawn commit. Drawn here so it
/// reads with scripts off; site.js adds tooltips and zoom over the embedded data.
enum TrendChart {
  static let width = 960.0
  static let height = 340.0
  static let left = 78.0
  static let right = 16.0
  static let top = 14.0
  static let bottom = 34.0

  struct Forecast {
    /// Measured commits from the last one until `max` is reached, and the date if times tell.
    var commits: Int
    var date: Int64?
    var perCommit: Double
    var window: Int
  }

  /// A straight line through the last 30 measured commits; none when the size falls or
  /// there is no `max`, or it is already reached.
  static func forecast(_ image: SiteImage) -> Forecast? {
    guard let max = image.max, image.points.count >= 3, let current = image.current, current < max else { return nil }
    let window = Array(image.points.suffix(30))
    let count = Double(window.count)
    let xs = (0..<window.count).map(Double.init)
    let ys = window.map { Double($0.bytes(image.metric)) }
    let meanX = xs.reduce(0, +) / count
    let meanY = ys.reduce(0, +) / count
    let covariance = zip(xs, ys).map { ($0 - meanX) * ($1 - meanY) }.reduce(0, +)
    let variance = xs.map { ($0 - meanX) * ($0 - meanX) }.reduce(0, +)
    let slope = covariance / variance
    // A near-zero slope reaches the budget in no number of commits worth showing (and
    // none that fits an Int).
    let headroom = Double(max.saturatingSubtracting(current))
    guard slope > 0, headroom / slope < 1e9 else { return nil }
    let commits = Int((headroom / slope).rounded(.up))
    return Forecast(
      commits: commits, date: date(after: window, commits: commits), perCommit: slope, window: window.count)
  }

  /// When `commits` more commits land at the window's pace: nil when its times tell
  /// nothing (equal or out of order) or the date would be after 9999, as `Trend`
  /// has it (commit times are the committer's to write, so any Int64 can arrive).
  static func date(after window: [SitePoint], commits: Int) -> Int64? {
    guard let first = window.first?.time, let last = window.last?.time, window.count >= 2 else { return nil }
    let (span, overflow) = last.subtractingReportingOverflow(first)
    guard !overflow, span > 0 else { return nil }
    let ahead = Double(span) / Double(window.count - 1) * Double(commits)
    let latest = 253_402_300_799.0  // 9999-12-31T23:59:59Z
    guard ahead < 1e18, Double(last) + ahead <= latest else { return nil }
    return last + Int64(ahead)
  }

  /// An axis label's bytes: the axis runs 3 % past the largest value, which for a
  /// budget near Int64.max (budgets.toml is a contributor's to write) is past what an
  /// Int64 holds.
  static func wholeBytes(_ bytes: Double) -> Int64 {
    bytes.isFinite ? Int64(clamping: bytes.rounded(.down)) : 0
  }

  static func render(_ image: SiteImage, prefix: String) -> String {
    let points = image.points
    let primary = points.map { $0.bytes(image.metric) }
    let secondaryMetric = image.metric == "uncompressed" ? "compressed" : "uncompressed"
    let secondary = points.map { $0.bytes(secondaryMetric) }
    let drawn = Decimation.indices(primary: primary, secondary: secondary)
    let forecast = forecast(image)
    // The forecast may extend the axis by a quarter of the history at most.
    let extra = forecast.map { min($0.commits, Swift.max(1, points.count / 4)) } ?? 0
    let lastX = Double(Swift.max(points.count - 1 + extra, 1))
    var values = primary + secondary
    values += [image.max, image.warn].compactMap { $0 }
    let low = Double(values.min() ?? 0) * 0.97
    let high = Double(values.max() ?? 1) * 1.03 + 1
    let plotWidth = width - left - right
    let plotHeight = height - top - bottom
    func x(_ index: Double) -> Double { left + index / lastX * plotWidth }
    func y(_ bytes: Double) -> Double { top + (1 - (bytes - low) / (high - low)) * plotHeight }

    var svg: [String] = []
    svg.append(
      "<svg class=\"chart\" id=\"trend\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" "
        + "aria-labelledby=\"trend-title\" data-total=\"\(points.count)\" data-drawn=\"\(drawn.count)\" "
        + "data-left=\"\(left)\" data-right=\"\(width - right)\" data-top=\"\(top)\" data-bottom=\"\(height - bottom)\" "
        + "data-extra=\"\(extra)\">")
    svg.append(
      "<title id=\"trend-title\">\(HTML.escape(image.name)): \(image.metric) size over \(points.count) measured commits</title>"
    )
    svg.append("<g class=\"axis\" id=\"trend-yaxis\">")
    for step in 0...4 {
      let bytes = low + (high - low) * Double(step) / 4
      let position = HTML.number(y(bytes))
      svg.append(
        "<line class=\"grid\" x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(position)\" y2=\"\(position)\"/>"
          + "<text x=\"\(left - 6)\" y=\"\(position)\" text-anchor=\"end\" dominant-baseline=\"middle\">"
          + "\(ByteSize.format(wholeBytes(bytes)))</text>")
    }
    svg.append("</g><g class=\"axis\" id=\"trend-xaxis\">")
    // Short histories would repeat a tick: one label per distinct commit.
    var ticked: Set<Int> = []
    for step in 0...4 where !points.isEmpty {
      let index = Int((Double(points.count - 1) * Double(step) / 4).rounded())
      guard ticked.insert(index).inserted else { continue }
      // The ends anchor inwards so their dates are never clipped.
      let anchor = index == 0 ? "start" : index == points.count - 1 ? "end" : "middle"
      svg.append(
        "<text x=\"\(HTML.number(x(Double(index))))\" y=\"\(height - 10)\" text-anchor=\"\(anchor)\">"
          + "\(HTML.day(points[index].time))</text>")
    }
    svg.append("</g>")
    for (limit, kind) in [(image.max, "max"), (image.warn, "warn")] {
      guard let limit else { continue }
      let position = HTML.number(y(Double(limit)))
      svg.append(
        "<line class=\"\(kind)\" id=\"trend-\(kind)\" x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(position)\" y2=\"\(position)\"/>"
      )
      svg.append(
        "<text x=\"\(left + 4)\" y=\"\(HTML.number(y(Double(limit)) - 4))\">\(kind) \(ByteSize.format(limit))</text>")
    }
    func line(_ series: [Int64], _ kind: String) -> String {
      let coordinates = drawn.map { "\(HTML.number(x(Double($0)))),\(HTML.number(y(Double(series[$0]))))" }
      return "<polyline class=\"line-\(kind)\" id=\"trend-\(kind)\" points=\"\(coordinates.joined(separator: " "))\"/>"
    }
    svg.append(line(secondary, "secondary"))
    svg.append(line(primary, "primary"))
    if let forecast, let last = primary.last {
      let end = Double(points.count - 1 + extra)
      let bytes = Double(last) + forecast.perCommit * Double(extra)
      svg.append(
        "<line class=\"forecast\" id=\"trend-forecast\" x1=\"\(HTML.number(x(Double(points.count - 1))))\" "
          + "y1=\"\(HTML.number(y(Double(last))))\" x2=\"\(HTML.number(x(end)))\" y2=\"\(HTML.number(y(bytes)))\"/>")
    }
    // Dense charts get smaller dots, so neighbours stay apart.
    let radius = drawn.count > 150 ? "2.5" : "4"
    svg.append("<g id=\"trend-points\" data-r=\"\(radius)\">")
    for index in drawn {
      let point = points[index]
      svg.append(
        "<a href=\"\(HTML.commitHref(point.commit, prefix: prefix))\" aria-label=\"\(point.commit.prefix(12))\">"
          + "<circle class=\"point\" data-i=\"\(index)\" data-commit=\"\(point.commit)\" "
          + "cx=\"\(HTML.number(x(Double(index))))\" cy=\"\(HTML.number(y(Double(primary[index]))))\" r=\"\(radius)\">"
          + "<title>\(HTML.escape(tooltip(points, index, metric: image.metric)))</title></circle></a>")
    }
    svg.append(
      "</g><rect class=\"selection\" id=\"trend-selection\" x=\"0\" y=\"\(top)\" width=\"0\" height=\"\(plotHeight)\"/>"
    )
    svg.append("</svg>")
    return svg.joined(separator: "\n")
  }

  static func tooltip(_ points: [SitePoint], _ index: Int, metric: String) -> String {
    let point = points[index]
    var text = "\(point.commit.prefix(12)) \(point.subject)\n\(point.author), \(HTML.date(point.time))\n"
    text += "\(ByteSize.format(point.bytes(metric))) \(metric) (\(HTML.exact(point.bytes(metric))) bytes)"
    if index > 0 {
      text += "\nchange \(ByteSize.formatDelta(point.bytes(metric) - points[index - 1].bytes(metric)))"
    }
    return text
  }

  static func legend(_ image: SiteImage, forecast: Forecast?) -> String {
    let other = image.metric == "uncompressed" ? "compressed" : "uncompressed"
    var items = [
      "<span><i class=\"key-primary\"></i>\(image.metric) (budgeted)</span>",
      "<span><i class=\"key-secondary\"></i>\(other)</span>",
    ]
    if image.max != nil { items.append("<span><i class=\"key-max\"></i>max</span>") }
    if image.warn != nil {
      items.append("<span><i class=\"key-warn\"></i>warn</span>")
    }
    if forecast != nil {
      items.append("<span><i class=\"key-forecast\"></i>forecast</span>")
    }
    return "<div class=\"legend\">\(items.joined())</div>"
  }

  /// Every point's data for site.js (zoom redraws from it; tooltips read it).
  static func data(_ image: SiteImage) -> String {
    struct Document: Encodable {
      var metric: String
      var max: Int64?
      var warn: Int64?
      var extra: Int
      var commits: [String]
      var times: [Int64]
      var compressed: [Int64]
      var uncompressed: [Int64]
      var subjects: [String]
      var authors: [String]
    }
    let document = Document(
      metric: image.metric, max: image.max, warn: image.warn, extra: 0, commits: image.points.map(\.commit),
      times: image.points.map(\.time), compressed: image.points.map(\.compressed),
      uncompressed: image.points.map(\.uncompressed), subjects: image.points.map(\.subject),
      authors: image.points.map(\.author))
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    let json = (try? encoder.encode(document)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    // Inside a script element "</" would end it.
    return
      "<script type=\"application/json\" id=\"trend-data\">\(json.replacingOccurrences(of: "</", with: "<\\/"))</script>"
  }
}
