import Budgets

/// The newest measured commits of an image on its base branch, as check sees them.
public struct BaseRun: Sendable {
  /// The base branch.
  public var base: String
  /// Their sizes in the budget's metric, newest first.
  public var sizes: [Int64]
  /// What `budgets tighten` would set max to now, as tighten says it
  /// (`TightenText.proposed`: "1235 MB" as the file would write it, or "2.31 MB
  /// (written "2.2 MiB")" for a binary unit), and those bytes; nil when it would not
  /// lower max.
  public var tightenedMax: (text: String, bytes: Int64)?

  public init(base: String, sizes: [Int64], tightenedMax: (text: String, bytes: Int64)?) {
    self.base = base
    self.sizes = sizes
    self.tightenedMax = tightenedMax
  }
}

/// `loose_budget`: an image that has stayed more than its headroom under `max` for
/// `loose_after` measured commits in a row on the base branch has a budget that no
/// longer guards anything (the next regression fits under it). A warning only: it
/// never fails the gate, and it names the command that tightens the budget.
public struct LooseBudgetRule: BudgetRule {
  public init() {}

  public func evaluate(_ context: RuleContext) -> [RuleResult] {
    let budget = context.budget
    let count = budget.looseAfter
    guard count > 0, let max = budget.max, let run = context.baseRun, run.sizes.count >= count,
      let tightened = run.tightenedMax
    else { return [] }
    let recent = run.sizes.prefix(count)
    let ceiling = max.value.bytes - max.value.bytes / 100 * Int64(budget.headroomPercent)
    guard let largest = recent.max(), largest <= ceiling else { return [] }
    return [
      RuleResult(
        rule: "loose_budget", status: .warn, actual: largest, limit: ceiling,
        message: "\(budget.name) has been ≥ \(budget.headroomPercent)% under its \(max.value) budget for the last "
          + "\(count) measured commits on \(run.base): `sizebudget budgets tighten` would set \(tightened.text)",
        budgetLine: max.position.line,
        details: [
          "the largest of them: \(context.metricName) \(ByteSize.format(largest)); "
            + "headroom and loose_after in budgets.toml set when this warns"
        ])
    ]
  }
}
