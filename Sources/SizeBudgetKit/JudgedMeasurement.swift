import Evaluation
import Model

extension CommandContext {
  /// The measurement a commit is judged by, as `check` judges it: its own, or, for a
  /// budgeted image, its measured ancestor's when nothing in the image's context
  /// changed since (nil: neither). explain, packages and diff read through it so that
  /// they agree with check about a commit that only edited docs or budgets.toml.
  func judgedMeasurement(_ image: String, at commit: String) throws(CommandError)
    -> (ImageMeasurement, Inheritance?)?
  {
    if let own = try measurement(image, at: commit) { return (own, nil) }
    guard let budget = try budgetsIfPresent()?.image(named: image) else { return nil }
    let finder = try Check.inheritanceFinder(self)
    let lookup: InheritanceFinder.Lookup
    do { lookup = try finder.lookup(budget, at: commit) } catch { throw .usage(error.message) }
    guard case .inherits(let found, let measurement) = lookup else { return nil }
    return (measurement, found)
  }
}
