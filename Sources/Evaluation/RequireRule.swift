import Budgets

/// `require`: paths that must stay, a guard against slimming too far.
public struct RequireRule: BudgetRule {
  public init() {}

  public func evaluate(_ context: RuleContext) -> [RuleResult] {
    context.budget.require.map { path in
      guard context.measurement.layersRead else {
        return .layersNotRead("require", subject: path.value, line: path.position.line)
      }
      guard let found = context.measurement.required.first(where: { $0.path == path.value }) else {
        return RuleResult(
          rule: "require", subject: path.value, status: .unknown,
          message: "require \"\(path.value)\" was added after this measurement: measure again to check it",
          budgetLine: path.position.line)
      }
      return found.present
        ? RuleResult(
          rule: "require", subject: path.value, status: .pass, actual: found.bytes,
          message: "\(path.value) is present (\(ByteSize.format(found.bytes)))", budgetLine: path.position.line)
        : RuleResult(
          rule: "require", subject: path.value, status: .fail,
          message: "required \(path.value) is missing from the image", budgetLine: path.position.line)
    }
  }
}
