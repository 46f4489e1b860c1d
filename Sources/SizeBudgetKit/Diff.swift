import Analysis
import Evaluation
import Formats
import GitHistory
import Model
import Store

/// `sizebudget diff REV1 REV2 --image NAME`.
public enum Diff {
  public enum Format: String, Sendable, CaseIterable { case text, json, markdown }

  public struct Request: Sendable {
    public var old: String
    public var new: String
    /// nil: the one image budgets.toml budgets.
    public var image: String?
    public var format: Format = .text
    /// How many paths that changed most to list.
    public var limit = 20

    public init(old: String, new: String, image: String?) {
      self.old = old
      self.new = new
      self.image = image
    }
  }

  public static func run(_ request: Request, in context: CommandContext, terminal: TerminalStyle) throws(CommandError)
    -> String
  {
    var request = request
    request.image = try context.knownImage(request.image)
    let image = request.image!
    let oldCommit = try context.resolveCommit(request.old)
    let newCommit = try context.resolveCommit(request.new)
    // A commit without its own measurement is read through the one it inherits, as check judges it.
    guard let (old, oldInherited) = try context.judgedMeasurement(image, at: oldCommit) else {
      throw CommandError(.missingMeasurement, missing(image, request.old, oldCommit))
    }
    guard let (new, newInherited) = try context.judgedMeasurement(image, at: newCommit) else {
      throw CommandError(.missingMeasurement, missing(image, request.new, newCommit))
    }
    let diff = MeasurementDiff.between(old, new, pathLimit: request.limit)
    // In the budget's metric, as check splits the same growth.
    let metric = try context.budgetsIfPresent().map { $0.image(named: image)?.metric ?? $0.defaults.metric }
    let split = GrowthSplit.between(old, new, metric: metric ?? .compressed)
    if request.format == .json {
      struct Document: Encodable {
        let schema = "sizebudget.diff/v1"
        var image: String
        var old: String
        var new: String
        /// Set for a side with no measurement of its own, read through its measured ancestor's.
        var oldInherited: Inheritance?
        var newInherited: Inheritance?
        var diff: MeasurementDiff
        /// The change split into base image and own layers (check's `growth_split`),
        /// in `metric`, the image's budget metric.
        var metric: String
        var growthSplit: GrowthSplit?
        /// The Dockerfile line of each side's layers, when the image names one.
        var oldSources: LayerSources?
        var newSources: LayerSources?
      }
      return encodeJSON(
        Document(
          image: image, old: oldCommit, new: newCommit, oldInherited: oldInherited, newInherited: newInherited,
          diff: diff, metric: (metric ?? .compressed).rawValue, growthSplit: split,
          oldSources: try Explain.layerSources(old, context), newSources: try Explain.layerSources(new, context)))
    }
    let records = (try? context.store().commits([oldCommit, newCommit])) ?? [:]
    let oldSide = DiffText.Side(
      label: request.old, commit: oldCommit, subject: records[oldCommit]?.subject,
      sources: try Explain.layerSources(old, context), inherited: oldInherited)
    let newSide = DiffText.Side(
      label: request.new, commit: newCommit, subject: records[newCommit]?.subject,
      sources: try Explain.layerSources(new, context), inherited: newInherited)
    let splitShown = split.map { DiffText.Split(split: $0, metric: (metric ?? .compressed).rawValue) }
    if request.format == .markdown {
      return DiffText.markdown(diff, image: image, old: oldSide, new: newSide, split: splitShown)
    }
    return TextWrap.fit(
      DiffText.render(diff, image: image, old: oldSide, new: newSide, split: splitShown, terminal: terminal),
      width: TextWrap.lineWidth())
  }

  static func missing(_ image: String, _ revision: String, _ commit: String) -> String {
    "\(image) has no measurement at \(revision) (\(commit.prefix(12))): make one with "
      + "sizebudget measure SOURCE --image \(image) --commit \(commit.prefix(12))"
  }
}
