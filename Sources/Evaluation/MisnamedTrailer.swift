import Budgets
import Model

/// A `Size-Budget:` trailer whose name list names images budgets.toml does not budget
/// (`Size-Budget: apii: reason`). It justifies nothing for them: a typo must never
/// widen a waiver to every image. `check` warns on each image it could have meant.
public struct MisnamedTrailer: Sendable, Equatable {
  public var commit: String
  /// The names of the list that are not budgeted images, in the trailer's order.
  public var unknownNames: [String]
  /// The budgeted image each unknown name is nearest to, when one is near enough.
  public var suggestions: [String: String]
  /// Every name of the list, budgeted or not.
  public var named: [String]

  /// The trailer's unknown names, or nil when every name it lists is budgeted (or
  /// it lists none: the global form).
  public init?(_ justification: Justification, budgetedImages: Set<String>) {
    let unknown = (justification.images ?? []).filter { !budgetedImages.contains($0) }
    guard !unknown.isEmpty else { return nil }
    commit = justification.commit
    unknownNames = unknown
    let candidates = budgetedImages.sorted()
    suggestions = Dictionary(
      unknown.compactMap { name in Suggestion.closest(to: name, among: candidates).map { (name, $0) } },
      uniquingKeysWith: { first, _ in first })
    named = justification.images ?? []
  }

  /// Whether `image` is one the trailer could have meant: the did-you-mean of one of
  /// its unknown names, or, for a name near no image, any image it does not name.
  public func couldMean(_ image: String) -> Bool {
    if suggestions.values.contains(image) { return true }
    let unplaced = unknownNames.contains { suggestions[$0] == nil }
    return unplaced && !named.contains(image)
  }

  /// The warning on `image`: which commit, which names, did you mean.
  func message(for image: String) -> String {
    let names = unknownNames.map { "\"\($0)\"" }.joined(separator: ", ")
    let which = unknownNames.count == 1 ? "an image" : "images"
    let hint = unknownNames.compactMap { suggestions[$0] }.contains(image) ? " (did you mean \"\(image)\"?)" : ""
    return "the Size-Budget: trailer of \(commit.prefix(12)) names \(names), not \(which) budgets.toml budgets"
      + "\(hint): it justifies nothing for \(image); name budgeted images, or none for every image"
  }
}
