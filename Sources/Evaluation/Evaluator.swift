import Analysis
import Budgets
import Model

/// The judgement of an image evaluation (the data is Model's `ImageEvaluation`).
extension ImageEvaluation {
  /// The one judgement of this image (`Judgement.judge`).
  public var verdict: Verdict { Judgement.judge(results) }
  public var status: ImageStatus { verdict.status }
  public var broken: [RuleResult] { results.filter { $0.status == .fail } }
  public var headroom: Int64? { limits.max.map { $0.saturatingSubtracting(size) } }
  public var baseDelta: Int64? { base.map { size.saturatingSubtracting($0.measurement.bytes(for: metric.rawValue)) } }
  /// Whether the size judged is an estimate (shown with "≈" by every format).
  public var sizeIsEstimate: Bool { Comparability.isEstimate(measurement, metric) }
  public var baseIsEstimate: Bool { base.map { Comparability.isEstimate($0.measurement, metric) } ?? false }
}

/// Applies every rule of an image's budget.
public enum Evaluator {
  /// One rule type per budgets.toml key; the order is the order of the report.
  public static let rules: [any BudgetRule] = [
    MaxRule(), GrowthRule(), LayerMaxRule(), WastedRule(), ForbidRule(), RequireRule(), PathMaxRule(),
    PackageRules(), FindingsRule(), LooseBudgetRule(),
  ]

  public static func evaluate(_ context: RuleContext) -> ImageEvaluation {
    ImageEvaluation(
      image: context.budget.name, owner: context.budget.owner, metric: context.metric,
      commit: context.measurement.commit, measurement: context.measurement, limits: limits(context.budget),
      base: context.base, results: rules.flatMap { $0.evaluate(context) }, justifications: context.justifications,
      diff: context.base.map { MeasurementDiff.between($0.measurement, context.measurement) })
  }

  /// What of the budget the reports show beside the size.
  public static func limits(_ budget: ImageBudget) -> BudgetLimits {
    BudgetLimits(
      max: budget.max?.value.bytes, maxText: budget.max.map { "\($0.value)" }, warn: budget.warn?.value.bytes,
      growthOf: budget.growthOf.rawValue, line: budget.position.line)
  }
}

/// The judgement of a check report (the data is Model's `CheckReport`).
extension CheckReport {
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
  public var headline: String { Judgement.headline(verdicts) }
}
