import Analysis
import Budgets
import Model

/// Package managers and toolchains copied into the runtime as files (uv, poetry, pipx,
/// conda/mamba, rustup/cargo, Go, node-gyp): they install and build, the running
/// service never calls them, and no package database lists them.
public struct PackageManagerToolsRule: FindingRule {
  public let name = "package-managers"
  static let prefix = "tool-"
  public init() {}

  public func findings(in measurement: ImageMeasurement) -> [Finding] {
    let tools = measurement.categories.filter { $0.pattern.hasPrefix(Self.prefix) }.sorted { $0.bytes > $1.bytes }
    let bytes = tools.reduce(0) { $0 + $1.bytes }
    // A stray wrapper script is not worth a finding; uv alone is 30 to 50 MB.
    guard bytes >= 1_000_000 else { return [] }
    let examples = tools.flatMap(\.examples)
    let (layer, createdBy) = Findings.layer(of: examples.map { ($0.layer, $0.bytes) }, in: measurement)
    let names = tools.map { String($0.pattern.dropFirst(Self.prefix.count)) }
    return [
      Finding(
        rule: name, title: "Package managers and build tools copied into the image (\(names.joined(separator: ", ")))",
        severity: .of(bytes), bytes: bytes, saving: bytes, layer: layer, createdBy: createdBy,
        fix:
          "Use them in a build stage and copy only what they made (the virtual environment, the binary) into the "
          + "runtime stage; for a one-off use, RUN --mount=from=ghcr.io/astral-sh/uv,source=/uv,target=/bin/uv "
          + "instead of COPY.",
        items: zip(names, tools).map { name, tool in
          Finding.Item(
            name:
              "\(name): \(tool.examples.first?.path ?? "") (\(counted(tool.files, "file")))",
            bytes: tool.bytes)
        })
    ]
  }
}
