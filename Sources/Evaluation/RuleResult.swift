import Analysis
import Budgets
import Foundation
import Model

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
  /// The spread seen between two builds of the judged commit or its base (the larger,
  /// in the budget's metric), and that commit: growth within it is not judged.
  public var noise: (commit: String, bytes: Int64)? = nil
  /// The newest measurements on the base branch, for `loose_budget`; nil where the
  /// caller did not look them up (only check does).
  public var baseRun: BaseRun? = nil
  /// Trailers since the base whose name list names images that are not budgeted and
  /// that could have meant this image: each is a warning, never a justification.
  public var misnamedTrailers: [MisnamedTrailer] = []

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

extension Justification {
  /// Reads a trailer's value. Before the first colon, a comma-separated list of
  /// image-like names (letters, digits, `._-`) names the images, budgeted or not: a
  /// list naming no budgeted image justifies nothing (`MisnamedTrailer` warns of it);
  /// anything else ("torch 2.5: needed") is a reason for every image.
  public static func parse(commit: String, trailer: String) -> Justification {
    guard let colon = trailer.firstIndex(of: ":") else { return Justification(commit: commit, reason: trailer) }
    let names = trailer[..<colon].split(separator: ",", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    let nameLike = names.allSatisfy { name in
      !name.isEmpty
        && name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || "0123456789._-".unicodeScalars.contains($0) }
    }
    guard nameLike else {
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
