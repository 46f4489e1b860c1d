import Budgets
import Evaluation

/// index.html: every image, the ones over or near their budget first.
public enum IndexPage {
  public static func render(_ images: [SiteImage], repository: String, branch: String, generated: Int64) -> String {
    let ordered = images.sorted { order($0) < order($1) }
    var rows = ""
    for image in ordered {
      let status = image.status?.rawValue ?? "unknown"
      let last = image.points.last
      let change: String
      if let last, image.points.count > 1 {
        let delta = last.bytes(image.metric) - image.points[image.points.count - 2].bytes(image.metric)
        change =
          "\(ByteSize.formatDelta(delta)) at <a href=\"\(HTML.commitHref(last.commit, prefix: ""))\">"
          + "<code>\(last.commit.prefix(12))</code></a> <span class=\"muted\">\(HTML.day(last.time))</span>"
      } else {
        change = last.map { "first measurement <code>\($0.commit.prefix(12))</code>" } ?? ""
      }
      rows += """
        <tr><td><a href="\(HTML.imageFile(image.name))">\(HTML.escape(image.name))</a></td>
        <td>\(Page.statusBadge(status))</td>
        <td class="num" title="\(image.current.map(HTML.exact) ?? "") bytes">\(image.currentText ?? "–")</td>
        <td class="num hide-narrow">\(image.max.map(ByteSize.format) ?? "–")</td>
        <td class="num">\(image.headroom.map(ByteSize.format) ?? "–")</td>
        <td class="hide-narrow">\(HTML.escape(image.owner ?? ""))</td>
        <td class="hide-narrow">\(sparkline(image))</td>
        <td>\(change)</td></tr>

        """
    }
    let body = """
      <h1>Image sizes: \(HTML.escape(repository))</h1>
      <p class="muted">Branch \(HTML.escape(branch)), measured commits along its first-parent history. Built \(HTML.date(generated)) UTC.</p>
      <div class="scroll"><table id="images">
      <thead><tr><th>Image</th><th>Status</th><th class="num">Size</th><th class="num hide-narrow">Budget</th><th class="num">Headroom</th>
      <th class="hide-narrow">Owner</th><th class="hide-narrow">Trend</th><th>Last change</th></tr></thead>
      <tbody>
      \(rows)</tbody></table></div>
      <p class="muted">Sizes are each image's budgeted metric (compressed unless budgets.toml says uncompressed).</p>
      """
    return Page.render(title: "sizebudget: \(repository)", prefix: "", body: body)
  }

  /// Broken first, then warnings, then by the share of the budget used.
  static func order(_ image: SiteImage) -> (Int, Double, String) {
    let rank = [ImageStatus.fail: 0, .warn: 1][image.status ?? .pass] ?? 2
    let used = image.max.flatMap { max in image.current.map { Double($0) / Double(Swift.max(max, 1)) } } ?? 0
    return (rank, -used, image.name)
  }

  static func sparkline(_ image: SiteImage) -> String {
    let values = image.points.suffix(200).map { Double($0.bytes(image.metric)) }
    guard values.count > 1, let low = values.min(), let high = values.max() else { return "" }
    let span = Swift.max(high - low, 1)
    let points = values.enumerated().map { index, value in
      "\(HTML.number(Double(index) / Double(values.count - 1) * 100)),\(HTML.number(20 - (value - low) / span * 18 - 1))"
    }
    return
      "<svg class=\"spark\" width=\"100\" height=\"20\" viewBox=\"0 0 100 20\" role=\"img\" "
      + "aria-label=\"last \(values.count) measurements, from \(ByteSize.format(Int64(values.first!))) to \(ByteSize.format(Int64(values.last!)))\">"
      + "<polyline points=\"\(points.joined(separator: " "))\"/></svg>"
  }
}
