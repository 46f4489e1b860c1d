import Analysis
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
    let measurement = try load(revision: revision, image: try context.knownImage(image), context)
    let findings = Findings.all(in: measurement)
    let sources = try layerSources(measurement, context)
    switch format {
    case "json": return ExplainReport.json(measurement, findings: findings, sources: sources)
    case "markdown": return ExplainReport.markdown(measurement, findings: findings, sources: sources)
    default: return ExplainReport.text(measurement, findings: findings, sources: sources, terminal: terminal)
    }
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
    let measurement = try load(revision: revision, image: image, context)
    if format == "markdown" { return ExplainReport.packagesMarkdown(measurement, limit: limit) }
    if format == "json" {
      struct Document: Encodable {
        let schema = "sizebudget.packages/v1"
        var image: String
        var commit: String
        var packages: [PackageSize]
      }
      return encodeJSON(Document(image: image, commit: measurement.commit, packages: measurement.packages))
    }
    return ExplainReport.packages(measurement, limit: limit, terminal: terminal)
  }

  static func load(revision: String?, image: String, _ context: CommandContext) throws(CommandError)
    -> ImageMeasurement
  {
    let commit = try context.resolveCommit(revision)
    guard let measurement = try context.measurement(image, at: commit) else {
      throw CommandError(
        .missingMeasurement,
        "\(image) has no measurement at \(revision ?? "HEAD") (\(commit.prefix(12))): make one with "
          + "sizebudget measure SOURCE --image \(image)" + (revision == nil ? "" : " --commit \(commit.prefix(12))"))
    }
    guard measurement.layersRead else {
      throw .usage(
        "\(image) at \(commit.prefix(12)) was measured from a registry's manifest only: measure it with --paths")
    }
    return measurement
  }
}
