import Analysis
import Budgets
import Evaluation
import ImageSource
import Model

/// `check` for a terminal: per image, the size against its budget and base, each
/// rule's verdict with the budgets.toml line that set it, and for broken rules what
/// grew.
public enum CheckText {
  public static func render(_ report: CheckReport, terminal: TerminalStyle) -> String {
    var out: [String] = []
    out.append(headline(report, terminal))
    for image in report.images {
      out.append("")
      out.append(contentsOf: section(image, report: report, terminal: terminal))
    }
    for missing in report.missing {
      out.append("")
      out.append(
        terminal.apply(.warning, "? \(missing.image)")
          + ": no measurement at \(missing.commit.prefix(12))"
          + (missing.reason.map { " (\($0))" } ?? "") + "; make it with:\n    \(missing.command)")
    }
    return out.joined(separator: "\n")
  }

  /// "sizebudget check at abc (main): over budget: forbid ×2, max_growth": the
  /// report's one judgement, styled by its status.
  static func headline(_ report: CheckReport, _ terminal: TerminalStyle) -> String {
    let at = "at \(report.commit.prefix(12))" + (report.branch.map { " (\($0))" } ?? "")
    return "sizebudget check \(at): \(terminal.apply(style(report.status), report.headline))"
  }

  static func section(_ image: ImageEvaluation, report: CheckReport, terminal: TerminalStyle) -> [String] {
    var out: [String] = []
    let mark = symbol(image.status)
    let owner = image.owner.map { "  owner \($0)" } ?? ""
    out.append(terminal.apply(style(image.status), "\(mark) \(image.image)") + "  \(image.verdict.headline)\(owner)")
    var figures = "  \(image.metric.rawValue) \(ByteSizeText.format(image.size, estimated: image.sizeIsEstimate))"
    if let max = image.limits.maxText {
      figures +=
        ", max \(max), headroom \(ByteSizeText.format(image.headroom ?? 0, estimated: image.sizeIsEstimate))"
    }
    if let base = image.base, let delta = image.baseDelta {
      let estimated = image.sizeIsEstimate || image.baseIsEstimate
      figures += ", \(ByteSizeText.formatDelta(delta, estimated: estimated)) against \(base.commit.prefix(12))"
      if let kinds = estimateAgainstExact(image) { figures += " (\(kinds))" }
    }
    out.append(figures)
    if let inherited = image.inherited { out.append(terminal.apply(.dim, "  \(inherited.message)")) }
    if image.sizeIsEstimate || image.baseIsEstimate {
      out.append(terminal.apply(.dim, "  " + ByteSizeText.estimateNote))
    }
    if let base = image.base {
      out.append(terminal.apply(.dim, "  base: \(base.how)" + (base.subject.map { " — \"\($0)\"" } ?? "")))
    }
    if let split = image.growthSplit { out += GrowthSplitText.text(split, terminal: terminal) }
    for result in image.results where result.status != .pass {
      out.append(ruleLine(result, report: report, sources: image.sources, terminal: terminal))
      for detail in result.details.prefix(3) { out.append(terminal.apply(.dim, "      \(detail)")) }
      if result.details.count > 3 {
        out.append(terminal.apply(.dim, "      … \(result.details.count - 3) more lines (--format json has them all)"))
      }
    }
    let passed = image.results.filter { $0.status == .pass }
    if !passed.isEmpty {
      var counts: [String: Int] = [:]
      for result in passed { counts[result.rule, default: 0] += 1 }
      let names = counts.keys.sorted().map { counts[$0]! > 1 ? "\($0) ×\(counts[$0]!)" : $0 }
      out.append(terminal.apply(.dim, "  ✓ pass: " + names.joined(separator: ", ")))
    }
    if image.status == .fail || image.status == .justified, let diff = image.diff, let base = image.base {
      out.append(
        contentsOf: whatGrew(
          diff, since: base.commit, sources: image.sources, baseLayers: image.baseLayerCounts, terminal: terminal))
    }
    return out
  }

  /// "estimate vs exact, ±5 %" when `max_growth` passed comparing an estimate with an
  /// exact size: the pass leans on the estimate, so the growth figure says so (a warning
  /// or failure says it in the rule's own message).
  static func estimateAgainstExact(_ image: ImageEvaluation) -> String? {
    guard image.sizeIsEstimate != image.baseIsEstimate,
      image.results.contains(where: { $0.rule == "max_growth" && $0.status == .pass })
    else { return nil }
    return "estimate vs exact, ±\(Comparability.estimateErrorPercent) %"
  }

  static func ruleLine(_ result: RuleResult, report: CheckReport, sources: LayerSources?, terminal: TerminalStyle)
    -> String
  {
    var location = result.budgetLine.map { "  (\(report.budgetsPath):\($0))" } ?? ""
    if let layer = result.layer, let sources { location += "  " + CheckLocations.layer(layer, sources) }
    return "  " + terminal.apply(style(result.status), symbol(result.status)) + " "
      + result.rule.padding(10) + " " + result.message + terminal.apply(.dim, location)
  }

  /// The layers added and the paths that grew most since the base. `baseLayers`: the
  /// base image's layer counts (old, new), whose rebuild the growth split already says.
  static func whatGrew(
    _ diff: MeasurementDiff, since base: String, sources: LayerSources? = nil, baseLayers: (old: Int, new: Int)? = nil,
    terminal: TerminalStyle
  ) -> [String] {
    let layers = diff.ownLayers(baseLayers: baseLayers)
    let added = layers.filter { $0.kind == .added }.sorted { $0.compressedBytes > $1.compressedBytes }
    let removed = layers.filter { $0.kind == .removed }
    let grown = diff.paths.filter { $0.delta > 0 }
    // The base's layers were left out and none of the image's own was added: every
    // byte that grew is the base's (a path grows only with a layer that changed).
    let baseOnly = added.isEmpty && layers.count < diff.layers.count
    // A heading with nothing under it reads as a failure to show what grew.
    guard !added.isEmpty || !removed.isEmpty || !grown.isEmpty else {
      return baseOnly ? ["  \(CheckMarkdown.baseOnly(diff, own: layers))"] : []
    }
    var out = ["  what grew since \(base.prefix(12)) (layers compressed, paths uncompressed):"]
    if baseOnly { out.append("    \(CheckMarkdown.baseOnly(diff, own: layers))") }
    for layer in added.prefix(5) {
      out.append(
        "    + \(CheckLocations.layer(layer.index, sources))  \(ByteSizeText.format(layer.compressedBytes, estimated: layer.compressedEstimated == true)) compressed  "
          + shorten(layer.createdBy.map(ImageConfig.tidy) ?? "-", to: 70))
    }
    if !removed.isEmpty {
      out.append(
        "    - \(counted(removed.count, "layer")) of \(base.prefix(12)) no longer in the image ("
          + ByteSize.format(removed.reduce(0) { $0 + $1.compressedBytes }) + " compressed)")
    }
    for path in grown.prefix(8) {
      out.append("    \(ByteSize.formatDelta(path.delta).padding(10)) uncompressed  \(path.path)")
    }
    return out
  }

  static func symbol(_ status: RuleStatus) -> String {
    switch status {
    case .pass: "✓"
    case .acknowledged: "~"
    case .justified: "≈"
    case .warn: "!"
    case .unknown: "?"
    case .fail: "✗"
    }
  }

  static func symbol(_ status: ImageStatus) -> String {
    switch status {
    case .pass: "✓"
    case .justified: "≈"
    case .warn: "!"
    case .stale, .missing, .error: "?"
    case .fail: "✗"
    }
  }

  static func style(_ status: ImageStatus) -> Style {
    switch status {
    case .pass: .good
    case .justified, .warn, .stale, .missing, .error: .warning
    case .fail: .bad
    }
  }

  static func style(_ status: RuleStatus) -> Style {
    switch status {
    case .pass: .good
    case .acknowledged: .dim
    case .justified, .warn, .unknown: .warning
    case .fail: .bad
    }
  }
}
