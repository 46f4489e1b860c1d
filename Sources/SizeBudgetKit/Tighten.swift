import Budgets
import Evaluation
import Formats
import Foundation
import TestHooks

/// `sizebudget budgets tighten`: lowers `max`, `warn` and path caps in budgets.toml to
/// the latest measurement on the base branch plus headroom, editing the file's text
/// in place (Budgets.BudgetText) and printing the diff.
public enum Tighten {
  public struct Request: Sendable {
    /// Room above the measured size; nil: each image's `headroom` in budgets.toml.
    public var headroomPercent: Int? = nil
    /// Print what would change and leave the file as it is.
    public var dryRun = false
    /// Read measurements on this branch instead of each image's `base`.
    public var base: String? = nil

    public init() {}
  }

  public static func run(_ request: Request, in context: CommandContext) throws(CommandError) -> String {
    if let percent = request.headroomPercent, !(1...1000).contains(percent) {
      throw .usage("--headroom must be a percentage from 1% to 1000%, got \(percent)%")
    }
    // A file that does not validate today is mended by hand first.
    let budgets = try context.budgets()
    let path = context.budgetsPath
    let text = try readText(path)
    let repository = try context.repository()
    let finder = BaseFinder(
      history: RepositoryHistory(repository: repository), store: StoreMeasurements(store: try context.store()))
    var plans: [Tightening.ImagePlan] = []
    for var budget in budgets.images {
      if let base = request.base { budget.base = base }
      if let percent = request.headroomPercent { budget.headroomPercent = percent }
      plans.append(try plan(budget, text: text, finder: finder, request: request, context: context))
    }
    let edits = plans.flatMap(\.proposals).compactMap { proposal -> (BudgetText.SizeSlot, String)? in
      guard case .lower(let number, _) = proposal.outcome else { return nil }
      return (proposal.slot, number)
    }
    let edited = text.replacing(edits)
    try check(edited, against: plans, path: path)
    let diff = UnifiedDiff.render(
      old: String(decoding: text.bytes, as: UTF8.self), new: String(decoding: edited, as: UTF8.self),
      path: Workspace.displayPath(path))
    if !request.dryRun && !edits.isEmpty { try write(edited, to: path) }
    return TightenText.render(
      plans, diff: diff, path: Workspace.displayPath(path), dryRun: request.dryRun)
  }

  private static func plan(
    _ budget: ImageBudget, text: BudgetText, finder: BaseFinder, request: Request, context: CommandContext
  ) throws(CommandError) -> Tightening.ImagePlan {
    // Debug builds only: the tests break the store here, to see the failure reported.
    #if DEBUG
      FaultInjection.pauseIfAsked("tighten")
    #endif
    let commits: [String]
    // A store lost here is the command's failure (exit 4), never "not measured".
    do { commits = try finder.measuredOnBase(budget, count: 1) } catch { throw .from(error) }
    guard let commit = commits.first, let measurement = try context.measurement(budget.name, at: commit) else {
      return Tightening.skipped(
        budget, headroomPercent: budget.headroomPercent,
        reason: "no measurement of \(budget.name) on \(budget.base)'s first-parent line: measure a commit there "
          + "(sizebudget measure SOURCE --image \(budget.name) --commit \(budget.base))")
    }
    return Tightening.plan(
      budget, slots: text.sizeSlots(image: budget.name), measurement: measurement, commit: commit,
      headroomPercent: budget.headroomPercent)
  }

  /// The edited file must read as valid budgets, with each lowered value where the
  /// plan put it; otherwise nothing is written.
  private static func check(_ edited: [UInt8], against plans: [Tightening.ImagePlan], path: String)
    throws(CommandError)
  {
    let reread: BudgetText
    do {
      _ = try BudgetParser.parse(edited, path: path)
      reread = try BudgetText(edited, path: path)
    } catch {
      throw .usage("the tightened \(Workspace.displayPath(path)) would not validate, so nothing was written:\n\(error)")
    }
    for plan in plans {
      let slots = reread.sizeSlots(image: plan.image)
      for proposal in plan.proposals {
        guard case .lower(_, let bytes) = proposal.outcome else { continue }
        let now = slots.first { $0.key == proposal.slot.key }?.current.bytes
        guard now == bytes else {
          throw .usage(
            "tightening \(plan.image) \(proposal.slot.key) would not read back as \(ByteSize.format(bytes)), "
              + "so nothing was written")
        }
      }
    }
  }

  private static func readText(_ path: String) throws(CommandError) -> BudgetText {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw .usage("cannot read \(Workspace.displayPath(path))")
    }
    do { return try BudgetText(Array(data), path: Workspace.displayPath(path)) } catch {
      throw .usage(error.description)
    }
  }

  /// Replaces the file whole (a reader never sees half of it) and keeps its mode.
  private static func write(_ bytes: [UInt8], to path: String) throws(CommandError) {
    let temporary = path + ".tighten-\(ProcessInfo.processInfo.processIdentifier)"
    do {
      let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]
      try Data(bytes).write(to: URL(fileURLWithPath: temporary))
      if let mode { try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: temporary) }
      guard rename(temporary, path) == 0 else {
        throw CocoaError(.fileWriteUnknown)
      }
    } catch {
      try? FileManager.default.removeItem(atPath: temporary)
      throw .usage("cannot write \(Workspace.displayPath(path)): \(error.localizedDescription)")
    }
  }
}
