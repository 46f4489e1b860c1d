import Analysis
import Budgets
import Foundation
import ImageSource
import Model

/// What `measure` prints: the headline sizes, the layers with the command that made
/// each, the largest directories, what is wasted, and what the budget forbids.
public enum MeasurementReport {
  public static func text(_ m: ImageMeasurement, storedIn store: String, replaced: String?, terminal: TerminalStyle)
    -> String
  {
    var out: [String] = []
    out.append(
      terminal.apply(.bold, "\(m.image)") + " at \(m.commit.prefix(12)), \(m.platform), from \(m.source)")
    let estimate = m.compressedEstimated ? "  (estimated: the source stores layers uncompressed)" : ""
    out.append("  compressed    \(ByteSize.format(m.compressedBytes))\(estimate)")
    guard m.layersRead else {
      out.append("  uncompressed  (not read: only the registry's manifest was; --paths reads the layers)")
      out.append("")
      out.append(layerTable(m).render(terminal))
      out.append("")
      out.append(
        replaced.map { "Recorded in \(store), replacing the measurement taken \($0)." } ?? "Recorded in \(store).")
      return out.joined(separator: "\n")
    }
    out.append("  uncompressed  \(ByteSize.format(m.uncompressedBytes))")
    out.append("  wasted        \(ByteSize.format(m.wastedBytes))  (deleted or overwritten by a later layer)")
    out.append("  files         \(grouped(m.fileCount)) in \(counted(m.layers.count, "layer"))")
    out.append("")
    out.append(layerTable(m).render(terminal))
    let largest = largestDirectories(m)
    if !largest.rows.isEmpty {
      out.append("")
      out.append(largest.render(terminal))
    }
    if !m.wasted.isEmpty {
      out.append("")
      out.append(wastedTable(m).render(terminal))
    }
    let forbidden = m.forbidden.filter { $0.files > 0 }
    if !m.forbidden.isEmpty {
      out.append("")
      if forbidden.isEmpty {
        out.append(terminal.apply(.good, "forbidden: none of the \(m.forbidden.count) forbid patterns matches"))
      } else {
        out.append(terminal.apply(.bad, "forbidden: \(forbidden.count) of \(m.forbidden.count) forbid patterns match"))
        for match in forbidden {
          out.append(
            "  \(match.pattern)  \(ByteSize.format(match.bytes)) in \(counted(match.files, "file"))"
          )
          for example in match.examples.prefix(3) {
            out.append(
              terminal.apply(.dim, "    \(example.path)  \(ByteSize.format(example.bytes)) (layer \(example.layer))"))
          }
        }
      }
    }
    let missing = m.required.filter { !$0.present }
    if !missing.isEmpty {
      out.append("")
      out.append(terminal.apply(.bad, "required but missing: " + missing.map(\.path).joined(separator: ", ")))
    }
    out.append("")
    out.append(
      replaced.map { "Recorded in \(store), replacing the measurement taken \($0)." } ?? "Recorded in \(store).")
    return out.joined(separator: "\n")
  }

  /// The measurement as GitHub Markdown (a pull request, a job summary): totals,
  /// layers, the largest directories and the forbidden files found.
  public static func markdown(_ m: ImageMeasurement) -> String {
    let estimate = m.compressedEstimated ? " (estimated: the source stores layers uncompressed)" : ""
    var out = [
      "### `\(m.image)` at `\(m.commit.prefix(12))`, \(m.platform)", "",
      "| compressed | uncompressed | wasted | files | layers |", "| ---: | ---: | ---: | ---: | ---: |",
      "| \(ByteSize.format(m.compressedBytes))\(estimate) | "
        + (m.layersRead
          ? "\(ByteSize.format(m.uncompressedBytes)) | \(ByteSize.format(m.wastedBytes)) | \(grouped(m.fileCount))"
          : "not read | – | –") + " | \(grouped(m.layers.count)) |",
      "", layerTable(m).markdown(),
    ]
    let largest = largestDirectories(m)
    if m.layersRead && !largest.rows.isEmpty { out += ["", largest.markdown()] }
    let forbidden = m.forbidden.filter { $0.files > 0 }
    if !forbidden.isEmpty { out.append("") }
    for match in forbidden {
      out.append(
        "- ❌ forbidden `\(match.pattern)`: \(ByteSize.format(match.bytes)) in \(grouped(match.files)) "
          + "\(inflected(match.files, "file"))")
    }
    return out.joined(separator: "\n")
  }

  static func layerTable(_ m: ImageMeasurement) -> TextTable {
    var table = TextTable([
      .init("layer", .right), .init("compressed", .right), .init("uncompressed", .right), .init("files", .right),
      .init("created by"),
    ])
    for layer in m.layers {
      table.add([
        String(layer.index), ByteSize.format(layer.compressedBytes, estimated: layer.compressedEstimated),
        m.layersRead ? ByteSize.format(layer.uncompressedBytes) : "–", m.layersRead ? grouped(layer.fileCount) : "–",
        shorten(layer.createdBy.map(ImageConfig.tidy) ?? "-", to: 70),
      ])
    }
    return table
  }

  /// The biggest directories three levels down: where the bytes are.
  static func largestDirectories(_ m: ImageMeasurement, limit: Int = 10) -> TextTable {
    let depth = min(3, m.pathDepth)
    var table = TextTable([.init("largest paths (depth \(depth))"), .init("size", .right), .init("files", .right)])
    let rows = m.paths.filter { $0.path.split(separator: "/").count == depth }.sorted { $0.bytes > $1.bytes }
    for row in rows.prefix(limit) {
      table.add([row.path, ByteSize.format(row.bytes), grouped(row.files)])
    }
    return table
  }

  static func wastedTable(_ m: ImageMeasurement, limit: Int = 8) -> TextTable {
    var table = TextTable([
      .init("wasted (largest)"), .init("size", .right), .init("added in", .right), .init("hidden by", .right),
    ])
    for file in m.wasted.prefix(limit) {
      table.add([
        shorten(file.path, to: 70), ByteSize.format(file.bytes), "layer \(file.addedIn)",
        "\(file.reason == .deleted ? "deleted" : "overwritten") in \(file.hiddenIn)",
      ])
    }
    return table
  }

  /// The measurement as versioned JSON (docs/json-schema.md).
  public static func json(_ m: ImageMeasurement, storedIn store: String, replaced: String?) -> String {
    struct Document: Encodable {
      let schema = "sizebudget.measurement/v1"
      let measurement: ImageMeasurement
      let store: String
      let replaced: Bool
      let replacedMeasuredAt: String?
    }
    return encodeJSON(Document(measurement: m, store: store, replaced: replaced != nil, replacedMeasuredAt: replaced))
  }
}

/// Stable JSON: sorted keys, snake_case names, as the documented schemas show.
public func encodeJSON<T: Encodable>(_ value: T) -> String {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
  encoder.keyEncodingStrategy = .convertToSnakeCase
  return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
}

/// Cuts long text with an ellipsis in the middle, keeping both ends readable.
public func shorten(_ text: String, to width: Int) -> String {
  let single = text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ")
  guard single.count > width else { return single }
  let head = (width - 1) * 2 / 3
  return String(single.prefix(head)) + "…" + String(single.suffix(width - 1 - head))
}
