import Analysis
import Budgets

/// Finds what an unmeasured commit inherits. Evaluation reads git and the store only
/// through `CommitHistory` and `MeasurementSource`.
public struct InheritanceFinder {
  /// How far back along the first-parent line to look for a measured ancestor.
  public static let searchLimit = 1_000

  let history: any CommitHistory
  let store: any MeasurementSource
  /// budgets.toml's path in the repository: editing only it never changes an image.
  let budgetsPath: String
  /// What the walks learned, so that judging many commits of one line (a push, a
  /// log) walks it once.
  private let nearest = NearestMeasured()

  final class NearestMeasured {
    /// Per image, each commit's nearest measured first-parent ancestor (nil: none,
    /// the walk reached the root).
    var found: [String: [String: (commit: String, steps: Int)?]] = [:]
    /// Per image, the commits the store has no measurement of; and each commit's
    /// first parent as read (nil: a root). A walk that stopped at the limit proves
    /// nothing about the commits it passed, but the next one, from a commit a step
    /// lower, passes the same commits again: these spare it the store and git.
    var unmeasured: [String: Set<String>] = [:]
    var parents: [String: String?] = [:]
  }

  public init(history: any CommitHistory, store: any MeasurementSource, budgetsPath: String = "budgets.toml") {
    self.history = history
    self.store = store
    self.budgetsPath = budgetsPath
  }

  public enum Lookup {
    /// Nothing in context changed since the measured ancestor.
    case inherits(Inheritance, ImageMeasurement)
    /// The measured ancestor, and the paths in context changed since (the first few).
    case changed(ancestor: String, paths: [String])
    /// No measured commit within `searchLimit` first parents.
    case noMeasuredAncestor
  }

  /// What `commit` (which has no measurement of the image) may be judged with.
  public func lookup(_ budget: ImageBudget, at commit: String) throws(LookupError) -> Lookup {
    guard let (ancestor, steps) = try nearestMeasured(budget.name, from: commit) else { return .noMeasuredAncestor }
    let changed = try history.contextChanges(from: ancestor, to: commit, context: budget.context)
      .filter { $0 != budgetsPath }
    guard changed.isEmpty, let measurement = try store.measurement(image: budget.name, commit: ancestor) else {
      return .changed(ancestor: ancestor, paths: Array(changed.prefix(5)))
    }
    return .inherits(Inheritance(commit: ancestor, steps: steps), measurement)
  }

  /// The nearest measured first-parent ancestor of `commit` (not itself) within
  /// `searchLimit` steps, and how many steps back; what the walk learned is kept for
  /// every commit it passed.
  func nearestMeasured(_ image: String, from commit: String) throws(LookupError) -> (commit: String, steps: Int)? {
    var walked: [String] = []
    var current = try firstParent(commit)
    // The nearest measured ancestor, however far back (a remembered one may lie
    // beyond the limit); nil: none found.
    var ancestor: (commit: String, steps: Int)? = nil
    // Whether nil means none down to the root (and not "none within the limit").
    var reachedRoot = false
    while let id = current, walked.count < Self.searchLimit {
      if let known = nearest.found[image]?[id] {
        ancestor = known.map { ($0.commit, $0.steps + walked.count + 1) }
        reachedRoot = known == nil
        break
      }
      if nearest.unmeasured[image]?.contains(id) != true {
        if try store.hasMeasurement(image: image, commit: id) {
          ancestor = (id, walked.count + 1)
          break
        }
        nearest.unmeasured[image, default: []].insert(id)
      }
      walked.append(id)
      current = try firstParent(id)
    }
    if current == nil { reachedRoot = true }
    remember(ancestor, reachedRoot: reachedRoot, for: walked, image: image)
    // A fresh walk from `commit` stops at the limit: so does the answer.
    return ancestor.flatMap { $0.steps <= Self.searchLimit ? $0 : nil }
  }

  /// Each walked commit's answer is the same ancestor, fewer steps back, when within
  /// the limit; with none found, only a walk that reached the root is certain.
  private func remember(
    _ ancestor: (commit: String, steps: Int)?, reachedRoot: Bool, for walked: [String], image: String
  ) {
    guard ancestor != nil || reachedRoot else { return }
    for (index, id) in walked.enumerated() {
      let answer = ancestor.map { (commit: $0.commit, steps: $0.steps - index - 1) }
      if let answer, answer.steps > Self.searchLimit { continue }
      // (updateValue, not `found[id] = answer`: assigning a nil answer through the
      // subscript would remove the entry, and every later commit would walk to the root.)
      nearest.found[image, default: [:]].updateValue(answer, forKey: id)
    }
  }

  private func firstParent(_ commit: String) throws(LookupError) -> String? {
    if let known = nearest.parents[commit] { return known }
    let parent = try history.firstParent(commit)
    nearest.parents.updateValue(parent, forKey: commit)
    return parent
  }
}
