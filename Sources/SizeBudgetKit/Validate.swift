import Budgets
import Formats

/// `sizebudget validate`: check budgets.toml and show what it says.
public enum Validate {
  public static func run(in context: CommandContext, terminal: TerminalStyle) throws(CommandError) -> String {
    let budgets = try context.budgets()
    return BudgetSummary.render(budgets, terminal: terminal)
  }
}
