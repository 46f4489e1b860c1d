import Analysis
import Budgets

/// The verdict of one rule on one image.
public enum RuleStatus: String, Sendable, Codable, Comparable {
  case pass, justified, warn, unknown, fail

  /// How much a status weighs when statuses are combined: the worst wins.
  var severity: Int {
    switch self {
    case .pass: 0
    case .justified: 1
    case .warn: 2
    case .unknown: 3
    case .fail: 4
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

/// What a rule needs to judge an image.
public struct RuleContext: Sendable {
  public var budget: ImageBudget
  public var measurement: ImageMeasurement
  /// The measurement growth is measured against, if one was found.
  public var base: BaseMeasurement?
  /// `Size-Budget:` reasons of the commits since the base.
  public var justifications: [Justification]
  /// True when there is no base because the commit is the first of its base branch:
  /// there is nothing to grow from, rather than a measurement missing.
  public var firstCommit: Bool
  /// Why no base was found (no measurement on the base branch, the branch not
  /// fetched…), for the message of a growth rule that cannot be judged.
  public var baseMissing: String?
  /// The largest spread seen between two measurements of one commit of this image
  /// (in the budget's metric), and that commit: growth within it is not judged.
  public var noise: (commit: String, bytes: Int64)? = nil

  public init(
    budget: ImageBudget, measurement: ImageMeasurement, base: BaseMeasurement?, justifications: [Justification],
    firstCommit: Bool = false, baseMissing: String? = nil
  ) {
    self.budget = budget
    self.measurement = measurement
    self.base = base
    self.justifications = justifications
    self.firstCommit = firstCommit
    self.baseMissing = baseMissing
  }

  public var metric: Metric { budget.metric }
  public var size: Int64 { measurement.bytes(for: metric.rawValue) }
  public var metricName: String { metric == .compressed ? "compressed size" : "uncompressed size" }
}

/// The measurement a commit is compared with: the nearest measured commit on the
/// first-parent line from the merge-base with the budget's base branch.
public struct BaseMeasurement: Sendable {
  public var commit: String
  public var subject: String?
  public var measurement: ImageMeasurement
  /// How it was found, for the report ("merge-base of HEAD and main, 2 commits back").
  public var how: String

  public init(commit: String, subject: String?, measurement: ImageMeasurement, how: String) {
    self.commit = commit
    self.subject = subject
    self.measurement = measurement
    self.how = how
  }
}

/// A commit message trailer `Size-Budget: <reason>`.
public struct Justification: Sendable, Codable, Equatable {
  public var commit: String
  public var reason: String

  public init(commit: String, reason: String) {
    self.commit = commit
    self.reason = reason
  }
}

extension RuleResult {
  /// For a measurement taken from a registry's manifest alone: what the rule needs
  /// (paths, waste, uncompressed sizes) was not read.
  static func layersNotRead(_ rule: String, subject: String? = nil, line: Int?) -> RuleResult {
    RuleResult(
      rule: rule, subject: subject, status: .unknown,
      message: "\(rule) needs the image's layers, but this measurement read only the registry manifest: "
        + "measure again with --paths", budgetLine: line)
  }
}

/// A rule of budgets.toml; one type per rule, one file each.
public protocol BudgetRule: Sendable {
  func evaluate(_ context: RuleContext) -> [RuleResult]
}
