import Analysis
import Budgets
import Evaluation
import Formats
import Model

/// images/NAME.html: the trend, the treemaps of the newest measurement, its layers and
/// what `explain` finds in it, each chart with its numbers in a table.
public enum ImagePage {
  public static func render(_ image: SiteImage) -> String {
    let prefix = "../"
    let forecast = TrendChart.forecast(image)
    var body = "<p><a href=\"../index.html\">All images</a></p>\n<h1>\(HTML.escape(image.name))</h1>\n"
    body += cards(image)
    if image.points.isEmpty {
      body +=
        "<p id=\"no-measurement\">No measured commit of \(HTML.escape(image.name)) on this branch in the period: "
        + "measure it with <code>sizebudget measure --image \(HTML.escape(image.name))</code>, or widen <code>--since</code>.</p>\n"
    }
    body += "<h2>Trend</h2>\n"
    body += TrendChart.legend(image, forecast: forecast)
    body += """
      <div class="controls" id="trend-controls" hidden>
      <span class="muted">Show:</span><button type="button" data-last="100">last 100</button>
      <button type="button" data-last="1000">last 1,000</button><button type="button" data-last="0" aria-pressed="true">all</button>
      <span class="muted" id="trend-range">drag across the chart to zoom</span></div>

      """
    body += "<div class=\"scroll\">\(TrendChart.render(image, prefix: prefix))</div>\n"
    body += TrendChart.data(image)
    if let forecast {
      let when = forecast.date.map { ", around \(HTML.day($0))" } ?? ""
      body +=
        "<p id=\"forecast\">Forecast: at the pace of the last \(forecast.window) measured commits "
        + "(\(ByteSize.formatDelta(Int64(forecast.perCommit))) per commit), \(image.metric) reaches max "
        + "in about \(forecast.commits) measured commits\(when). This is an estimate.</p>\n"
    }
    body += trendTable(image)
    if let latest = image.latest {
      body += treemaps(latest)
      body += "<h2>Layers</h2>\n" + LayerBar.render(latest) + LayerBar.table(latest)
      body += findings(image.findings, latest)
    }
    return Page.render(title: "\(image.name): sizebudget", prefix: prefix, body: body)
  }

  static func cards(_ image: SiteImage) -> String {
    func card(_ label: String, _ value: String) -> String {
      "<div><span class=\"muted\">\(label)</span><b>\(value)</b></div>"
    }
    var items = [
      card("Status", Page.statusBadge(image.status?.rawValue ?? "unknown")),
      card("Size (\(image.metric))", image.currentText ?? "–"),
      card("Budget", image.max.map(ByteSize.format) ?? "none"),
      card("Headroom", image.headroomText ?? "–"),
      card("Measured commits", HTML.exact(Int64(image.points.count))),
    ]
    if let owner = image.owner { items.append(card("Owner", HTML.escape(owner))) }
    return "<div class=\"cards\">\(items.joined())</div>\n"
  }

  /// The chart's numbers: the drawn points (every point up to the decimation limit).
  static func trendTable(_ image: SiteImage) -> String {
    let points = image.points
    let drawn = Decimation.indices(
      primary: points.map { $0.bytes(image.metric) },
      secondary: points.map { $0.bytes(image.metric == "uncompressed" ? "compressed" : "uncompressed") })
    var rows = ""
    for index in drawn.reversed() {
      let point = points[index]
      let change =
        index > 0 ? point.change(from: points[index - 1], image.metric) : ""
      rows +=
        "<tr><td><a href=\"../commits/\(point.commit).html\"><code>\(point.commit.prefix(12))</code></a></td>"
        + "<td>\(HTML.day(point.time))</td><td class=\"num\">\(point.compressedEstimated ? "≈" : "")\(HTML.exact(point.compressed))</td>"
        + "<td class=\"num\">\(HTML.exact(point.uncompressed))</td><td class=\"num\">\(change)</td>"
        + "<td class=\"hide-narrow\">\(HTML.escape(point.subject))</td></tr>\n"
    }
    let note =
      drawn.count < points.count
      ? "The \(drawn.count) commits drawn of \(points.count) (each stretch's smallest and largest kept); every commit has its page."
      : "Every measured commit, newest first."
    return """
      <details><summary>Trend as a table (\(drawn.count) rows)</summary>
      <p class="muted">\(note)</p>
      <div class="scroll"><table id="trend-table"><thead><tr><th>Commit</th><th>Date</th><th class="num">Compressed bytes</th>
      <th class="num">Uncompressed bytes</th><th class="num">Change</th><th class="hide-narrow">Subject</th></tr></thead>
      <tbody>\(rows)</tbody></table></div></details>

      """
  }

  static func treemaps(_ measurement: ImageMeasurement) -> String {
    var out = "<h2>What fills it</h2>\n"
    out += """
      <div class="controls" role="tablist" id="treemap-tabs" hidden>
      <button type="button" data-view="tm-path" aria-pressed="true">by path</button>
      <button type="button" data-view="tm-package" aria-pressed="false">by package</button>
      <button type="button" data-view="tm-layer" aria-pressed="false">by layer</button></div>
      <p class="muted">Newest measurement, <code>\(measurement.commit.prefix(12))</code>: files as unpacked (uncompressed).
      Click a tile (or Tab to it and press Enter) to zoom in; Escape or the path above goes back; arrow keys move between tiles.</p>
      \(legend())

      """
    var views: [(String, String, TreeNode)] = []
    if let paths = TreeNode.byPath(measurement) { views.append(("tm-path", "by path", paths)) }
    let total = views.first?.2.bytes ?? measurement.uncompressedBytes
    if !measurement.packages.isEmpty {
      views.append(("tm-package", "by package", TreeNode.byPackage(measurement, total: total)))
    }
    views.append(("tm-layer", "by layer", TreeNode.byLayer(measurement)))
    for (id, title, root) in views {
      out += "<section class=\"tm-section\" id=\"\(id)-section\" aria-label=\"Treemap \(title)\">\n"
      out += "<h3>\(title.prefix(1).uppercased() + title.dropFirst()): \(HTML.exact(root.bytes)) bytes</h3>\n"
      out += Treemap.render(root, id: id, caption: "Treemap \(title); the table below lists the largest")
      out += treeTable(root, id: id)
      out += "</section>\n"
    }
    return out
  }

  static func legend() -> String {
    let names = [
      ("packages", "language packages"), ("system", "system files"), ("app", "application"),
      ("caches", "caches"), ("bytecode", "bytecode"), ("build-tools", "build tools"), ("gpu", "GPU libraries"),
      ("tests", "tests and dev tools"), ("other", "other"),
    ]
    return "<div class=\"legend\">"
      + names.map { "<span><span class=\"swatch cat-\($0.0)\"></span>\($0.1)</span>" }.joined() + "</div>"
  }

  /// The tree's first two levels as a table: the treemap's text alternative.
  static func treeTable(_ root: TreeNode, id: String) -> String {
    var rows = ""
    for child in root.children {
      rows += "<tr><td>\(HTML.escape(child.detail))</td><td class=\"num\">\(HTML.exact(child.bytes))</td></tr>\n"
      for grandchild in child.children.prefix(12) {
        rows +=
          "<tr><td>&nbsp;&nbsp;\(HTML.escape(grandchild.detail))</td><td class=\"num\">\(HTML.exact(grandchild.bytes))</td></tr>\n"
      }
    }
    return
      "<details><summary>As a table</summary><div class=\"scroll\"><table id=\"\(id)-table\"><thead><tr><th>Item</th>"
      + "<th class=\"num\">Bytes</th></tr></thead><tbody>\(rows)</tbody></table></div></details>\n"
  }

  /// What explain finds in `m`, with explain's headline (`ExplainReport.headline`: the
  /// bytes two findings name counted once, no more than the image holds).
  static func findings(_ findings: [Finding], _ m: ImageMeasurement) -> String {
    guard !findings.isEmpty else { return "<h2>Findings</h2><p>sizebudget explain finds nothing to remove.</p>" }
    var rows = ""
    for finding in findings {
      let items = finding.items.prefix(3).map { "\(HTML.escape($0.name)) (\(ByteSize.format($0.bytes)))" }
        .joined(separator: ", ")
      rows +=
        "<tr><td><span class=\"badge severity-\(finding.severity.rawValue)\">\(finding.severity.rawValue)</span>"
        + " \(HTML.escape(finding.title))<br><span class=\"muted\">\(items)</span></td>"
        + "<td class=\"num\" title=\"\(HTML.exact(finding.saving)) bytes\">\(ByteSize.format(finding.saving))</td>"
        + "<td>\(HTML.escape(finding.fix))</td></tr>\n"
    }
    let headline = ExplainReport.headline(findings, m).map {
      "What <code>sizebudget explain</code> finds: <span id=\"removable\">\(HTML.escape($0.saving + $0.places))</span>."
    }
    return """
      <h2>Findings</h2>
      <p>\(headline ?? "<code>sizebudget explain</code> finds nothing to remove; worth knowing:")</p>
      <div class="scroll"><table id="findings"><thead><tr><th>Finding</th><th class="num">Saves</th><th>Fix</th></tr></thead>
      <tbody>\(rows)</tbody></table></div>

      """
  }
}
