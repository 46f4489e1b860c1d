import Analysis
import Budgets
import Model

/// Tests, docs, scripts and the repository's own files (.git, Dockerfile, CI
/// configuration) copied into the image with the application.
public struct TestsAndDocsRule: FindingRule {
  public let name = "tests-and-docs"
  public init() {}

  public func findings(in measurement: ImageMeasurement) -> [Finding] {
    let parts = measurement.categories.filter { ["tests", "docs", "repository-files"].contains($0.pattern) }
    let bytes = parts.reduce(0) { $0 + $1.bytes }
    guard bytes > 0 else { return [] }
    let examples = parts.flatMap(\.examples).sorted { $0.bytes > $1.bytes }
    let (layer, createdBy) = Findings.layer(of: examples.map { ($0.layer, $0.bytes) }, in: measurement)
    return [
      Finding(
        rule: name,
        title: "Tests, docs and scripts copied into the image (\(counted(parts.reduce(0) { $0 + $1.files }, "file")))",
        severity: .of(bytes), bytes: bytes, saving: bytes, layer: layer, createdBy: createdBy,
        fix:
          "COPY only what runs (COPY app/ app/, not COPY . .), and list tests/, docs/, scripts/, .git and the "
          + "Dockerfile in .dockerignore.",
        items: examples.prefix(8).map { Finding.Item(name: $0.path, bytes: $0.bytes) })
    ]
  }
}
