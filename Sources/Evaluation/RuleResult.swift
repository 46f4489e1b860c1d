import Analysis
import Budgets
import Foundation
import Model

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

/// A commit message trailer `Size-Budget: <reason>`, or `Size-Budget: api, worker:
/// <reason>` for some images only.
public struct Justification: Sendable, Codable, Equatable {
  public var commit: String
  public var reason: String
  /// The images the trailer names; nil when it names none and covers every image.
  public var images: [String]?

  public init(commit: String, reason: String, images: [String]? = nil) {
    self.commit = commit
    self.reason = reason
    self.images = images
  }

  public func covers(_ image: String) -> Bool { images?.contains(image) ?? true }

  /// Reads a trailer's value. Before the first colon, a comma-separated list of names
  /// of which at least one is a budgeted image names the images; anything else
  /// ("torch 2.5: needed") is a reason for every image, as trailers always were.
  public static func parse(commit: String, trailer: String, budgetedImages: Set<String>) -> Justification {
    guard let colon = trailer.firstIndex(of: ":") else { return Justification(commit: commit, reason: trailer) }
    let names = trailer[..<colon].split(separator: ",", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    let nameLike = names.allSatisfy { name in
      !name.isEmpty
        && name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || "0123456789._-".unicodeScalars.contains($0) }
    }
    guard nameLike, names.contains(where: budgetedImages.contains) else {
      return Justification(commit: commit, reason: trailer)
    }
    let reason = trailer[trailer.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    return Justification(commit: commit, reason: reason, images: names)
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
