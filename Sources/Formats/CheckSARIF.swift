import Evaluation
import Foundation

/// `check --format sarif`: SARIF 2.1.0 for code-scanning views. Each result that is
/// not a pass is placed on the Dockerfile line of its layer when the image names a
/// Dockerfile and the layer was matched, else on the budgets.toml line that sets the
/// limit (that line is also a related location).
public enum CheckSARIF {
  static let schema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

  struct Log: Encodable {
    var schema = CheckSARIF.schema
    var version = "2.1.0"
    var runs: [Run]
    enum CodingKeys: String, CodingKey {
      case schema = "$schema"
      case version, runs
    }
  }

  struct Run: Encodable {
    var tool: Tool
    var results: [Result]
    var originalUriBaseIds = ["SRCROOT": ArtifactLocation(uri: "./")]
    enum CodingKeys: String, CodingKey {
      case tool, results
      case originalUriBaseIds = "originalUriBaseIds"
    }
  }

  struct Tool: Encodable { var driver: Driver }

  struct Driver: Encodable {
    var name = "sizebudget"
    var rules: [Rule]
  }

  struct Rule: Encodable {
    var id: String
    var shortDescription: Message
  }

  struct Message: Encodable { var text: String }

  struct Result: Encodable {
    var ruleId: String
    var ruleIndex: Int
    var level: String
    var message: Message
    var locations: [Location]
    var relatedLocations: [Location]?
    var properties: [String: String]
  }

  struct Location: Encodable {
    var id: Int?
    var physicalLocation: PhysicalLocation
    var message: Message?
  }

  struct PhysicalLocation: Encodable {
    var artifactLocation: ArtifactLocation
    var region: Region?
  }

  struct ArtifactLocation: Encodable {
    var uri: String
    var uriBaseId: String?

    init(uri: String, uriBaseId: String? = nil) {
      self.uri = uri
      self.uriBaseId = uriBaseId
    }
  }

  struct Region: Encodable { var startLine: Int }

  /// What each budgets.toml rule checks, for the code-scanning rule list.
  static let descriptions: [String: String] = [
    "max": "The image's size is over its budget.",
    "warn": "The image's size is over its warning level.",
    "max_growth": "The image grew more than allowed since its base.",
    "max_layer": "A layer is bigger than allowed.",
    "max_wasted": "Bytes deleted or overwritten by later layers still ship in the image.",
    "forbid": "Files that must not be in the image are in it.",
    "require": "A file the image must have is missing.",
    "path": "A path holds more than its cap.",
    "finding": "Bytes the image does not need (sizebudget explain tells how to remove them).",
    "loose_budget": "The image has stayed well under its max for many measured commits: sizebudget budgets tighten.",
    "not_judged": "The image could not be judged: its measurement is missing or stale, or a rule cannot be evaluated.",
    "base_image": "The base image was rebuilt upstream (its layers changed).",
  ]

  public static func render(_ report: CheckReport) -> String {
    var ruleIDs: [String] = []
    var results: [Result] = []
    func index(_ rule: String) -> Int {
      if !ruleIDs.contains(rule) { ruleIDs.append(rule) }
      return ruleIDs.firstIndex(of: rule)!
    }
    for image in report.images {
      if let rebuilt = image.growthSplit?.baseLine {
        results.append(
          imageResult(
            "base_image", index("base_image"), "note", "\(image.image): \(rebuilt)", image.image, image.commit, report,
            line: image.limits.line))
      }
      // The gate failed without a rule failing: code scanning must not show a clean run.
      let verdict = image.verdict
      if [.stale, .missing, .error].contains(verdict.status) {
        results.append(
          imageResult(
            "not_judged", index("not_judged"), "error", "\(image.image): \(verdict.headline)", image.image,
            image.commit, report, line: image.limits.line))
      }
      for result in image.results {
        guard let level = level(result.status) else { continue }
        results.append(sarifResult(result, image, report, ruleIndex: index(result.rule), level))
      }
    }
    for missing in report.missing {
      let reason = missing.reason.map { " (\($0))" } ?? ""
      results.append(
        imageResult(
          "not_judged", index("not_judged"), "error",
          "\(missing.image): no measurement at \(missing.commit.prefix(12))\(reason); run: \(missing.command)",
          missing.image, missing.commit, report, line: nil))
    }
    let rules = ruleIDs.map {
      Rule(id: $0, shortDescription: Message(text: descriptions[$0] ?? "sizebudget rule \($0)"))
    }
    let log = Log(runs: [Run(tool: Tool(driver: Driver(rules: rules)), results: results)])
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return (try? encoder.encode(log)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
  }

  /// error, warning, note; nil for a pass (not reported).
  static func level(_ status: RuleStatus) -> String? {
    switch status {
    case .fail: "error"
    case .warn, .unknown: "warning"
    case .justified, .acknowledged: "note"
    case .pass: nil
    }
  }

  static func sarifResult(
    _ result: RuleResult, _ image: ImageEvaluation, _ report: CheckReport, ruleIndex: Int, _ level: String
  ) -> Result {
    let budgets = location(report.budgetsRepositoryPath, line: result.budgetLine, id: nil)
    var text = "\(image.image): \(result.message)"
    // Said for every layer, matched or not, so an unmatched one reads as such.
    if let layer = result.layer, image.sources != nil { text += " (\(CheckLocations.layer(layer, image.sources)))" }
    // The base's rebuild is its own base_image result; the split is the growth's.
    text += GrowthSplitText.lines(for: result, in: image, rebuilt: false).map { "\n" + $0 }.joined()
    var primary = budgets
    var related: [Location]? = nil
    if let line = CheckLocations.dockerfileLine(of: result, in: image) {
      primary = location(line.file, line: line.line, id: nil)
      if result.budgetLine != nil {
        var limit = location(report.budgetsRepositoryPath, line: result.budgetLine, id: 1)
        limit.message = Message(text: "the limit in budgets.toml")
        related = [limit]
      }
    }
    var properties = ["image": image.image, "commit": image.commit]
    if let subject = result.subject { properties["subject"] = subject }
    if let layer = result.layer { properties["layer"] = String(layer) }
    return Result(
      ruleId: result.rule, ruleIndex: ruleIndex, level: level, message: Message(text: text), locations: [primary],
      relatedLocations: related, properties: properties)
  }

  /// A result about a whole image, placed on its `[image.NAME]` table in budgets.toml.
  static func imageResult(
    _ rule: String, _ ruleIndex: Int, _ level: String, _ text: String, _ image: String, _ commit: String,
    _ report: CheckReport, line: Int?
  ) -> Result {
    Result(
      ruleId: rule, ruleIndex: ruleIndex, level: level, message: Message(text: text),
      locations: [location(report.budgetsRepositoryPath, line: line, id: nil)], relatedLocations: nil,
      properties: ["image": image, "commit": commit])
  }

  static func location(_ path: String, line: Int?, id: Int?) -> Location {
    let artifact =
      path.hasPrefix("/")
      ? ArtifactLocation(uri: URL(fileURLWithPath: path).absoluteString)
      : ArtifactLocation(uri: path, uriBaseId: "SRCROOT")
    return Location(
      id: id, physicalLocation: PhysicalLocation(artifactLocation: artifact, region: line.map(Region.init)),
      message: nil)
  }
}
