import Analysis
import Budgets
import Formats

/// `sizebudget validate`: check budgets.toml and show what it says, then what the
/// latest measurements say about it.
public enum Validate {
  public static func run(in context: CommandContext, terminal: TerminalStyle) throws(CommandError) -> String {
    let budgets = try context.budgets()
    let notes = forbidNotes(budgets, context)
    return BudgetSummary.render(budgets, terminal: terminal)
      + (notes.isEmpty ? "" : "\n\n" + terminal.apply(.warning, "notes:") + "\n" + notes.joined(separator: "\n"))
  }

  /// Forbid patterns that, in an image's latest measurement, match only symbolic
  /// links (or only files that weigh nothing): the pattern likely means the files
  /// the links point to. Nothing to say without a repository or a store.
  static func forbidNotes(_ budgets: BudgetFile, _ context: CommandContext) -> [String] {
    guard context.repositoryIfAny != nil, let store = try? context.store() else { return [] }
    var notes: [String] = []
    for budget in budgets.images where !budget.forbid.isEmpty {
      guard let latest = (try? store.summaries(image: budget.name))?.first,
        let measurement = try? store.measurement(image: budget.name, commit: latest.commit)
      else { continue }
      let at = "in the latest measurement of \(budget.name) (\(latest.commit.prefix(12)))"
      for pattern in budget.forbid {
        guard let match = measurement.forbidden.first(where: { $0.pattern == pattern.value.text }), match.files > 0
        else { continue }
        let location = "\(budgets.path):\(pattern.position.line): forbid \"\(match.pattern)\""
        let links = match.examples.filter { $0.symlinkTarget != nil }
        if links.count == match.files {
          let example = links[0]
          notes.append(
            "  \(location) matches only symbolic links \(at), e.g. \(example.path) → \(example.symlinkTarget!): "
              + "they ship their targets' bytes (\(ByteSize.format(match.bytes))); a pattern naming the files "
              + "themselves says what is meant")
        } else if match.bytes == 0 {
          notes.append(
            "  \(location) matches only files that weigh nothing \(at) (empty files, or links from a measurement "
              + "made before links were followed): measure again, or name the files themselves")
        }
      }
    }
    return notes
  }
}
