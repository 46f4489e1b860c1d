import Budgets

/// `forbid`: files that must not be in the image, with the offending paths.
public struct ForbidRule: BudgetRule {
  public init() {}

  public func evaluate(_ context: RuleContext) -> [RuleResult] {
    context.budget.forbid.map { pattern in
      guard context.measurement.layersRead else {
        return .layersNotRead("forbid", subject: pattern.value.text, line: pattern.position.line)
      }
      guard let match = context.measurement.forbidden.first(where: { $0.pattern == pattern.value.text }) else {
        return RuleResult(
          rule: "forbid", subject: pattern.value.text, status: .unknown,
          message: "forbid \"\(pattern.value.text)\" was added after this measurement: measure again to check it",
          budgetLine: pattern.position.line)
      }
      guard match.files > 0 else {
        return RuleResult(
          rule: "forbid", subject: match.pattern, status: .pass, actual: 0,
          message: "nothing matches \"\(match.pattern)\"", budgetLine: pattern.position.line)
      }
      let shown = match.examples.prefix(10).map { "\($0.path) \(ByteSize.format($0.bytes)) (layer \($0.layer))" }
      let more = match.files > shown.count ? ["and \(match.files - shown.count) more"] : []
      return RuleResult(
        rule: "forbid", subject: match.pattern, status: .fail, actual: match.bytes,
        message: "\(grouped(match.files)) file\(match.files == 1 ? "" : "s") (\(ByteSize.format(match.bytes))) "
          + "match forbidden \"\(match.pattern)\"",
        budgetLine: pattern.position.line, details: shown + more)
    }
  }
}
