import Analysis
import Budgets
import Model

/// One image judged at one commit.
public struct ImageEvaluation: Sendable {
  public var image: String
  public var owner: String?
  public var metric: Metric
  public var commit: String
  public var measurement: ImageMeasurement
  public var budget: ImageBudget
  public var base: BaseMeasurement?
  public var results: [RuleResult]
  public var justifications: [Justification]
  /// What changed against the base, when there is one.
  public var diff: MeasurementDiff?
  /// The Dockerfile line of each layer, when `[image.X] dockerfile` names one.
  public var sources: LayerSources? = nil
  /// Set when the commit has no measurement of its own and is judged with an
  /// ancestor's (`measurement.commit`), nothing in context having changed since.
  public var inherited: Inheritance?

  public var size: Int64 { measurement.bytes(for: metric.rawValue) }
  /// The one judgement of this image (`Judgement.judge`).
  public var verdict: Verdict { Judgement.judge(results) }
  public var status: ImageStatus { verdict.status }
  public var broken: [RuleResult] { results.filter { $0.status == .fail } }
  public var headroom: Int64? { budget.max.map { $0.value.bytes - size } }
  public var baseDelta: Int64? { base.map { size - $0.measurement.bytes(for: metric.rawValue) } }
  /// Whether the size judged is an estimate (shown with "≈" by every format).
  public var sizeIsEstimate: Bool { Comparability.isEstimate(measurement, metric) }
  public var baseIsEstimate: Bool { base.map { Comparability.isEstimate($0.measurement, metric) } ?? false }
}

/// Applies every rule of an image's budget.
public enum Evaluator {
  /// One rule type per budgets.toml key; the order is the order of the report.
  public static let rules: [any BudgetRule] = [
    MaxRule(), GrowthRule(), LayerMaxRule(), WastedRule(), ForbidRule(), RequireRule(), PathMaxRule(),
    PackageRules(), FindingsRule(),
  ]

  public static func evaluate(_ context: RuleContext) -> ImageEvaluation {
    ImageEvaluation(
      image: context.budget.name, owner: context.budget.owner, metric: context.metric,
      commit: context.measurement.commit, measurement: context.measurement, budget: context.budget,
      base: context.base, results: rules.flatMap { $0.evaluate(context) }, justifications: context.justifications,
      diff: context.base.map { MeasurementDiff.between($0.measurement, context.measurement) })
  }
}

/// An image that could not be judged because a measurement is missing, and the
/// command that would make it.
public struct MissingMeasurement: Sendable, Codable, Equatable {
  public var image: String
  public var commit: String
  public var command: String
  /// Why the nearest measured ancestor's measurement does not stand in: "api/main.py
  /// changed since abc1234 (measured)".
  public var reason: String?

  public init(image: String, commit: String, command: String, reason: String? = nil) {
    self.image = image
    self.commit = commit
    self.command = command
    self.reason = reason
  }
}

/// `check` over every budgeted image at one commit.
public struct CheckReport: Sendable {
  public var commit: String
  public var commitSubject: String?
  public var branch: String?
  public var budgetsPath: String
  public var images: [ImageEvaluation]
  public var missing: [MissingMeasurement]

  public init(
    commit: String, commitSubject: String?, branch: String?, budgetsPath: String, images: [ImageEvaluation],
    missing: [MissingMeasurement]
  ) {
    self.commit = commit
    self.commitSubject = commitSubject
    self.branch = branch
    self.budgetsPath = budgetsPath
    self.images = images
    self.missing = missing
  }

  /// Each image's verdict, measured or not, in the order of budgets.toml's report.
  public var verdicts: [(image: String, verdict: Verdict)] {
    images.map { ($0.image, $0.verdict) } + missing.map { ($0.image, Judgement.missing(at: $0.commit)) }
  }

  /// The worst image's status: never `pass` unless the exit status is 0.
  public var status: ImageStatus { Judgement.combined(verdicts.map(\.verdict.status)) }
  public var isBroken: Bool { status == .fail }

  /// 0 within budget (warnings allowed), 1 a budget broken, 3 a needed measurement
  /// missing (a broken budget outranks a missing measurement).
  public var exitCode: Int32 { status.exitCode }

  /// "over budget: forbid ×2, max_growth" for one image; with several, each image
  /// that is not within budget: "1 of 2 images over budget (api: forbid ×2)".
  public var headline: String {
    let all = verdicts
    guard all.count > 1 else { return all.first?.verdict.headline ?? "no image budgeted" }
    let notPassing = all.filter { $0.verdict.status != .pass }
    guard !notPassing.isEmpty else { return "\(all.count) images within budget" }
    let worst = status
    let count = all.filter { $0.verdict.status == worst }.count
    let lead =
      worst.exitCode == 0 ? worst.label : "\(count) of \(all.count) images \(worst.label)"
    // An image of the worst status is named with its rules alone: "(api: forbid ×2)".
    let parts = notPassing.map { image, verdict in
      verdict.status == worst && !verdict.rules.isEmpty
        ? "\(image): \(verdict.rules.joined(separator: ", "))" : "\(image): \(verdict.headline)"
    }
    return lead + " (" + parts.joined(separator: "; ") + ")"
  }
}
