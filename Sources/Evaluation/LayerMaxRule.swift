import Budgets

/// `max_layer`: no single layer may weigh more.
public struct LayerMaxRule: BudgetRule {
  public init() {}

  public func evaluate(_ context: RuleContext) -> [RuleResult] {
    guard let limit = context.budget.maxLayer else { return [] }
    let metric = context.metric
    return context.measurement.layers.compactMap { layer in
      let size = metric == .compressed ? layer.compressedBytes : layer.uncompressedBytes
      guard size > limit.value.bytes else { return nil }
      return RuleResult(
        rule: "max_layer", subject: "layer \(layer.index)", status: .fail, actual: size, limit: limit.value.bytes,
        message: "layer \(layer.index) is \(ByteSize.format(size)), over max_layer \(limit.value)",
        budgetLine: limit.position.line, details: layer.createdBy.map { [$0] } ?? [], layer: layer.index)
    }
  }
}
