import Analysis
import Budgets
import Model

/// Something removable (or worth knowing) in an image, with what removing it saves
/// and how.
public struct Finding: Sendable, Codable, Equatable {
  public enum Severity: String, Sendable, Codable, Comparable {
    case info, low, medium, high
    var rank: Int { ["info": 0, "low": 1, "medium": 2, "high": 3][rawValue]! }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }

    /// High from 10 MB, medium from 1 MB, low below.
    static func of(_ saving: Int64) -> Severity { saving >= 10_000_000 ? .high : saving >= 1_000_000 ? .medium : .low }
  }

  /// The rule's name, as `deny` uses it (`build-tools`).
  public var rule: String
  public var title: String
  public var severity: Severity
  /// Bytes involved (uncompressed, in the final filesystem; for waste, hidden in layers).
  public var bytes: Int64
  /// What the fix saves (uncompressed).
  public var saving: Int64
  /// The layer that put most of it there, and its Dockerfile command.
  public var layer: Int?
  public var createdBy: String?
  public var fix: String
  /// The largest items: packages or paths, with their bytes.
  public var items: [Item]

  public struct Item: Sendable, Codable, Equatable {
    public var name: String
    public var bytes: Int64
  }
}

/// One finding rule per file; each reads a measurement (no image needed).
public protocol FindingRule: Sendable {
  var name: String { get }
  func findings(in measurement: ImageMeasurement) -> [Finding]
}

public enum Findings {
  public static let rules: [any FindingRule] = [
    BuildToolsRule(), CacheRule.pip, CacheRule.aptCache, CacheRule.aptLists, CacheRule.npm, CacheRule.apk,
    DevDependenciesRule(), TestsAndDocsRule(), BytecodeRule(), UnstrippedRule(), WasteRule(), GPULibrariesRule(),
    HeadersRule(), PackageManagerToolsRule(), DuplicateContentRule(), DebugSymbolsRule(), DocsAndLocalesRule(),
    ModelWeightsRule(),
  ]

  /// Every finding, the biggest saving first.
  public static func all(in measurement: ImageMeasurement) -> [Finding] {
    guard measurement.layersRead else { return [] }
    return rules.flatMap { $0.findings(in: measurement) }.sorted { ($0.saving, $1.rule) > ($1.saving, $0.rule) }
  }

  /// The layer most of the examples come from, and its command.
  static func layer(of examples: [(layer: Int?, bytes: Int64)], in measurement: ImageMeasurement) -> (Int?, String?) {
    var byLayer: [Int: Int64] = [:]
    for example in examples { if let layer = example.layer { byLayer[layer, default: 0] += example.bytes } }
    guard let layer = byLayer.max(by: { $0.value < $1.value })?.key else { return (nil, nil) }
    return (layer, measurement.layers.first { $0.index == layer }?.createdBy)
  }

  /// A finding from a file category of the measurement, if the image has any.
  static func fromCategory(
    _ id: String, rule: String, title: String, fix: String, in measurement: ImageMeasurement,
    severity: Finding.Severity? = nil, minimum: Int64 = 1
  ) -> [Finding] {
    guard let category = measurement.categories.first(where: { $0.pattern == id }), category.bytes >= minimum else {
      return []
    }
    let (layer, createdBy) = self.layer(of: category.examples.map { ($0.layer, $0.bytes) }, in: measurement)
    return [
      Finding(
        rule: rule, title: "\(title) (\(counted(category.files, "file")))",
        severity: severity ?? .of(category.bytes), bytes: category.bytes,
        saving: severity == .info ? 0 : category.bytes,
        layer: layer, createdBy: createdBy, fix: fix,
        items: category.examples.prefix(8).map { Finding.Item(name: $0.path, bytes: $0.bytes) })
    ]
  }
}
