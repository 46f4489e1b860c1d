import Analysis
import Budgets
import Model
import Testing

@testable import Evaluation
@testable import Formats

/// explain's headline saving: findings can name the same bytes (a duplicate inside a
/// venv another finding removes), so their savings added up are an upper bound, said
/// as such, and never more than the image holds.
@Suite struct ExplainHeadlineTests {
  static func measurement(uncompressed: Int64) -> ImageMeasurement {
    ImageMeasurement(
      image: "api", commit: String(repeating: "b", count: 40), source: "oci:x", platform: "linux/amd64",
      manifestDigest: nil, configDigest: nil, compressedBytes: uncompressed / 2, compressedEstimated: false,
      uncompressedBytes: uncompressed, wastedBytes: 0, fileCount: 1, pathDepth: 4, toolVersion: "t",
      measuredAt: "2026-11-25T00:00:00Z", host: "h", layers: [], paths: [], wasted: [], forbidden: [], required: [])
  }

  static func finding(_ rule: String, _ title: String, saving: Int64, item: String) -> Finding {
    Finding(
      rule: rule, title: title, severity: .high, bytes: saving, saving: saving, layer: nil, createdBy: nil,
      fix: "remove it", items: [Finding.Item(name: item, bytes: saving)])
  }

  /// A second venv (40 MB, a dev-dependency finding) whose files duplicate the first
  /// (the same 40 MB, the duplicate-content finding).
  static let overlapping = [
    finding("dev-dependencies", "Development and test dependencies", saving: 40_000_000, item: "/opt/venv-dev"),
    finding(
      "duplicate-content", "The same bytes under two paths", saving: 40_000_000,
      item: "/opt/venv-dev/lib/libx.so = /opt/venv/lib/libx.so"),
  ]

  @Test func overlappingFindingsMakeAnUpperBoundSaidAsSuch() {
    let text = ExplainReport.text(
      Self.measurement(uncompressed: 200_000_000), findings: Self.overlapping, terminal: .plain)
    #expect(text.contains("Up to 80 MB uncompressed (40% of the uncompressed size) can go"), "\(text)")
    #expect(text.contains("findings can overlap: bytes two of them name are counted in both"), "\(text)")
    #expect(!text.contains("About "), "\(text)")
    let markdown = ExplainReport.markdown(Self.measurement(uncompressed: 200_000_000), findings: Self.overlapping)
    #expect(markdown.contains("up to 80 MB can go"), "\(markdown)")
    #expect(markdown.contains("An upper bound: findings can overlap"), "\(markdown)")
  }

  /// Never more than the image holds: here the two findings add up to more than it.
  @Test func theBoundIsNeverMoreThanTheImage() {
    let text = ExplainReport.text(
      Self.measurement(uncompressed: 60_000_000), findings: Self.overlapping, terminal: .plain)
    #expect(text.contains("Up to 60 MB uncompressed (100% of the uncompressed size) can go"), "\(text)")
  }
}
