import Budgets

/// `max` and `warn`: the image's size against absolute limits. A `Size-Budget:`
/// trailer never waives `max`.
public struct MaxRule: BudgetRule {
  public init() {}

  public func evaluate(_ context: RuleContext) -> [RuleResult] {
    if context.metric == .uncompressed && !context.measurement.layersRead {
      return [.layersNotRead("max", line: context.budget.max?.position.line)]
    }
    var results: [RuleResult] = []
    let size = context.size
    if let max = context.budget.max {
      let over = size - max.value.bytes
      results.append(
        RuleResult(
          rule: "max", status: over > 0 ? .fail : .pass, actual: size, limit: max.value.bytes,
          message: over > 0
            ? "\(context.metricName) \(ByteSize.format(size)) is over max \(max.value) by \(ByteSize.format(over))"
            : "\(context.metricName) \(ByteSize.format(size)) is within max \(max.value) "
              + "(\(ByteSize.format(-over)) headroom)",
          budgetLine: max.position.line))
    }
    // Over max, the warning level says nothing more; under it, a passing `warn` is shown.
    if let warn = context.budget.warn, context.budget.max.map({ size <= $0.value.bytes }) ?? true {
      let over = size > warn.value.bytes
      results.append(
        RuleResult(
          rule: "warn", status: over ? .warn : .pass, actual: size, limit: warn.value.bytes,
          message: over
            ? "\(context.metricName) \(ByteSize.format(size)) is over the warning level \(warn.value)"
            : "\(context.metricName) \(ByteSize.format(size)) is under the warning level \(warn.value)",
          budgetLine: warn.position.line))
    }
    return results
  }
}
