import Budgets

/// `max_growth`: how much the image grew against its base. A commit since the base
/// with a `Size-Budget:` trailer turns a failure into "justified", shown with its
/// reason; it never passes silently.
public struct GrowthRule: BudgetRule {
  public init() {}

  public func evaluate(_ context: RuleContext) -> [RuleResult] {
    guard let growth = context.budget.maxGrowth else { return [] }
    guard let base = context.base else {
      if context.firstCommit {
        return [
          RuleResult(
            rule: "max_growth", status: .pass,
            message: "the first commit of \(context.budget.base): no earlier size to grow from",
            budgetLine: growth.position.line)
        ]
      }
      var result = RuleResult(
        rule: "max_growth", status: .unknown, limit: nil,
        message:
          "no measured base to compare with (\(context.baseMissing ?? "base \(context.budget.base)")): growth cannot be judged",
        budgetLine: growth.position.line)
      result.lacksMeasurement = true
      return [result]
    }
    let comparability = Comparability.between(context.measurement, base: base.measurement, metric: context.metric)
    if case .unknown(let reason) = comparability {
      return [
        RuleResult(
          rule: "max_growth", status: .unknown, message: "growth cannot be judged: \(reason)",
          budgetLine: growth.position.line)
      ]
    }
    let baseSize = base.measurement.bytes(for: context.metric.rawValue)
    let delta = context.size - baseSize
    let allowance = growth.value.allowance(over: baseSize)
    var against = "against \(base.commit.prefix(12))"
    var errorBound: Int64 = 0
    if case .estimated(let bound, let note) = comparability {
      errorBound = bound
      against +=
        " (≈: \(note); the estimate's error is up to ±\(Comparability.estimateErrorPercent) %, "
        + "\(ByteSize.format(bound)))"
    }
    let approximate =
      Comparability.isEstimate(context.measurement, context.metric)
      || Comparability.isEstimate(base.measurement, context.metric)
    let grew = (approximate ? "≈" : "") + ByteSize.formatDelta(delta)
    if delta <= allowance {
      return [
        RuleResult(
          rule: "max_growth", status: .pass, actual: delta, limit: allowance,
          message: "grew \(grew) \(against), within \(growth.value)", budgetLine: growth.position.line)
      ]
    }
    let overBy = ByteSize.format(delta - allowance)
    if delta - allowance <= errorBound {
      // Over the limit by less than the estimate may be wrong: a warning to look at,
      // never a failed gate on what may be the estimator's noise.
      return [
        RuleResult(
          rule: "max_growth", status: .warn, actual: delta, limit: allowance,
          message: "grew \(grew) \(against), over \(growth.value) by \(overBy), within the estimate's error: "
            + "not failed; measure both commits from the same kind of source to judge",
          budgetLine: growth.position.line)
      ]
    }
    if !context.justifications.isEmpty {
      let reasons = context.justifications.map { "\($0.commit.prefix(12)): \($0.reason)" }
      return [
        RuleResult(
          rule: "max_growth", status: .justified, actual: delta, limit: allowance,
          message: "grew \(grew) \(against), over \(growth.value) by \(overBy), "
            + "justified by Size-Budget: \(context.justifications.map(\.reason).joined(separator: "; "))",
          budgetLine: growth.position.line, details: reasons)
      ]
    }
    return [
      RuleResult(
        rule: "max_growth", status: .fail, actual: delta, limit: allowance,
        message: "grew \(grew) \(against), over \(growth.value) by \(overBy)",
        budgetLine: growth.position.line)
    ]
  }
}
