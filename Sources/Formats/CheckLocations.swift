import Evaluation

/// Where in the repository a result points: the Dockerfile line of its layer when
/// the image names a Dockerfile and the layer was matched, for the formats that
/// place a result on a line (github annotations, SARIF).
public enum CheckLocations {
  public struct Line: Equatable {
    public var file: String
    public var line: Int
  }

  public static func dockerfileLine(of result: RuleResult, in image: ImageEvaluation) -> Line? {
    guard let layer = result.layer, let sources = image.sources, let line = sources.line(ofLayer: layer) else {
      return nil
    }
    return Line(file: sources.dockerfile, line: line)
  }

  /// `layer 5 (docker/api.Dockerfile:12)`, `layer 1 (no line in docker/api.Dockerfile)`,
  /// or `layer 5` when the image names no Dockerfile.
  public static func layer(_ index: Int, _ sources: LayerSources?) -> String {
    guard let sources else { return "layer \(index)" }
    return "layer \(index) (\(sources.describe(layer: index)))"
  }
}
