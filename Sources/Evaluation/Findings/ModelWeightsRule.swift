import Analysis
import Model

/// Model weights and datasets of 10 MB or more per file: floats and columnar data
/// barely compress, so every pull moves nearly all of their bytes, and each new
/// model version is a new layer on every node.
public struct ModelWeightsRule: FindingRule {
  public let name = "model-weights"
  public init() {}

  public func findings(in measurement: ImageMeasurement) -> [Finding] {
    Findings.fromCategory(
      "model-weights", rule: name, title: "Model weights and datasets (they compress badly)",
      fix:
        "Load them when the service starts (object storage, a mounted volume, a model registry), or give them "
        + "their own image or first layer so they are pulled once, not with every code change.",
      in: measurement)
  }
}
