import Analysis
import Budgets
import Model

/// `max_layer`: no single layer may weigh more. One result per layer over the limit,
/// or one passing result naming the largest layer (a passing rule is shown, not hidden).
public struct LayerMaxRule: BudgetRule {
  public init() {}

  public func evaluate(_ context: RuleContext) -> [RuleResult] {
    guard let limit = context.budget.maxLayer else { return [] }
    let metric = context.metric
    func size(_ layer: LayerMeasurement) -> Int64 {
      metric == .compressed ? layer.compressedBytes : layer.uncompressedBytes
    }
    let over = context.measurement.layers.filter { size($0) > limit.value.bytes }
    guard !over.isEmpty else {
      let largest = context.measurement.layers.max { size($0) < size($1) }
      return [
        RuleResult(
          rule: "max_layer", subject: largest.map { "layer \($0.index)" }, status: .pass, actual: largest.map(size),
          limit: limit.value.bytes,
          message: largest.map {
            "the largest layer, \($0.index), is \(ByteSize.format(size($0))) \(metric.rawValue), within max_layer \(limit.value)"
          } ?? "no layers, within max_layer \(limit.value)", budgetLine: limit.position.line)
      ]
    }
    return over.map { layer in
      let size = size(layer)
      return RuleResult(
        rule: "max_layer", subject: "layer \(layer.index)", status: .fail, actual: size, limit: limit.value.bytes,
        message: "layer \(layer.index) is \(ByteSize.format(size)) \(metric.rawValue), over max_layer \(limit.value)",
        budgetLine: limit.position.line, details: layer.createdBy.map { [$0] } ?? [], layer: layer.index)
    }
  }
}
