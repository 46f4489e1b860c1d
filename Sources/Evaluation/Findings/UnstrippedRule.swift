import Analysis
import Model

/// ELF executables and libraries that still carry symbols and debug sections.
public struct UnstrippedRule: FindingRule {
  public let name = "unstripped"
  public init() {}

  public func findings(in measurement: ImageMeasurement) -> [Finding] {
    Findings.fromCategory(
      "unstripped", rule: name, title: "Unstripped ELF files: symbols and debug sections",
      fix: "strip --strip-unneeded the binaries and .so files in the build stage (or build with -s / -Wl,-s).",
      in: measurement, minimum: 100_000)
      + Findings.fromCategory(
        "unstripped-vendored", rule: name, title: "Unstripped extension modules from PyPI or npm",
        fix: "They ship that way; strip --strip-unneeded them in the build stage if the bytes matter.",
        in: measurement, severity: .info, minimum: 100_000)
  }
}
