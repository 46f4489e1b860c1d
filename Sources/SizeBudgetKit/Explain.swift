import Analysis
import Budgets
import Evaluation
import Formats
import GitHistory
import Model

/// `sizebudget explain [REV] --image NAME` and `sizebudget packages [REV] --image NAME`:
/// read from the stored measurement, so no image is needed.
public enum Explain {
  public static func run(
    revision: String?, image: String?, format: String, in context: CommandContext, terminal: TerminalStyle
  ) throws(CommandError) -> String {
    let image = try context.knownImage(image)
    let (measurement, inherited) = try load(revision: revision, image: image, context)
    let findings = Findings.all(in: measurement)
    let sources = try layerSources(measurement, context)
    switch format {
    case "json": return ExplainReport.json(measurement, findings: findings, sources: sources, inherited: inherited)
    case "markdown":
      return inheritedLine(inherited, revision, markdown: true)
        + ExplainReport.markdown(measurement, findings: findings, sources: sources)
    default:
      let metric = try context.budgetsIfPresent().map { $0.image(named: image)?.metric ?? $0.defaults.metric }
      return inheritedLine(inherited, revision, markdown: false)
        + ExplainReport.text(
          measurement, findings: findings, sources: sources, metric: metric ?? .compressed, terminal: terminal)
    }
  }

  /// "HEAD has no measurement of its own: measured at abc…, nothing in context changed
  /// since", said first so that the commit named under it is not taken for the one asked.
  static func inheritedLine(_ inherited: Inheritance?, _ revision: String?, markdown: Bool) -> String {
    guard let inherited else { return "" }
    let line = "\(revision ?? "HEAD") has no measurement of its own: \(inherited.message)"
    return (markdown ? "_\(line)_" : line) + "\n" + (markdown ? "\n" : "")
  }

  /// The Dockerfile lines of the measurement's layers, when budgets.toml names the
  /// image's Dockerfile (explain and diff work without budgets.toml too).
  static func layerSources(_ measurement: ImageMeasurement, _ context: CommandContext) throws(CommandError)
    -> LayerSources?
  {
    guard let budget = try context.budgetsIfPresent()?.image(named: measurement.image), budget.dockerfile != nil
    else { return nil }
    return DockerfileSources.of(measurement, budget: budget, repository: try context.repository())
  }

  public static func packages(
    revision: String?, image: String?, limit: Int?, format: String, in context: CommandContext,
    terminal: TerminalStyle
  ) throws(CommandError) -> String {
    let image = try context.knownImage(image)
    let (measurement, inherited) = try load(revision: revision, image: image, context)
    if format == "markdown" {
      return inheritedLine(inherited, revision, markdown: true)
        + ExplainReport.packagesMarkdown(measurement, limit: limit)
    }
    if format == "json" {
      struct Document: Encodable {
        let schema = "sizebudget.packages/v1"
        var image: String
        var commit: String
        /// Set when the commit asked about is read through its measured ancestor's measurement.
        var inherited: Inheritance?
        var packages: [PackageSize]
      }
      return encodeJSON(
        Document(image: image, commit: measurement.commit, inherited: inherited, packages: measurement.packages))
    }
    return inheritedLine(inherited, revision, markdown: false)
      + ExplainReport.packages(measurement, limit: limit, terminal: terminal)
  }

  /// The measurement REV is judged by: its own, or the one it inherits (as check judges it).
  static func load(revision: String?, image: String, _ context: CommandContext) throws(CommandError)
    -> (ImageMeasurement, Inheritance?)
  {
    let commit = try context.resolveCommit(revision)
    guard let (measurement, inherited) = try context.judgedMeasurement(image, at: commit) else {
      throw CommandError(
        .missingMeasurement,
        "\(image) has no measurement at \(revision ?? "HEAD") (\(commit.prefix(12))): make one with "
          + "sizebudget measure SOURCE --image \(image)" + (revision == nil ? "" : " --commit \(commit.prefix(12))"))
    }
    guard measurement.layersRead else {
      throw .usage(
        "\(image) at \(measurement.commit.prefix(12)) was measured from a registry's manifest only: "
          + "measure it with --paths")
    }
    return (measurement, inherited)
  }
}
