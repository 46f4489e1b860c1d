import Analysis
import Budgets
import Model

/// The same bytes under two paths: two virtual environments, a library vendored next
/// to the wheel that ships it, a model copied twice.
public struct DuplicateContentRule: FindingRule {
  public let name = "duplicate-content"
  public init() {}

  public func findings(in measurement: ImageMeasurement) -> [Finding] {
    guard let copies = measurement.categories.first(where: { $0.pattern == name }), copies.bytes >= 1_000_000 else {
      return []
    }
    let (layer, createdBy) = Findings.layer(of: copies.examples.map { ($0.layer, $0.bytes) }, in: measurement)
    return [
      Finding(
        rule: name,
        title:
          "The same bytes under two paths (\(counted(copies.files, "redundant copy", "redundant copies")); files of "
          + "\(DuplicateContent.minimumFileSize / 1024) KiB or more compared)",
        severity: .of(copies.bytes), bytes: copies.bytes, saving: copies.bytes, layer: layer, createdBy: createdBy,
        fix:
          "Keep one copy: install into one virtual environment, use the library from the wheel that ships it (or a "
          + "symlink), and COPY a directory once.",
        items: copies.examples.prefix(8).map { copy in
          Finding.Item(name: copy.sameAs.map { "\(copy.path) = \($0)" } ?? copy.path, bytes: copy.bytes)
        })
    ]
  }
}
