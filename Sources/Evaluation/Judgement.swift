/// Where an image stands at a commit: the one status every command, format, the
/// pre-push hook, the webhook and the weekly email show. `Judgement.judge` is the only
/// place it is decided.
public enum ImageStatus: String, Sendable, Codable, CaseIterable, Comparable {
  /// Every rule passes.
  case pass
  /// A broken growth rule is justified by a `Size-Budget:` trailer; nothing else is broken.
  case justified
  /// Within budget, over a warning level (or a finding to look at).
  case warn
  /// The measurement cannot answer a rule of the budget (the rule was added after it,
  /// or it read only the registry manifest): measure again.
  case stale
  /// A measurement is missing: at the commit, or the base that growth is measured against.
  case missing
  /// The image could not be judged: reading its history or store failed.
  case error
  /// A budget is broken.
  case fail

  /// The worst wins when images are combined; a broken budget outranks everything,
  /// as it outranks a missing measurement in the exit status.
  var severity: Int { Self.allCases.firstIndex(of: self)! }

  public static func < (a: ImageStatus, b: ImageStatus) -> Bool { a.severity < b.severity }

  /// What a person reads: "within budget", "over budget".
  public var label: String {
    switch self {
    case .pass: "within budget"
    case .justified: "within budget (growth justified)"
    case .warn: "within budget, with a warning"
    case .stale: "stale: measure again"
    case .missing: "missing a measurement"
    case .error: "cannot be judged"
    case .fail: "over budget"
    }
  }

  /// The exit status of a command whose worst image stands here: 0 within budget
  /// (warnings and justified growth allowed), 1 a budget broken, 2 an error of
  /// configuration or history, 3 a needed measurement missing or stale.
  public var exitCode: Int32 {
    switch self {
    case .pass, .justified, .warn: 0
    case .fail: 1
    case .error: 2
    case .stale, .missing: 3
    }
  }
}

/// An image's status and the rules that decided it.
public struct Verdict: Sendable, Codable, Equatable {
  public var status: ImageStatus
  /// The rules behind the status, counted: `["forbid ×2", "max_growth"]` for a
  /// broken budget, the warning rules for a warning, the unjudged rules for stale.
  public var rules: [String]
  /// The status with its rules: "over budget: forbid ×2, max_growth".
  public var headline: String

  public init(status: ImageStatus, rules: [String] = [], headline: String? = nil) {
    self.status = status
    self.rules = rules
    self.headline = headline ?? Verdict.headline(status, rules)
  }

  static func headline(_ status: ImageStatus, _ rules: [String]) -> String {
    let named = rules.joined(separator: ", ")
    switch status {
    case .pass: return "within budget"
    case .justified: return "within budget, justified: \(named)"
    case .warn: return "within budget, warning: \(named)"
    case .stale: return "stale: \(named) cannot be judged from this measurement; measure again"
    case .missing: return rules.isEmpty ? "missing: no measurement" : "missing: \(named) has no measured base"
    case .error: return "cannot be judged: \(named)"
    case .fail: return "over budget: \(named)"
    }
  }
}

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
