import Analysis
import Budgets
import Model

/// Locales, man pages and documentation that packages install and a container never
/// shows anyone: Debian's slim images keep them out with dpkg's path-exclude.
public struct DocsAndLocalesRule: FindingRule {
  public let name = "docs-and-locales"
  static let parts = [("locales", "locales"), ("man-pages", "man and info pages"), ("system-docs", "/usr/share/doc")]
  public init() {}

  public func findings(in measurement: ImageMeasurement) -> [Finding] {
    let found = Self.parts.compactMap { id, label in
      measurement.categories.first { $0.pattern == id }.map { (label, $0) }
    }
    let bytes = found.reduce(0) { $0 + $1.1.bytes }
    // A few stray files (a README a package insists on) are not worth a change.
    guard bytes >= 1_000_000 else { return [] }
    let (layer, createdBy) = Findings.layer(
      of: found.flatMap { $0.1.examples }.map { ($0.layer, $0.bytes) }, in: measurement)
    return [
      Finding(
        rule: name,
        title: "Locales, man pages and documentation (\(counted(found.reduce(0) { $0 + $1.1.files }, "file")))",
        severity: .of(bytes), bytes: bytes, saving: bytes, layer: layer, createdBy: createdBy,
        fix:
          "Before apt-get install, add path-exclude lines for /usr/share/doc/*, /usr/share/man/*, /usr/share/locale/* "
          + "(keeping /usr/share/doc/*/copyright) to /etc/dpkg/dpkg.cfg.d/, as Debian's slim images do; or "
          + "rm -rf them in the same RUN.",
        items: found.map {
          Finding.Item(name: "\($0.0) (\(counted($0.1.files, "file")))", bytes: $0.1.bytes)
        })
    ]
  }
}
