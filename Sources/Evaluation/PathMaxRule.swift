import Budgets
import Model

/// `[image.NAME.paths]`: caps on the bytes under a directory.
public struct PathMaxRule: BudgetRule {
  public init() {}

  public func evaluate(_ context: RuleContext) -> [RuleResult] {
    context.budget.paths.map { cap in
      guard context.measurement.layersRead else {
        return .layersNotRead("path", subject: cap.path, line: cap.limit.position.line)
      }
      let bytes = context.measurement.bytes(at: cap.path)
      let over = bytes > cap.limit.value.bytes
      var details: [String] = []
      if over, let base = context.base {
        let before = base.measurement.bytes(at: cap.path)
        details.append(
          "was \(ByteSize.format(before)) at \(base.commit.prefix(12)) (\(ByteSize.formatDelta(bytes.saturatingSubtracting(before))))"
        )
      }
      return RuleResult(
        rule: "path", subject: cap.path, status: over ? .fail : .pass, actual: bytes, limit: cap.limit.value.bytes,
        message: "\(cap.path) holds \(ByteSize.format(bytes))"
          + (over ? ", over its cap \(cap.limit.value)" : ", within its cap \(cap.limit.value)"),
        budgetLine: cap.limit.position.line, details: details)
    }
  }
}
