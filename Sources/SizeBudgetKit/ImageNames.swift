import Budgets
import Store

/// Which image a command is about. Images are the budgets' images: a name that
/// budgets.toml does not budget is a typo until shown otherwise, so it is refused
/// with "did you mean" instead of being measured, stored and shared under a new name.
extension CommandContext {
  /// The image to measure: `name`, which budgets.toml must budget unless `allowNew`
  /// (`measure --new-image`); without `name`, the one image budgets.toml budgets.
  public func imageToMeasure(_ name: String?, allowNew: Bool) throws(CommandError) -> String {
    let budgeted = try budgetsIfPresent()?.images.map(\.name)
    guard let name else { return try onlyImage(budgeted) }
    // No budgets.toml yet (a first measurement before `init --from`): nothing to check against.
    guard let budgeted, !allowNew, !budgeted.contains(name) else { return name }
    throw .usage(
      Self.unknownImage(name, budgeted: budgeted, budgetsPath: budgetsPath)
        + "; to measure an image it does not budget yet, add --new-image")
  }

  /// The image a reading command (log, diff, explain, packages, forget) is about:
  /// one budgets.toml budgets or the store has measured; without `name`, the one
  /// image budgets.toml budgets.
  public func knownImage(_ name: String?) throws(CommandError) -> String {
    guard let name else { return try onlyImage(try budgetsIfPresent()?.images.map(\.name)) }
    try requireKnown([name])
    return name
  }

  /// Refuses names that are neither budgeted nor measured (exit 2, did you mean).
  public func requireKnown(_ names: [String]) throws(CommandError) {
    guard !names.isEmpty else { return }
    let budgeted = try budgetsIfPresent()?.images.map(\.name) ?? []
    let budgetedSet = Set(budgeted)
    // The store is opened only when a name is not budgeted (measured with --new-image).
    guard names.contains(where: { !budgetedSet.contains($0) }) else { return }
    let store = try store()
    let measured: [String]
    do {
      measured = try store.imageNames()
    } catch {
      throw .usage(error.message)
    }
    let unbudgeted = measured.filter { !budgetedSet.contains($0) }
    for name in names where !budgetedSet.contains(name) && !unbudgeted.contains(name) {
      throw .usage(Self.unknownImage(name, budgeted: budgeted, measured: unbudgeted, budgetsPath: budgetsPath))
    }
  }

  /// The one budgeted image, when `--image` may be left out.
  private func onlyImage(_ budgeted: [String]?) throws(CommandError) -> String {
    guard let budgeted, !budgeted.isEmpty else {
      throw .usage("give --image NAME (there is no budgets.toml with an [image.NAME] to default to)")
    }
    guard budgeted.count == 1 else {
      throw .usage("give --image NAME: \(Workspace.displayPath(budgetsPath)) budgets \(list(budgeted))")
    }
    return budgeted[0]
  }

  /// The one message for an image name nothing knows, in every command:
  /// `no image "apii" in budgets.toml: did you mean "api"? it budgets api, web`, plus
  /// the images measured with --new-image where the command reads those too.
  static func unknownImage(_ name: String, budgeted: [String], measured: [String] = [], budgetsPath: String)
    -> String
  {
    let hint = Suggestion.closest(to: name, among: budgeted + measured).map { "did you mean \"\($0)\"? " } ?? ""
    let listed = budgeted.isEmpty ? "it budgets no image" : "it budgets " + budgeted.joined(separator: ", ")
    let others = measured.isEmpty ? "" : "; measured with --new-image: " + measured.joined(separator: ", ")
    return "no image \"\(name)\" in \(Workspace.displayPath(budgetsPath)): \(hint)\(listed)\(others)"
  }

  private func list(_ names: [String]) -> String { names.joined(separator: ", ") }
}
