import Analysis
import Budgets
import Model

/// Bytecode and tool caches written while building: `__pycache__`, `.pytest_cache`,
/// `.mypy_cache`, `.coverage`. The distribution's own Python bytecode is not counted.
public struct BytecodeRule: FindingRule {
  public let name = "bytecode"
  static let parts = [
    ("pycache", "__pycache__ and .pyc"), ("tool-caches", ".pytest_cache, .mypy_cache, .ruff_cache"),
    ("coverage-data", ".coverage data"),
  ]

  public init() {}

  public func findings(in measurement: ImageMeasurement) -> [Finding] {
    let found = Self.parts.compactMap { id, label in
      measurement.categories.first { $0.pattern == id }.map { (label, $0) }
    }
    let bytes = found.reduce(0) { $0 + $1.1.bytes }
    guard bytes > 0 else { return [] }
    let examples = found.flatMap { $0.1.examples }
    let (layer, createdBy) = Findings.layer(of: examples.map { ($0.layer, $0.bytes) }, in: measurement)
    return [
      Finding(
        rule: name,
        title: "Bytecode and tool caches from the build (\(counted(found.reduce(0) { $0 + $1.1.files }, "file")))",
        severity: .of(bytes), bytes: bytes, saving: bytes, layer: layer, createdBy: createdBy,
        fix: "ENV PYTHONDONTWRITEBYTECODE=1 while building, and delete __pycache__, .pytest_cache and .coverage in the "
          + "RUN that made them (or keep them out with .dockerignore).",
        items: found.map {
          Finding.Item(name: "\($0.0) (\(counted($0.1.files, "file")))", bytes: $0.1.bytes)
        })
    ]
  }
}
