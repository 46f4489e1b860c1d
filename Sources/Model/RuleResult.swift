/// The verdict of one rule on one image.
public enum RuleStatus: String, Sendable, Codable, Comparable {
  /// `acknowledged`: broken or warned of, but `allow` in budgets.toml acknowledges
  /// it; shown as such, never breaking the budget.
  case pass, acknowledged, justified, warn, unknown, fail

  /// How much a status weighs when statuses are combined: the worst wins.
  var severity: Int {
    switch self {
    case .pass: 0
    case .acknowledged: 1
    case .justified: 2
    case .warn: 3
    case .unknown: 4
    case .fail: 5
    }
  }

  public static func < (a: RuleStatus, b: RuleStatus) -> Bool { a.severity < b.severity }
}

/// One rule applied to one image: what was measured, against what limit, and why.
public struct RuleResult: Sendable, Codable, Equatable {
  /// `max`, `warn`, `max_growth`, `max_layer`, `max_wasted`, `forbid`, `require`, `path`.
  public var rule: String
  /// What the rule was about, when there are several: a path, a pattern, a layer.
  public var subject: String?
  public var status: RuleStatus
  public var actual: Int64?
  public var limit: Int64?
  /// One line a person reads: "compressed size 171 MB is over max 150 MB by 21 MB".
  public var message: String
  /// Where budgets.toml sets the limit (line), so the report can point at it.
  public var budgetLine: Int?
  /// Supporting lines: offending files, layers.
  public var details: [String]
  /// The layer the result is about (the one over `max_layer`, the one that put most
  /// of a finding's or a forbidden pattern's bytes there, the largest added since the
  /// base), so outputs can point at its Dockerfile line.
  public var layer: Int?
  /// For a rule that cannot be judged because a measurement it compares with does not
  /// exist (growth without a measured base): the image is then `missing`, not `stale`.
  public var lacksMeasurement: Bool = false

  public init(
    rule: String, subject: String? = nil, status: RuleStatus, actual: Int64? = nil, limit: Int64? = nil,
    message: String, budgetLine: Int? = nil, details: [String] = [], layer: Int? = nil
  ) {
    self.rule = rule
    self.subject = subject
    self.status = status
    self.actual = actual
    self.limit = limit
    self.message = message
    self.budgetLine = budgetLine
    self.details = details
    self.layer = layer
  }
}
