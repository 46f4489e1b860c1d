import Analysis
import Model

/// Debug symbols shipped as files: `/usr/lib/debug` (the -dbg/-dbgsym packages),
/// split `*.debug` files, macOS `*.dSYM` bundles.
public struct DebugSymbolsRule: FindingRule {
  public let name = "debug-symbols"
  public init() {}

  public func findings(in measurement: ImageMeasurement) -> [Finding] {
    Findings.fromCategory(
      "debug-symbols", rule: name, title: "Debug symbols as files",
      fix:
        "Leave -dbg/-dbgsym packages and split debug files out of the runtime image; keep them in a symbol server "
        + "or a debug variant of the image.",
      in: measurement, minimum: 100_000)
  }
}
