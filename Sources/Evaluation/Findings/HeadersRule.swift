import Analysis
import Model

/// C headers: needed to compile, not to run.
public struct HeadersRule: FindingRule {
  public let name = "headers"
  public init() {}

  public func findings(in measurement: ImageMeasurement) -> [Finding] {
    // Headers from -dev packages are already in build-tools.
    if !BuildToolsRule().findings(in: measurement).isEmpty { return [] }
    return Findings.fromCategory(
      "headers", rule: name, title: "C headers", fix: "Leave -dev packages and headers in the build stage.",
      in: measurement, minimum: 1_000_000)
  }
}
