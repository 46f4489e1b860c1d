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
      return [
        RuleResult(
          rule: "max_growth", status: .unknown, limit: nil,
          message:
            "no measured base to compare with (\(context.baseMissing ?? "base \(context.budget.base)")): growth cannot be judged",
          budgetLine: growth.position.line)
      ]
    }
    let baseSize = base.measurement.bytes(for: context.metric.rawValue)
    let delta = context.size - baseSize
    let allowance = growth.value.allowance(over: baseSize)
    let against = "against \(base.commit.prefix(12))"
    if delta <= allowance {
      return [
        RuleResult(
          rule: "max_growth", status: .pass, actual: delta, limit: allowance,
          message: "grew \(ByteSize.formatDelta(delta)) \(against), within \(growth.value)",
          budgetLine: growth.position.line)
      ]
    }
    let overBy = ByteSize.format(delta - allowance)
    if !context.justifications.isEmpty {
      let reasons = context.justifications.map { "\($0.commit.prefix(12)): \($0.reason)" }
      return [
        RuleResult(
          rule: "max_growth", status: .justified, actual: delta, limit: allowance,
          message: "grew \(ByteSize.formatDelta(delta)) \(against), over \(growth.value) by \(overBy), "
            + "justified by Size-Budget: \(context.justifications.map(\.reason).joined(separator: "; "))",
          budgetLine: growth.position.line, details: reasons, layer: largestAddedLayer(base, context))
      ]
    }
    return [
      RuleResult(
        rule: "max_growth", status: .fail, actual: delta, limit: allowance,
        message: "grew \(ByteSize.formatDelta(delta)) \(against), over \(growth.value) by \(overBy)",
        budgetLine: growth.position.line, layer: largestAddedLayer(base, context))
    ]
  }

  /// The biggest layer the base does not have: where a reviewer looks first.
  func largestAddedLayer(_ base: BaseMeasurement, _ context: RuleContext) -> Int? {
    MeasurementDiff.layerChanges(base.measurement, context.measurement).filter { $0.kind == .added }
      .max { $0.compressedBytes < $1.compressedBytes }?.index
  }
}
