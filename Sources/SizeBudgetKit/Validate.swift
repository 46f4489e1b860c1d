import Budgets
import Formats

/// `sizebudget validate`: check budgets.toml and show what it says.
public enum Validate {
  public static func run(config: String?, terminal: TerminalStyle) throws(CommandError) -> String {
    let budgets = try Workspace.discover().loadBudgets(override: config)
    return BudgetSummary.render(budgets, terminal: terminal)
  }
}
