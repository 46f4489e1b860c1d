import Budgets

/// `max_wasted`: bytes that later layers delete or overwrite still ship in the image.
public struct WastedRule: BudgetRule {
  public init() {}

  public func evaluate(_ context: RuleContext) -> [RuleResult] {
    guard let limit = context.budget.maxWasted else { return [] }
    guard context.measurement.layersRead else { return [.layersNotRead("max_wasted", line: limit.position.line)] }
    let wasted = context.measurement.wastedBytes
    let over = wasted > limit.value.bytes
    return [
      RuleResult(
        rule: "max_wasted", status: over ? .fail : .pass, actual: wasted, limit: limit.value.bytes,
        message: "\(ByteSize.format(wasted)) wasted (deleted or overwritten by later layers)"
          + (over ? ", over max_wasted \(limit.value)" : ", within max_wasted \(limit.value)"),
        budgetLine: limit.position.line,
        details: over
          ? context.measurement.wasted.prefix(5).map {
            "\($0.path) \(ByteSize.format($0.bytes)) (added in layer \($0.addedIn), \($0.reason.rawValue) in \($0.hiddenIn))"
          } : [])
    ]
  }
}
