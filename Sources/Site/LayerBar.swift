import Analysis
import Budgets
import Model

/// The layers as one stacked bar (uncompressed), each with its Dockerfile command.
enum LayerBar {
  static let width = 960.0
  static let height = 44.0

  static func render(_ measurement: ImageMeasurement) -> String {
    let total = Double(measurement.layers.map(\.uncompressedBytes).reduce(0, +))
    guard total > 0 else { return "<p class=\"muted\">No layer sizes recorded.</p>" }
    var x = 0.0
    var parts: [String] = []
    for layer in measurement.layers {
      let w = Double(layer.uncompressedBytes) / total * width
      let title =
        "layer \(layer.index): \(HTML.exact(layer.uncompressedBytes)) bytes uncompressed, "
        + "\(HTML.exact(layer.compressedBytes)) compressed\n\(layer.createdBy ?? "")"
      parts.append(
        "<rect class=\"layer-\(layer.index % 8)\" x=\"\(HTML.number(x))\" y=\"0\" width=\"\(HTML.number(w))\" "
          + "height=\"\(Int(height))\" tabindex=\"0\" data-bytes=\"\(layer.uncompressedBytes)\">"
          + "<title>\(HTML.escape(title))</title></rect>")
      x += w
    }
    return
      "<svg class=\"layerbar\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" "
      + "aria-label=\"Layers stacked by uncompressed size; the table below lists them\">\(parts.joined())</svg>"
  }

  static func table(_ measurement: ImageMeasurement) -> String {
    var rows = ""
    for layer in measurement.layers {
      let command = HTML.escape(String((layer.createdBy ?? "").prefix(300)))
      rows +=
        "<tr><td><span class=\"swatch layer-\(layer.index % 8)\"></span>\(layer.index)</td>"
        + "<td class=\"num\" title=\"\(HTML.exact(layer.compressedBytes)) bytes\">\(ByteSize.format(layer.compressedBytes))"
        + "\(layer.compressedEstimated ? " (estimate)" : "")</td>"
        + "<td class=\"num\" title=\"\(HTML.exact(layer.uncompressedBytes)) bytes\">\(ByteSize.format(layer.uncompressedBytes))</td>"
        + "<td class=\"num hide-narrow\">\(layer.fileCount)</td><td><code class=\"command\">\(command)</code></td></tr>\n"
    }
    return
      "<div class=\"scroll\"><table><thead><tr><th>Layer</th><th class=\"num\">Compressed</th><th class=\"num\">Uncompressed</th>"
      + "<th class=\"num hide-narrow\">Files</th><th>Command</th></tr></thead><tbody>\(rows)</tbody></table></div>"
  }
}
