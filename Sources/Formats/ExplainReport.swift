import Analysis
import Budgets
import Evaluation
import ImageSource
import Model

/// `sizebudget explain`: what fills the image and what can go, like a careful
/// hand-written analysis: a verdict, the breakdown by component, the removable bytes
/// by severity, and the fixes in order of saving.
public enum ExplainReport {
  /// What the findings can save together (`Findings.removable`): the overlap known by
  /// path is counted once; the rest is an upper bound, said as such where findings
  /// that name packages, or only their largest paths, can still count bytes twice.
  static func removable(_ findings: [Finding], _ m: ImageMeasurement) -> RemovableBytes {
    Findings.removable(findings, uncompressed: m.uncompressedBytes)
  }

  static let overlap = "findings can overlap: bytes two of them name are counted in both"

  /// What the headline says of the overlap: what was counted once, and whether what is
  /// left can still be counted twice; nil when neither.
  static func overlapNote(_ removable: RemovableBytes) -> String? {
    let once = removable.overlap > 0 ? "\(ByteSize.format(removable.overlap)) named by two findings counted once" : nil
    let twice =
      !removable.mayOverlap
      ? nil
      : once == nil
        ? overlap : "other bytes can still be counted twice (findings that name packages or only their largest paths)"
    let parts = [once, twice].compactMap { $0 }
    return parts.isEmpty ? nil : parts.joined(separator: "; ")
  }

  /// The headline's saving, as explain's text says it (`Up to 40 MB uncompressed (20% of
  /// the uncompressed size) can go`) and where (`, in 2 places (…)`), from
  /// `Findings.removable`: what the site's image page says too. Nil when nothing can go.
  public static func headline(_ findings: [Finding], _ m: ImageMeasurement) -> (saving: String, places: String)? {
    let together = Self.removable(findings, m)
    let removable = together.bytes
    guard removable > 0 else { return nil }
    let onDisk = m.uncompressedBytes
    let share = onDisk > 0 ? Int((Double(removable) / Double(onDisk) * 100).rounded()) : 0
    let places = findings.filter { $0.saving > 0 }.count
    return (
      "Up to \(ByteSize.format(removable)) uncompressed (\(share)% of the uncompressed size) can go",
      ", in \(counted(places, "place"))\(overlapNote(together).map { " (\($0))" } ?? "")"
    )
  }

  /// `sources`: the Dockerfile line of each layer, named next to it; `metric`: the
  /// budget's, in which each saving is given (as check's findings give it).
  public static func text(
    _ m: ImageMeasurement, findings: [Finding], sources: LayerSources? = nil, metric: Metric = .compressed,
    terminal: TerminalStyle
  ) -> String {
    var out: [String] = []
    let together = Self.removable(findings, m)
    let onDisk = m.uncompressedBytes
    out.append(
      terminal.apply(.bold, "\(m.image) at \(m.commit.prefix(12))")
        + ": \(ByteSize.format(m.compressedBytes)) compressed, "
        + "\(ByteSize.format(onDisk)) uncompressed")
    if let headline = headline(findings, m) {
      out.append(
        terminal.apply(.warning, headline.saving) + headline.places + "; the biggest: \(findings.first?.title ?? "")."
      )
      out.append("By severity: " + bySeverity(findings, savings: together.counted))
    } else {
      out.append(
        terminal.apply(.good, "Nothing removable found")
          + ": no build tools, package managers, caches, dev dependencies, tests, docs or locales, debug symbols, "
          + "duplicate files, model weights or build leftovers.")
    }
    out.append("")
    out.append(components(m).render(terminal))
    if !findings.isEmpty {
      out.append("")
      out.append(terminal.apply(.bold, "What can go, biggest saving first"))
      for (index, finding) in findings.enumerated() {
        let style: Style = finding.severity == .high ? .bad : finding.severity == .info ? .dim : .warning
        out.append(
          "\(index + 1). " + terminal.apply(style, "[\(finding.severity.rawValue)]") + " \(finding.title): "
            + FindingsRule.saving(finding, compressed: finding.compressedSaving(in: m), metric: metric))
        if let layer = finding.layer {
          out.append(
            terminal.apply(
              .dim,
              "   from \(CheckLocations.layer(layer, sources)): "
                + shorten(finding.createdBy.map(ImageConfig.tidy) ?? "-", to: 90)))
        }
        for item in finding.items.prefix(4) {
          out.append(terminal.apply(.dim, "   \(ByteSize.format(item.bytes).padding(9)) \(shorten(item.name, to: 90))"))
        }
        out.append("   fix: \(finding.fix)")
      }
    }
    out += nondeterministic(m, sources: sources, terminal: terminal)
    return out.joined(separator: "\n")
  }

  /// The layers whose digest changed between two measurements of this commit though
  /// the same instruction made them: what makes the build's size noisy.
  static func nondeterministic(_ m: ImageMeasurement, sources: LayerSources?, terminal: TerminalStyle) -> [String] {
    guard let noise = m.noise else { return [] }
    var out = [
      "",
      terminal.apply(.bold, "Measured more than once")
        + ": sizes \(ByteSize.format(noise.compressedBytes)) apart compressed"
        + (noise.uncompressedBytes.map { ", \(ByteSize.format($0)) uncompressed" } ?? ""),
    ]
    if noise.layers.isEmpty { return out + ["No layer changed its digest: the difference is compression only."] }
    out.append("Nondeterministic layers (same instruction, a different digest each build):")
    for index in noise.layers {
      let command = m.layers.first { $0.index == index }?.createdBy.map(ImageConfig.tidy) ?? "-"
      out.append("   \(CheckLocations.layer(index, sources)): \(shorten(command, to: 90))")
    }
    out.append("   fix: pin what varies (SOURCE_DATE_EPOCH, --no-compile or sorted file lists, fixed versions)")
    return out
  }

  /// `high 236 MB (5 findings), low 5.47 kB (1 finding)`: each finding's saving as the
  /// headline counts it (`savings`, in the findings' order: less what a bigger finding
  /// already counts).
  static func bySeverity(_ findings: [Finding], savings: [Int64]) -> String {
    let removable = zip(findings, savings).filter { $0.0.saving > 0 }
    return Dictionary(grouping: removable, by: \.0.severity).sorted { $0.key > $1.key }.map { severity, group in
      "\(severity.rawValue) \(ByteSize.format(group.reduce(0) { $0.saturatingAdding($1.1) })) "
        + "(\(counted(group.count, "finding")))"
    }.joined(separator: ", ")
  }

  /// The components: each ecosystem's (and each venv's) total with its largest packages.
  static func components(_ m: ImageMeasurement) -> TextTable {
    var groups: [String: [PackageSize]] = [:]
    for package in m.packages {
      let group =
        switch package.ecosystem {
        case "deb": "Debian packages"
        case "apk": "Alpine packages"
        case "python": "Python packages in \(package.location ?? "?")"
        case "npm": "npm packages in \(package.location ?? "?")"
        default: "files of no package"
        }
      groups[group, default: []].append(package)
    }
    var table = TextTable([.init("component"), .init("uncompressed", .right), .init("largest", fit: .list)])
    for (group, packages) in groups.sorted(by: {
      $0.value.reduce(0) { $0 + $1.bytes } > $1.value.reduce(0) { $0 + $1.bytes }
    }) {
      let total = packages.reduce(0) { $0 + $1.bytes }
      let top = packages.sorted { $0.bytes > $1.bytes }.prefix(4).map { "\($0.name) \(ByteSize.format($0.bytes))" }
      table.add([group + " (\(packages.count))", ByteSize.format(total), top.joined(separator: ", ")])
    }
    return table
  }

  public static func markdown(_ m: ImageMeasurement, findings: [Finding], sources: LayerSources? = nil) -> String {
    let together = Self.removable(findings, m)
    let removable = together.bytes
    var out = [
      "<!-- sizebudget:explain:\(m.image) -->", "",
      "### `\(m.image)`: \(removable > 0 ? "up to \(ByteSize.format(removable)) can go" : "nothing removable found")",
      "",
    ]
    if removable > 0, let note = overlapNote(together) {
      out += ["\(together.mayOverlap ? "An upper bound: " : "")\(note).", ""]
    }
    if !findings.isEmpty {
      out.append("| severity | finding | saving | layer | fix |")
      out.append("| --- | --- | ---: | --- | --- |")
      for finding in findings {
        let layer = finding.layer.map { CheckLocations.layer($0, sources) } ?? ""
        out.append(
          "| \(finding.severity.rawValue) | \(CheckMarkdown.escape(finding.title)) | \(ByteSize.format(finding.saving)) | \(CheckMarkdown.escape(layer)) | \(CheckMarkdown.escape(finding.fix)) |"
        )
      }
    }
    // The same section as text, its layer lines as a list.
    out += nondeterministic(m, sources: sources, terminal: .plain).map { line in
      line.hasPrefix("   ") ? "- \(CheckMarkdown.escape(String(line.drop { $0 == " " })))" : line
    }
    return out.joined(separator: "\n")
  }

  /// `inherited`: the commit asked about has no measurement of its own and is read
  /// through its measured ancestor's (`commit` is then that ancestor).
  public static func json(
    _ m: ImageMeasurement, findings: [Finding], sources: LayerSources? = nil, inherited: Inheritance? = nil
  ) -> String {
    struct Document: Encodable {
      let schema = "sizebudget.explain/v1"
      var image: String
      var commit: String
      var inherited: Inheritance?
      var compressedBytes: Int64
      var uncompressedBytes: Int64
      var removableBytes: Int64
      var findings: [Finding]
      var packages: [PackageSize]
      /// The Dockerfile line of each layer (`[image.X] dockerfile`).
      var sources: LayerSources?
      /// The spread between measurements of this commit and its nondeterministic layers.
      var noise: MeasurementNoise?
    }
    return encodeJSON(
      Document(
        image: m.image, commit: m.commit, inherited: inherited, compressedBytes: m.compressedBytes,
        uncompressedBytes: m.uncompressedBytes,
        removableBytes: Self.removable(findings, m).bytes, findings: findings, packages: m.packages,
        sources: sources, noise: m.noise))
  }

  /// `sizebudget packages`: every package, largest first, with the layer that added it.
  public static func packages(_ m: ImageMeasurement, limit: Int?, terminal: TerminalStyle) -> String {
    let (table, more) = packagesTable(m, limit: limit)
    var out = [table.render(terminal)]
    if more > 0 { out.append("… and \(grouped(more)) more (--all lists them)") }
    return out.joined(separator: "\n")
  }

  /// The same list as GitHub Markdown.
  public static func packagesMarkdown(_ m: ImageMeasurement, limit: Int?) -> String {
    let (table, more) = packagesTable(m, limit: limit)
    var out = [
      "### `\(m.image)` at `\(m.commit.prefix(12))`: \(grouped(m.packages.count)) packages, largest first", "",
      table.markdown(),
    ]
    if more > 0 { out += ["", "… and \(grouped(more)) more (`--all` lists them)"] }
    return out.joined(separator: "\n")
  }

  /// The packages shown (`limit` of them, or all), and how many more there are.
  static func packagesTable(_ m: ImageMeasurement, limit: Int?) -> (TextTable, more: Int) {
    var table = TextTable([
      .init("package"), .init("version"), .init("ecosystem"), .init("size", .right), .init("files", .right),
      .init("layer"), .init("where"),
    ])
    let shown = limit.map { Array(m.packages.prefix($0)) } ?? m.packages
    for package in shown {
      let layer = package.layer.map { index in
        "\(index) " + shorten(m.layers.first { $0.index == index }?.createdBy.map(ImageConfig.tidy) ?? "", to: 40)
      }
      table.add([
        package.name, package.version ?? "", package.ecosystem == "none" ? "(no package)" : package.ecosystem,
        ByteSize.format(package.bytes), grouped(package.files), layer ?? "", package.location ?? "",
      ])
    }
    return (table, m.packages.count - shown.count)
  }
}
