import Model

/// The one judgement of an image.
public enum Judgement {
  /// An image's verdict from its rule results: any broken rule makes it over budget,
  /// then a growth rule without a measured base makes it missing, any other rule the
  /// measurement cannot answer makes it stale, then warnings, then justified growth.
  public static func judge(_ results: [RuleResult]) -> Verdict {
    let broken = results.filter { $0.status == .fail }
    if !broken.isEmpty { return Verdict(status: .fail, rules: counted(broken)) }
    let unknown = results.filter { $0.status == .unknown }
    let baseless = unknown.filter(\.lacksMeasurement)
    if !baseless.isEmpty { return Verdict(status: .missing, rules: counted(baseless)) }
    if !unknown.isEmpty { return Verdict(status: .stale, rules: counted(unknown)) }
    let warnings = results.filter { $0.status == .warn }
    if !warnings.isEmpty { return Verdict(status: .warn, rules: counted(warnings)) }
    let justified = results.filter { $0.status == .justified }
    if !justified.isEmpty { return Verdict(status: .justified, rules: counted(justified)) }
    let acknowledged = results.filter { $0.status == .acknowledged }
    if !acknowledged.isEmpty {
      let rules = counted(acknowledged)
      return Verdict(
        status: .pass, rules: rules, headline: "within budget, acknowledged: \(rules.joined(separator: ", "))")
    }
    return Verdict(status: .pass)
  }

  /// An image with no measurement at the commit.
  public static func missing(at commit: String) -> Verdict {
    Verdict(status: .missing, headline: "missing: no measurement at \(commit.prefix(12))")
  }

  /// An image whose judgement failed (its history or store could not be read).
  public static func error(_ message: String) -> Verdict {
    Verdict(status: .error, headline: "cannot be judged: \(message)")
  }

  /// The headline of several images' verdicts (check's, predict's): one image's own
  /// headline; with several, each image that is not within budget: "1 of 2 images
  /// over budget (api: forbid ×2)".
  public static func headline(_ verdicts: [(image: String, verdict: Verdict)]) -> String {
    guard verdicts.count > 1 else { return verdicts.first?.verdict.headline ?? "no image budgeted" }
    let notPassing = verdicts.filter { $0.verdict.status != .pass }
    guard !notPassing.isEmpty else { return "\(verdicts.count) images within budget" }
    let worst = combined(verdicts.map(\.verdict.status))
    let count = verdicts.filter { $0.verdict.status == worst }.count
    let lead =
      worst.exitCode == 0 ? worst.label : "\(count) of \(verdicts.count) images \(worst.label)"
    // An image of the worst status is named with its rules alone: "(api: forbid ×2)".
    let parts = notPassing.map { image, verdict in
      verdict.status == worst && !verdict.rules.isEmpty
        ? "\(image): \(verdict.rules.joined(separator: ", "))" : "\(image): \(verdict.headline)"
    }
    return lead + " (" + parts.joined(separator: "; ") + ")"
  }

  /// Several images together: the worst status (within budget when there are none).
  public static func combined(_ statuses: [ImageStatus]) -> ImageStatus { statuses.max() ?? .pass }

  /// Rule names in the order of the report, each once, with how many results broke it:
  /// `["forbid ×2", "max_growth"]`.
  static func counted(_ results: [RuleResult]) -> [String] {
    var order: [String] = []
    var counts: [String: Int] = [:]
    for result in results {
      let name = result.rule
      if counts[name] == nil { order.append(name) }
      counts[name, default: 0] += 1
    }
    return order.map { counts[$0]! > 1 ? "\($0) ×\(counts[$0]!)" : $0 }
  }
}
