import Analysis
import Budgets
import Evaluation
import ImageSource
import Model

/// `sizebudget diff`: what changed between two measurements of an image, the screen
/// the seed investigations built by hand from docker history and du.
public enum DiffText {
  public struct Side {
    public var label: String
    public var commit: String
    public var subject: String?
    /// The Dockerfile line of each of this side's layers, when the image names one.
    public var sources: LayerSources?
    /// Set when this commit has no measurement of its own and is read through its
    /// measured ancestor's (as check judges it).
    public var inherited: Inheritance?

    public init(
      label: String, commit: String, subject: String?, sources: LayerSources? = nil, inherited: Inheritance? = nil
    ) {
      self.label = label
      self.commit = commit
      self.subject = subject
      self.sources = sources
      self.inherited = inherited
    }

    /// "subject (measured at abc…, nothing in context changed since)".
    var described: String { (subject ?? "") + (inherited.map { " (\($0.message))" } ?? "") }
  }

  /// The change split into base image and own layers (`GrowthSplit.between`), in
  /// the image's budget metric, which the line names (the totals show both).
  public struct Split {
    public var split: GrowthSplit
    public var metric: String

    public init(split: GrowthSplit, metric: String) {
      self.split = split
      self.metric = metric
    }
  }

  public static func render(
    _ diff: MeasurementDiff, image: String, old: Side, new: Side, split: Split?, terminal: TerminalStyle
  ) -> String {
    var out: [String] = []
    let delta = diff.compressed.delta
    let verdict =
      delta > 0
      ? terminal.apply(.bad, "grew \(change(diff.compressed))")
      : delta < 0 ? terminal.apply(.good, "shrank \(change(diff.compressed))") : "did not change"
    out.append(terminal.apply(.bold, image) + " \(verdict) compressed from \(old.label) to \(new.label)")
    out.append(terminal.apply(.dim, "  \(old.commit.prefix(12)) \(old.described)"))
    out.append(terminal.apply(.dim, "  \(new.commit.prefix(12)) \(new.described)"))
    out.append("")
    out.append(totals(diff, old: old, new: new).render(terminal))
    // The legend right under the table it explains, then the split.
    if diff.compressed.isEstimate { out.append(terminal.apply(.dim, ByteSizeText.estimateNote)) }
    if let split { out += GrowthSplitText.text(split.split, metric: split.metric, indent: "", terminal: terminal) }
    out.append("")
    out.append(layers(diff, old: old.sources, new: new.sources, terminal: terminal).render(terminal))
    if !diff.paths.isEmpty {
      out.append("")
      out.append(paths(diff, terminal: terminal).render(terminal))
    }
    if !diff.packages.isEmpty {
      out.append("")
      out.append(packages(diff).render(terminal))
    }
    if !diff.forbiddenAppeared.isEmpty {
      out.append("")
      out.append(terminal.apply(.bad, "forbidden files that appeared:"))
      for change in diff.forbiddenAppeared {
        out.append(
          "  \(change.pattern): \(grouped(change.filesBefore)) → \(grouped(change.filesAfter)) files (\(ByteSize.format(change.bytesAfter)))"
        )
        for example in change.examples.prefix(3) {
          out.append(
            terminal.apply(.dim, "    \(example.path)  \(ByteSize.format(example.bytes)) (layer \(example.layer))"))
        }
      }
    }
    return out.joined(separator: "\n")
  }

  /// The same report as GitHub Markdown: the natural body of a pull request.
  public static func markdown(_ diff: MeasurementDiff, image: String, old: Side, new: Side, split: Split?) -> String {
    let delta = diff.compressed.delta
    let verdict =
      delta > 0
      ? "grew \(change(diff.compressed))" : delta < 0 ? "shrank \(change(diff.compressed))" : "did not change"
    var out = [
      "### `\(image)` \(verdict) compressed from `\(old.label)` to `\(new.label)`", "",
      "`\(old.commit.prefix(12))` \(CheckMarkdown.escape(old.described)) → "
        + "`\(new.commit.prefix(12))` \(CheckMarkdown.escape(new.described))", "",
      totals(diff, old: old, new: new).markdown(),
    ]
    if diff.compressed.isEstimate { out += ["", ByteSizeText.estimateNote] }
    if let split { out += [""] + GrowthSplitText.markdown(split.split, metric: split.metric) }
    out += ["", layers(diff, old: old.sources, new: new.sources, terminal: .plain).markdown()]
    if !diff.paths.isEmpty { out += ["", paths(diff, terminal: .plain).markdown()] }
    if !diff.packages.isEmpty { out += ["", packages(diff).markdown()] }
    if !diff.forbiddenAppeared.isEmpty {
      out += ["", "**Forbidden files that appeared:**", ""]
      for change in diff.forbiddenAppeared {
        out.append(
          "- `\(change.pattern)`: \(grouped(change.filesBefore)) → \(grouped(change.filesAfter)) files "
            + "(\(ByteSize.format(change.bytesAfter)))")
      }
    }
    return out.joined(separator: "\n")
  }

  static func totals(_ diff: MeasurementDiff, old: Side, new: Side) -> TextTable {
    var table = TextTable([.init(""), .init(old.label, .right), .init(new.label, .right), .init("change", .right)])
    func row(_ name: String, _ totals: MeasurementDiff.Totals, bytes: Bool = true) {
      if bytes {
        table.add([
          name, ByteSizeText.format(totals.before, estimated: totals.beforeEstimated == true),
          ByteSizeText.format(totals.after, estimated: totals.afterEstimated == true),
          ByteSizeText.formatDelta(totals.delta, estimated: totals.isEstimate) + percent(totals),
        ])
      } else {
        let sign = totals.delta > 0 ? "+" : ""
        table.add([
          name, grouped(Int(totals.before)), grouped(Int(totals.after)),
          sign + grouped(Int(totals.delta)) + percent(totals),
        ])
      }
    }
    row("compressed", diff.compressed)
    row("uncompressed", diff.uncompressed)
    row("wasted", diff.wasted)
    row("files", diff.files, bytes: false)
    return table
  }

  /// The heading's "+36.7 kB" or "≈36.7 kB" (after "grew" or "shrank"): marked when
  /// either side is an estimate; the legend follows the totals table.
  static func change(_ compressed: MeasurementDiff.Totals) -> String {
    compressed.delta > 0
      ? ByteSizeText.formatDelta(compressed.delta, estimated: compressed.isEstimate)
      : ByteSizeText.format(-compressed.delta, estimated: compressed.isEstimate)
  }

  static func percent(_ totals: MeasurementDiff.Totals) -> String {
    guard totals.before > 0, totals.delta != 0 else { return "" }
    let value = Double(totals.delta) / Double(totals.before) * 100
    return " (\(value > 0 ? "+" : "")\(value.magnitude < 10 ? String(format1(value)) : String(Int(value.rounded())))%)"
  }

  static func format1(_ value: Double) -> String {
    let scaled = Int((value * 10).rounded())
    return "\(scaled / 10).\(abs(scaled % 10))"
  }

  /// With a Dockerfile on either side, a `line` column: the new side's line for kept
  /// and added layers, the old side's for removed ones.
  static func layers(_ diff: MeasurementDiff, old: LayerSources?, new: LayerSources?, terminal: TerminalStyle)
    -> TextTable
  {
    let withLines = old != nil || new != nil
    var table = TextTable(
      [.init("layers"), .init("compressed", .right), .init("uncompressed", .right)]
        + (withLines ? [.init("line")] : []) + [.init("created by")])
    for layer in diff.layers {
      let (mark, style): (String, Style) =
        switch layer.kind {
        case .added: ("+ added", .bad)
        case .removed: ("- removed", .good)
        case .unchanged: ("  same", .dim)
        }
      let sources = layer.kind == .removed ? old : new
      let line = sources.map { $0.location(ofLayer: layer.index) ?? "unmatched" } ?? "-"
      table.add(
        [
          TextTable.Cell(mark + " \(layer.index)", style),
          TextTable.Cell(ByteSizeText.format(layer.compressedBytes, estimated: layer.compressedEstimated == true)),
          TextTable.Cell(ByteSize.format(layer.uncompressedBytes)),
        ] + (withLines ? [TextTable.Cell(line, layer.kind == .unchanged ? .dim : .plain)] : []) + [
          TextTable.Cell(
            shorten(layer.createdBy.map(ImageConfig.tidy) ?? "-", to: 72), layer.kind == .unchanged ? .dim : .plain)
        ])
    }
    return table
  }

  static func packages(_ diff: MeasurementDiff, limit: Int = 20) -> TextTable {
    var table = TextTable([
      .init("packages that changed (uncompressed)"), .init("version"), .init("before", .right), .init("after", .right),
      .init("change", .right),
    ])
    for change in diff.packages.prefix(limit) {
      let version =
        switch change.kind {
        case .added: "+ \(change.versionAfter ?? "")"
        case .removed: "- \(change.versionBefore ?? "")"
        case .changed:
          change.versionBefore == change.versionAfter
            ? (change.versionAfter ?? "") : "\(change.versionBefore ?? "") → \(change.versionAfter ?? "")"
        }
      table.add([
        "\(change.ecosystem) \(change.name)", version, ByteSize.format(change.before), ByteSize.format(change.after),
        ByteSize.formatDelta(change.delta),
      ])
    }
    return table
  }

  static func paths(_ diff: MeasurementDiff, terminal: TerminalStyle) -> TextTable {
    var table = TextTable([
      .init("paths that changed most (uncompressed)"), .init("before", .right), .init("after", .right),
      .init("change", .right),
      .init(""),
    ])
    let largest = diff.paths.map { abs($0.delta) }.max() ?? 1
    for path in diff.paths {
      let width = Int((Double(abs(path.delta)) / Double(largest) * 20).rounded(.up))
      table.add([
        TextTable.Cell(path.path), TextTable.Cell(ByteSize.format(path.before)),
        TextTable.Cell(ByteSize.format(path.after)),
        TextTable.Cell(ByteSize.formatDelta(path.delta), path.delta > 0 ? .bad : .good),
        TextTable.Cell(String(repeating: path.delta > 0 ? "█" : "░", count: max(1, width)), .dim),
      ])
    }
    return table
  }
}
