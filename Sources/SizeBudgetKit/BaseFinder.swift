import Analysis
import Budgets
import Evaluation
import GitHistory
import Store

/// Finds what growth is measured against: the nearest measured commit on the
/// first-parent line from the merge-base of the commit and the budget's base branch.
struct BaseFinder {
  /// How far back along the first-parent line to look for a measurement.
  static let searchLimit = 10_000

  let repository: Repository
  let store: MeasurementStore
  /// Commits the caller knows are on the first-parent line of every budget's base
  /// branch (the site walks that line): their merge-base with the base is themselves,
  /// and libgit2's merge-base walk from the tip, once per commit, would make a long
  /// history quadratic.
  var onBase: Set<String> = []

  enum Lookup {
    case found(BaseMeasurement)
    /// No measured commit; `start` is where one would be needed.
    case missing(reason: String, start: ObjectID?)
    /// The commit is the first of the base branch: nothing came before it.
    case firstCommit
  }

  func base(for budget: ImageBudget, at commit: ObjectID) throws(CommandError) -> Lookup {
    let baseTip: ObjectID
    do {
      baseTip = try repository.resolveBranch(budget.base)
    } catch {
      return .missing(reason: "base \(error.message), or set base in budgets.toml", start: nil)
    }
    let knownOnBase = onBase.contains(commit.hex)
    guard
      let mergeBase = knownOnBase
        ? commit : try gitCall({ () throws(GitError) in try repository.mergeBase(commit, baseTip) })
    else {
      return .missing(reason: "\(commit.short) and \(budget.base) share no history", start: nil)
    }
    // On the base branch itself the merge-base is the commit: compare with what came before.
    let onBase = mergeBase == commit
    guard let start = onBase ? try gitCall({ () throws(GitError) in try repository.firstParent(commit) }) : mergeBase
    else {
      return .firstCommit
    }
    var current: ObjectID? = start
    var steps = 0
    while let id = current, steps < Self.searchLimit {
      let measured = try storeCall { () throws(StoreError) in
        try store.hasMeasurement(image: budget.name, commit: id.hex)
      }
      if measured,
        let measurement = try storeCall({ () throws(StoreError) in
          try store.measurement(image: budget.name, commit: id.hex)
        })
      {
        let subject = try? repository.commit(id).subject
        let back = steps == 0 ? "" : ", \(steps) commit\(steps == 1 ? "" : "s") further back"
        let how =
          onBase
          ? "the nearest measured first parent of \(commit.short) on \(budget.base)\(back)"
          : "the merge-base of \(commit.short) and \(budget.base)\(back)"
        return .found(BaseMeasurement(commit: id.hex, subject: subject, measurement: measurement, how: how))
      }
      current = try gitCall { () throws(GitError) in try repository.firstParent(id) }
      steps += 1
    }
    return .missing(
      reason: "no measurement of \(budget.name) on \(budget.base) at or before \(start.short)", start: start)
  }

  /// `Size-Budget:` trailers of the commits after the base up to the commit.
  func justifications(from base: String?, to commit: ObjectID) -> [Justification] {
    let range = RevisionRange(
      include: [commit], exclude: base.flatMap { ObjectID(hex: $0) }.map { [$0] } ?? [], text: "")
    var found: [Justification] = []
    var visited = 0
    try? repository.walk(range) { id in
      visited += 1
      if let info = try? repository.commit(id) {
        found += info.sizeBudgetReasons.map { Justification(commit: id.hex, reason: $0) }
      }
      return visited < Self.searchLimit
    }
    return found
  }

  private func gitCall<T>(_ body: () throws(GitError) -> T) throws(CommandError) -> T {
    do { return try body() } catch { throw .usage(error.message) }
  }

  private func storeCall<T>(_ body: () throws(StoreError) -> T) throws(CommandError) -> T {
    do { return try body() } catch { throw .usage(error.message) }
  }
}
