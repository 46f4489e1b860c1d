import Analysis
import Budgets
import Evaluation
import Foundation
import ImageSource
import Model

/// `check --format markdown`: a pull-request comment a reviewer understands in five
/// seconds: a verdict line, one table row per image, details folded away. A hidden
/// marker lets a receiver update its comment instead of adding one per push, and the
/// text stays under GitHub's 65,536-character limit by dropping details first.
public enum CheckMarkdown {
  public static let characterLimit = 65_536

  /// `<!-- sizebudget:api,web -->`: stable for the same set of images.
  public static func marker(_ report: CheckReport) -> String {
    let names = (report.images.map(\.image) + report.missing.map(\.image)).sorted()
    return "<!-- sizebudget:\(names.joined(separator: ",")) -->"
  }

  /// The comment, under `limit` characters (GitHub's by default; GitLab allows
  /// 1,000,000): details folded first, then dropped. A shortened comment links to
  /// `fullReport` (the CI artifact or job) when there is one.
  public static func render(_ report: CheckReport, limit: Int = characterLimit, fullReport: String? = nil) -> String {
    for detail in [Detail.full, .short, .none] {
      let text = render(report, detail: detail, fullReport: fullReport)
      if text.count < limit { return text }
    }
    let text = render(report, detail: .none, fullReport: fullReport)
    let link = fullReport.map { " — [the full report](\($0))" } ?? ""
    return String(text.prefix(max(0, limit - 300))) + "\n\n…(truncated to fit a comment\(link))\n"
  }

  enum Detail { case full, short, none }

  static func render(_ report: CheckReport, detail: Detail, fullReport: String? = nil) -> String {
    var out = [marker(report), "", verdict(report), "", table(report)]
    for missing in report.missing {
      out.append("")
      out.append(
        "❔ **\(missing.image)** has no measurement at `\(missing.commit.prefix(12))`"
          + (missing.reason.map { " (\(escape($0)))" } ?? "") + ": run `\(missing.command)`")
    }
    if detail != .none {
      for image in report.images where image.status != .pass || detail == .full {
        out.append("")
        out.append(details(image, short: detail == .short))
      }
    }
    if detail != .full, let fullReport {
      out.append("")
      out.append("Details were shortened to fit a comment: [the full report](\(fullReport)).")
    }
    out.append("")
    let estimates = report.images.contains { $0.sizeIsEstimate || $0.baseIsEstimate }
    out.append(
      "<sub>sizebudget \(report.commit.prefix(12)) · sizes in decimal units (1 MB = 10⁶ bytes)"
        + (estimates ? " · \(ByteSizeText.estimateNote)" : "") + "</sub>")
    return out.joined(separator: "\n")
  }

  /// The report's one judgement as a heading, naming each image that is not within
  /// budget: "### ❌ `api` over budget: forbid ×2, max_growth".
  static func verdict(_ report: CheckReport) -> String {
    let notPassing = report.verdicts.filter { $0.verdict.status != .pass }
    guard !notPassing.isEmpty else { return "### ✅ Within budget" }
    return "### \(emoji(report.status)) "
      + notPassing.map { "`\($0.image)` \(escape($0.verdict.headline))" }.joined(separator: "; ")
  }

  static func capitalized(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }

  /// Per image as hand-made size reports read: the base's size, this size, the change
  /// and its percentage, then the budget and the verdict.
  static func table(_ report: CheckReport) -> String {
    var rows = [
      "| image | base | this | change | % | budget | status |", "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for image in report.images {
      let baseSize = image.baseDelta.map { image.size - $0 }
      let deltaEstimated = image.sizeIsEstimate || image.baseIsEstimate
      rows.append(
        "| `\(image.image)` | \(baseSize.map { ByteSizeText.format($0, estimated: image.baseIsEstimate) } ?? "–") | "
          + "\(ByteSizeText.format(image.size, estimated: image.sizeIsEstimate)) | "
          + "\(image.baseDelta.map { ByteSizeText.formatDelta($0, estimated: deltaEstimated) } ?? "–")"
          + "\(CheckText.estimateAgainstExact(image).map { " (\($0))" } ?? "") | "
          + "\(percent(image.baseDelta, of: baseSize)) | "
          + "\(image.limits.maxText ?? "–") | \(emoji(image.status)) \(escape(image.verdict.headline)) |"
      )
    }
    return rows.joined(separator: "\n")
  }

  /// `+4.2 %`, `−0.3 %`, `0 %`; `–` with no base, `new` from nothing.
  static func percent(_ delta: Int64?, of base: Int64?) -> String {
    guard let delta, let base else { return "–" }
    guard base > 0 else { return delta == 0 ? "0 %" : "new" }
    let value = Double(delta) / Double(base) * 100
    if delta == 0 { return "0 %" }
    let rounded = (abs(value) * 10).rounded() / 10
    return (delta > 0 ? "+" : "−") + (rounded < 0.1 ? "<0.1" : String(format: "%.1f", rounded)) + " %"
  }

  /// The commit status's one line (at most 140 characters): the verdict and each
  /// image's size against its budget.
  public static func statusLine(_ report: CheckReport) -> String {
    let head = capitalized(report.status.label)
    let images = report.images.map { image in
      "\(image.image) \(ByteSizeText.format(image.size, estimated: image.sizeIsEstimate))"
        + (image.limits.maxText.map { " of \($0)" } ?? "")
        + (image.baseDelta.map {
          " (\(ByteSizeText.formatDelta($0, estimated: image.sizeIsEstimate || image.baseIsEstimate)))"
        } ?? "")
    }
    let line = images.isEmpty ? head : head + ": " + images.joined(separator: ", ")
    return line.count <= 140 ? line : String(line.prefix(139)) + "…"
  }

  static func details(_ image: ImageEvaluation, short: Bool) -> String {
    let broken = image.results.filter { $0.status != .pass }
    let summary =
      broken.isEmpty
      ? "all \(image.results.count) rules pass" : "\(counted(broken.count, "rule")) to look at"
    var out = ["<details><summary><b>\(image.image)</b>: \(summary)</summary>", ""]
    if let inherited = image.inherited {
      out.append("Judged with the measurement of `\(inherited.commit.prefix(12))`: nothing in context changed since.")
      out.append("")
    }
    if let base = image.base {
      out.append(
        "Compared with `\(base.commit.prefix(12))`\(base.subject.map { " (\(escape($0)))" } ?? ""), \(base.how).")
      out.append("")
    }
    if let split = image.growthSplit { out += GrowthSplitText.markdown(split) + [""] }
    for result in broken {
      let at = CheckLocations.dockerfileLine(of: result, in: image).map { " at `\($0.file):\($0.line)`" } ?? ""
      out.append("- \(emoji(result.status)) **\(result.rule)** \(escape(result.message))\(at)")
      if !short {
        for line in result.details.prefix(10) { out.append("  - `\(line)`") }
      }
    }
    for justification in image.justifications {
      out.append("- 📝 `Size-Budget:` \(escape(justification.reason)) (`\(justification.commit.prefix(12))`)")
    }
    if !short, let diff = image.diff, diff.compressed.delta != 0 {
      out.append("")
      out += whatGrew(diff, sources: image.sources, baseLayers: image.baseLayerCounts)
    }
    out.append("")
    out.append("</details>")
    return out.joined(separator: "\n")
  }

  /// The layers added and the paths that changed most, as a two-column table (also
  /// used by the bisect comment for its culprit).
  /// With no layer added and no path changed (the same layers measured another way,
  /// or layers only removed) there is no table: an empty one reads as a rendering bug.
  /// `baseLayers`: the base image's layer counts (old, new), whose rebuild the growth
  /// split already says; the largest of the other added layers are listed.
  static func whatGrew(_ diff: MeasurementDiff, sources: LayerSources? = nil, baseLayers: (old: Int, new: Int)? = nil)
    -> [String]
  {
    let own = diff.ownLayers(baseLayers: baseLayers)
    let added = own.filter { $0.kind == .added }.sorted { $0.compressedBytes > $1.compressedBytes }
    // The base's layers were left out and none of the image's own was added: the
    // growth is the base's (which the split above says), not "nothing".
    let baseOnly = added.isEmpty && own.count < diff.layers.count
    guard !added.isEmpty || !diff.paths.isEmpty else {
      return [baseOnly ? Self.baseOnly(diff, own: own) : "Nothing added: no new layer and no path that changed."]
    }
    var out = baseOnly ? [Self.baseOnly(diff, own: own), ""] : []
    out += ["| what grew | change |", "| --- | ---: |"]
    for layer in added.prefix(5) {
      out.append(
        "| \(escape(CheckLocations.layer(layer.index, sources))): \(code(shorten(layer.createdBy.map(ImageConfig.tidy) ?? "-", to: 60))) | \(ByteSize.formatDelta(layer.compressedBytes, estimated: layer.compressedEstimated == true)) compressed |"
      )
    }
    for path in diff.paths.prefix(8) {
      out.append("| \(code(path.path)) | \(ByteSize.formatDelta(path.delta)) uncompressed |")
    }
    return out
  }

  /// "What grew" after a rebuilt base's layers were left out and no own layer was added
  /// (`own`: the diff's own layer changes): the growth is the base's only when the image
  /// grew and the base's layers grew it (no own layer was added, so the own part is at
  /// most 0); a base rebuilt smaller, or own layers only removed, is no growth of the base's.
  static func baseOnly(_ diff: MeasurementDiff, own: [MeasurementDiff.LayerChange]) -> String {
    let ownIndices = Set(own.map { "\($0.kind)-\($0.index)" })
    let base = diff.layers.filter { !ownIndices.contains("\($0.kind)-\($0.index)") }
    let baseDelta = base.reduce(Int64(0)) { sum, layer in
      switch layer.kind {
      case .added: sum.saturatingAdding(layer.compressedBytes)
      case .removed: sum.saturatingSubtracting(layer.compressedBytes)
      case .unchanged: sum
      }
    }
    let growth = diff.compressed.delta
    return growth > 0 && baseDelta >= growth
      ? "No own layer added: the growth is the base image's." : "No own layer added."
  }

  static func emoji(_ status: ImageStatus) -> String {
    switch status {
    case .pass: "✅"
    case .justified: "📝"
    case .warn: "⚠️"
    case .stale, .missing, .error: "❔"
    case .fail: "❌"
    }
  }

  static func emoji(_ status: RuleStatus) -> String {
    switch status {
    case .pass: "✅"
    case .acknowledged: "☑️"
    case .justified: "📝"
    case .warn: "⚠️"
    case .unknown: "❔"
    case .fail: "❌"
    }
  }

  /// Characters that would break a table cell or start markup.
  /// A code span that holds any text: a fence longer than any run of backticks in it
  /// (`` a`b ``), with `|` escaped for tables.
  static func code(_ text: String) -> String {
    var longest = 0
    var run = 0
    for character in text {
      run = character == "`" ? run + 1 : 0
      longest = max(longest, run)
    }
    let fence = String(repeating: "`", count: longest + 1)
    let padded = longest > 0 ? " \(text) " : text
    // Inside a code span `<` is shown as it is (no &lt;); `|` still ends a table cell.
    return fence + padded.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") + fence
  }

  static func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: "\n", with: " ")
  }
}
