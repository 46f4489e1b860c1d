import Budgets
import Evaluation
import Formats
import Foundation
import Model
import Store
import TestHooks

extension Check {
  /// How far back along the base branch `loose_budget` looks for its measured
  /// commits: far enough for a measurement every few dozen commits, short enough
  /// that a sparsely measured history does not slow the gate.
  static let looseWalkLimit = 2_000

  /// The newest `loose_after` measured commits on the image's base branch, and what
  /// `budgets tighten` would set max to from the newest (the same plan, the same
  /// figure). Nil when the image has no max, the warning is off, or there are not
  /// yet that many measured commits.
  static func baseRun(
    _ budget: ImageBudget, finder: BaseFinder, newestKnown: BaseMeasurement?, _ context: CommandContext
  ) throws(CommandError) -> BaseRun? {
    guard budget.looseAfter > 0, budget.max != nil else { return nil }
    // Debug builds only: the tests break the store here, to see the failure reported.
    #if DEBUG
      FaultInjection.pauseIfAsked("loose-budget")
    #endif
    let commits: [String]
    do { commits = try finder.measuredOnBase(budget, count: budget.looseAfter, within: looseWalkLimit) } catch {
      // A base branch that does not resolve is already said by the growth lookup; a
      // store or history that failed is the command's failure (exit 4 when it could
      // not be reached), never "not loose".
      guard error.isUnresolvedBase else { throw .from(error) }
      return nil
    }
    guard commits.count >= budget.looseAfter else { return nil }
    let summaries: [MeasurementSummary]
    let store = try context.store()
    do { summaries = try store.summaries(commits: commits, image: budget.name) } catch { throw .from(error) }
    let sizeOf = Dictionary(summaries.map { ($0.commit, $0.bytes(for: budget.metric.rawValue)) }) { _, last in last }
    let sizes = commits.compactMap { sizeOf[$0] }
    let newest =
      newestKnown?.commit == commits[0]
      ? newestKnown?.measurement : try context.measurement(budget.name, at: commits[0])
    guard let newest, let slot = try maxSlot(budget, context) else {
      return BaseRun(base: budget.base, sizes: sizes, tightenedMax: nil)
    }
    let plan = Tightening.plan(
      budget, slots: [slot], measurement: newest, commit: commits[0], headroomPercent: budget.headroomPercent)
    guard case .lower(let number, let bytes)? = plan.proposals.first?.outcome else {
      return BaseRun(base: budget.base, sizes: sizes, tightenedMax: nil)
    }
    return BaseRun(
      base: budget.base, sizes: sizes,
      tightenedMax: (TightenText.proposed(number, unit: slot.unit, bytes: bytes), bytes))
  }

  /// `max` of the image as budgets.toml writes it (its unit), read from the file's text.
  private static func maxSlot(_ budget: ImageBudget, _ context: CommandContext) throws(CommandError)
    -> BudgetText.SizeSlot?
  {
    guard let data = FileManager.default.contents(atPath: context.budgetsPath),
      let text = try? BudgetText(Array(data), path: context.budgetsPath)
    else { return nil }
    return text.sizeSlots(image: budget.name).first { $0.key == .max }
  }
}
