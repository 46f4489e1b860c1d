import Analysis
import Budgets
import Foundation
import Model
import Testing

@testable import Evaluation
@testable import Formats

/// explain's headline saving: findings can name the same bytes (a duplicate inside a
/// venv another finding removes). Bytes two findings name by path are counted once;
/// what findings name only as packages, or beyond their largest paths, adds up as an
/// upper bound said as such; and never more than the image holds.
@Suite struct ExplainHeadlineTests {
  static func measurement(uncompressed: Int64) -> ImageMeasurement {
    ImageMeasurement(
      image: "api", commit: String(repeating: "b", count: 40), source: "oci:x", platform: "linux/amd64",
      manifestDigest: nil, configDigest: nil, compressedBytes: uncompressed / 2, compressedEstimated: false,
      uncompressedBytes: uncompressed, wastedBytes: 0, fileCount: 1, pathDepth: 4, toolVersion: "t",
      measuredAt: "2026-11-25T00:00:00Z", host: "h", layers: [], paths: [], wasted: [], forbidden: [], required: [])
  }

  static func finding(_ rule: String, _ title: String, saving: Int64, item: String) -> Finding {
    finding(rule, title, saving: saving, items: [(item, saving)])
  }

  static func finding(_ rule: String, _ title: String, saving: Int64, items: [(String, Int64)]) -> Finding {
    Finding(
      rule: rule, title: title, severity: .high, bytes: saving, saving: saving, layer: nil, createdBy: nil,
      fix: "remove it", items: items.map { Finding.Item(name: $0.0, bytes: $0.1) })
  }

  /// A second venv (40 MB, a dev-dependency finding) whose files duplicate the first
  /// (the same 40 MB, the duplicate-content finding).
  static let overlapping = [
    finding("dev-dependencies", "Development and test dependencies", saving: 40_000_000, item: "/opt/venv-dev"),
    finding(
      "duplicate-content", "The same bytes under two paths", saving: 40_000_000,
      item: "/opt/venv-dev/lib/libx.so = /opt/venv/lib/libx.so"),
  ]

  /// Findings that name packages, not paths: nothing says whether they are the same
  /// bytes, so they add up, as an upper bound said as such.
  static let packages = [
    finding("build-tools", "Build toolchain", saving: 30_000_000, item: "gcc-12 12.2.0"),
    finding("dev-dependencies", "Development and test dependencies", saving: 20_000_000, item: "pytest 8.3.2"),
  ]

  @Test func findingsOverTheSamePathsCountThemOnce() throws {
    let m = Self.measurement(uncompressed: 200_000_000)
    let text = ExplainReport.text(m, findings: Self.overlapping, terminal: .plain)
    #expect(
      text.contains(
        "Up to 40 MB uncompressed (20% of the uncompressed size) can go, in 2 places "
          + "(40 MB named by two findings counted once)"), "\(text)")
    #expect(!text.contains("findings can overlap"), "\(text)")
    #expect(text.contains("By severity: high 40 MB (2 findings)"), "\(text)")
    let markdown = ExplainReport.markdown(m, findings: Self.overlapping)
    #expect(markdown.contains("up to 40 MB can go"), "\(markdown)")
    #expect(markdown.contains("40 MB named by two findings counted once."), "\(markdown)")
    #expect(!markdown.contains("An upper bound"), "\(markdown)")
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(ExplainReport.json(m, findings: Self.overlapping).utf8))
        as? [String: Any])
    #expect(json["removable_bytes"] as? Int == 40_000_000, "\(json)")
  }

  /// Either copy of a duplicate inside a path a bigger finding removes covers it: here
  /// the copy that stays.
  @Test func aDuplicateIsCoveredByEitherCopy() {
    let findings = [
      Self.finding("tests-and-docs", "Tests", saving: 50_000_000, item: "/app/vendor"),
      Self.finding(
        "duplicate-content", "The same bytes under two paths", saving: 10_000_000,
        item: "/opt/lib/libcuda.so = /app/vendor/libcuda.so"),
    ]
    let removable = Findings.removable(findings, uncompressed: 200_000_000)
    #expect(removable.bytes == 50_000_000 && removable.overlap == 10_000_000 && !removable.mayOverlap, "\(removable)")
  }

  /// A smaller finding's directory that holds a bigger finding's path: that path's
  /// bytes are counted once too. Hidden bytes (waste) are in no final path: they add.
  @Test func aBiggerFindingsPathInsideASmallerOnesIsCountedOnce() {
    let findings = [
      Self.finding("model-weights", "Model weights", saving: 30_000_000, item: "/app/data/model.bin"),
      Self.finding("tests-and-docs", "Tests", saving: 25_000_000, item: "/app/data"),
      Self.finding("waste", "Files deleted", saving: 20_000_000, item: "/app/data/model.bin"),
    ]
    let removable = Findings.removable(findings, uncompressed: 200_000_000)
    #expect(removable.bytes == 50_000_000, "\(removable)")
    #expect(removable.counted == [30_000_000, 0, 20_000_000], "\(removable)")
  }

  /// Only what is known to overlap is left out: a finding's items are its largest
  /// paths, and what it saves beyond them may be another finding's too.
  @Test func onlyTheKnownOverlapIsLeftOut() {
    let findings = [
      Self.finding("dev-dependencies", "Development dependencies", saving: 40_000_000, item: "/opt/venv-dev"),
      Self.finding(
        "tests-and-docs", "Tests", saving: 10_000_000,
        items: [("/opt/venv-dev/tests", 3_000_000), ("/app/tests", 2_000_000)]),
    ]
    let text = ExplainReport.text(Self.measurement(uncompressed: 100_000_000), findings: findings, terminal: .plain)
    #expect(
      text.contains(
        "Up to 47 MB uncompressed (47% of the uncompressed size) can go, in 2 places "
          + "(3 MB named by two findings counted once; other bytes can still be counted twice"), "\(text)")
  }

  @Test func findingsNamingPackagesMakeAnUpperBoundSaidAsSuch() {
    let m = Self.measurement(uncompressed: 200_000_000)
    let text = ExplainReport.text(m, findings: Self.packages, terminal: .plain)
    #expect(text.contains("Up to 50 MB uncompressed (25% of the uncompressed size) can go"), "\(text)")
    #expect(text.contains("findings can overlap: bytes two of them name are counted in both"), "\(text)")
    #expect(!text.contains("About "), "\(text)")
    let markdown = ExplainReport.markdown(m, findings: Self.packages)
    #expect(markdown.contains("up to 50 MB can go"), "\(markdown)")
    #expect(markdown.contains("An upper bound: findings can overlap"), "\(markdown)")
  }

  /// Never more than the image holds: here the two findings add up to more than it.
  @Test func theBoundIsNeverMoreThanTheImage() {
    let text = ExplainReport.text(Self.measurement(uncompressed: 30_000_000), findings: Self.packages, terminal: .plain)
    #expect(text.contains("Up to 30 MB uncompressed (100% of the uncompressed size) can go"), "\(text)")
  }
}
