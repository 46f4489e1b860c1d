import Analysis
import Budgets

/// A commit judged with an ancestor's measurement, because nothing between them can
/// change the image: the diff touches nothing in the image's `context`, or only
/// budgets.toml.
public struct Inheritance: Sendable, Codable, Equatable {
  /// The measured ancestor (nearest on the first-parent line).
  public var commit: String
  /// First-parent steps from the judged commit back to it.
  public var steps: Int

  public init(commit: String, steps: Int) {
    self.commit = commit
    self.steps = steps
  }

  /// "measured at abc1234, nothing in context changed since".
  public var message: String { "measured at \(commit.prefix(12)), nothing in context changed since" }
}

/// Finds what an unmeasured commit inherits. Evaluation reads git and the store only
/// through `CommitHistory` and `MeasurementSource`.
public struct InheritanceFinder {
  /// How far back along the first-parent line to look for a measured ancestor.
  public static let searchLimit = 1_000

  let history: any CommitHistory
  let store: any MeasurementSource
  /// budgets.toml's path in the repository: editing only it never changes an image.
  let budgetsPath: String

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
    var current = try history.firstParent(commit)
    var steps = 1
    while let id = current, steps <= Self.searchLimit {
      if try store.hasMeasurement(image: budget.name, commit: id) {
        let changed = try history.contextChanges(from: id, to: commit, context: budget.context)
          .filter { $0 != budgetsPath }
        guard changed.isEmpty, let measurement = try store.measurement(image: budget.name, commit: id) else {
          return .changed(ancestor: id, paths: Array(changed.prefix(5)))
        }
        return .inherits(Inheritance(commit: id, steps: steps), measurement)
      }
      current = try history.firstParent(id)
      steps += 1
    }
    return .noMeasuredAncestor
  }
}
