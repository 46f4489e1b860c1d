import Analysis
import Budgets
import Foundation
import Model
import TestSupport
import Testing

@testable import Evaluation
@testable import Formats
@testable import Site

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

  /// A 40 MB test fixture (a tests-and-docs finding names test files one by one) that
  /// is also a redundant copy of the model the service loads (the duplicate-content
  /// finding): removing either is the same 40 MB.
  static let overlapping = [
    finding("tests-and-docs", "Tests, docs and scripts", saving: 40_000_000, item: "/app/tests/fixtures/model.onnx"),
    finding(
      "duplicate-content", "The same bytes under two paths", saving: 40_000_000,
      item: "/app/tests/fixtures/model.onnx = /app/models/model.onnx"),
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
  /// the copy that stays, under the docs finding's /usr/share/doc group.
  @Test func aDuplicateIsCoveredByEitherCopy() {
    let findings = [
      Self.finding(
        "docs-and-locales", "Locales, man pages and documentation", saving: 50_000_000,
        item: "/usr/share/doc (1,204 files)"),
      Self.finding(
        "duplicate-content", "The same bytes under two paths", saving: 10_000_000,
        item: "/opt/app/manual.pdf = /usr/share/doc/app/manual.pdf"),
    ]
    let removable = Findings.removable(findings, uncompressed: 200_000_000)
    #expect(removable.bytes == 50_000_000 && removable.overlap == 10_000_000 && !removable.mayOverlap, "\(removable)")
  }

  /// A smaller finding's directory (the docs group) that holds a bigger finding's path
  /// (a duplicate's redundant copy): that path's bytes are counted once, and no more
  /// than the smaller finding names there. Hidden bytes (waste) are in no final path:
  /// they add.
  @Test func aBiggerFindingsPathInsideASmallerOnesIsCountedOnce() {
    let findings = [
      Self.finding(
        "duplicate-content", "The same bytes under two paths", saving: 30_000_000,
        item: "/usr/share/doc/app/manual.pdf = /opt/app/manual.pdf"),
      Self.finding(
        "docs-and-locales", "Locales, man pages and documentation", saving: 25_000_000,
        item: "/usr/share/doc (80 files)"),
      Self.finding("waste", "Files deleted", saving: 20_000_000, item: "/usr/share/doc/app/manual.pdf"),
    ]
    let removable = Findings.removable(findings, uncompressed: 200_000_000)
    #expect(removable.bytes == 50_000_000, "\(removable)")
    #expect(removable.counted == [30_000_000, 0, 20_000_000], "\(removable)")
  }

  /// Only what is known to overlap is left out: a finding's items are its largest
  /// paths (or groups that are no path, `locales (…)`), and what it saves beyond them
  /// may be another finding's too.
  @Test func onlyTheKnownOverlapIsLeftOut() {
    let findings = [
      Self.finding(
        "docs-and-locales", "Locales, man pages and documentation", saving: 40_000_000,
        items: [("/usr/share/doc (900 files)", 30_000_000), ("locales (120 files)", 10_000_000)]),
      Self.finding(
        "duplicate-content", "The same bytes under two paths", saving: 10_000_000,
        items: [
          ("/usr/share/doc/libfoo/changelog.gz = /usr/share/doc/libbar/changelog.gz", 3_000_000),
          ("/opt/venv2/lib/libx.so = /opt/venv/lib/libx.so", 2_000_000),
        ]),
    ]
    let text = ExplainReport.text(Self.measurement(uncompressed: 100_000_000), findings: findings, terminal: .plain)
    #expect(
      text.contains(
        "Up to 47 MB uncompressed (47% of the uncompressed size) can go, in 2 places "
          + "(3 MB named by two findings counted once; other bytes can still be counted twice"), "\(text)")
  }

  /// `unstripped` items carry what `strip` saves, not the file's size, and stripping
  /// removes no file: a bigger unstripped finding on a duplicate's redundant copy
  /// takes out no more than its strip saving from the duplicate (the copy's removal
  /// still saves the rest), and stripping the copy that stays leaves the duplicate's
  /// saving whole.
  @Test func strippingOverlapsNoMoreThanItSaves() {
    let duplicate = Self.finding(
      "duplicate-content", "The same bytes under two paths", saving: 10_000_000,
      item: "/opt/venv2/lib/libx.so = /opt/venv/lib/libx.so")
    // 8 MB of the redundant copy's 10 MB are symbols; another binary strips 30 MB.
    let redundant = Findings.removable(
      [
        Self.finding(
          "unstripped", "Unstripped ELF files", saving: 38_000_000,
          items: [("/usr/local/bin/server", 30_000_000), ("/opt/venv2/lib/libx.so", 8_000_000)]),
        duplicate,
      ], uncompressed: 200_000_000)
    #expect(redundant.bytes == 40_000_000, "\(redundant)")
    #expect(redundant.overlap == 8_000_000 && redundant.counted == [30_000_000, 10_000_000], "\(redundant)")
    // The copy that stays stripped: both savings stand.
    let kept = Findings.removable(
      [
        Self.finding(
          "unstripped", "Unstripped ELF files", saving: 38_000_000,
          items: [("/usr/local/bin/server", 30_000_000), ("/opt/venv/lib/libx.so", 8_000_000)]),
        duplicate,
      ], uncompressed: 200_000_000)
    #expect(kept.bytes == 48_000_000 && kept.overlap == 0, "\(kept)")
    #expect(kept.counted == [38_000_000, 10_000_000], "\(kept)")
  }

  /// A group item names its directory with a count (`DocsAndLocalesRule`): the
  /// directory is the path; a group that is no directory names none.
  @Test func aGroupItemNamesItsDirectory() {
    let rule = DocsAndLocalesRule().name
    #expect(Findings.paths(of: .init(name: "/usr/share/doc (1,204 files)", bytes: 1), rule: rule) == ["/usr/share/doc"])
    #expect(Findings.paths(of: .init(name: "/usr/share/doc (1 file)", bytes: 1), rule: rule) == ["/usr/share/doc"])
    #expect(Findings.paths(of: .init(name: "locales (120 files)", bytes: 1), rule: rule) == nil)
    #expect(Findings.paths(of: .init(name: "man and info pages (3 files)", bytes: 1), rule: rule) == nil)
    #expect(
      Findings.paths(of: .init(name: "/app/notes (draft)", bytes: 1), rule: "tests-and-docs") == ["/app/notes (draft)"])
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

  /// A small real image, measured by the real measurer, its findings from the real
  /// rules (`Findings.all`): two identical manuals under /usr/share/doc (the docs
  /// group and the duplicate finding both name one of them) and a test fixture that
  /// is a copy of a data file.
  static func measured() throws -> (ImageMeasurement, [Finding]) {
    let directory = try TemporaryDirectory()
    try ImageBuilder([
      ImageBuilder.Layer(
        [
          .file("usr/share/doc/pkg-a/manual.pdf", size: 3_000_000, fill: 0x62),
          .file("usr/share/doc/pkg-b/manual.pdf", size: 3_000_000, fill: 0x62),
          .file("app/tests/fixtures/sample.dat", size: 2_000_000, fill: 0x63),
          .file("app/data/sample.dat", size: 2_000_000, fill: 0x63), .file("app/main.py", "print('hi')\n"),
        ], createdBy: "COPY . /app")
    ]).writeOCILayout(to: directory.url)
    let m = try Measurer(.init(image: "api", commit: String(repeating: "a", count: 40)))
      .measure(.ociLayout(directory: directory.url.path, tag: nil))
    return (m, Findings.all(in: m))
  }

  /// The real rules' items: the docs group names /usr/share/doc, which holds a copy of
  /// the duplicate manual, so those 3 MB are counted once.
  @Test func realFindingsCountTheSharedManualOnce() throws {
    let (m, findings) = try Self.measured()
    let docs = try #require(findings.first { $0.rule == "docs-and-locales" }, "\(findings)")
    #expect(docs.items.map(\.name) == ["/usr/share/doc (2 files)"], "\(docs)")
    let duplicate = try #require(findings.first { $0.rule == "duplicate-content" }, "\(findings)")
    #expect(duplicate.saving == 5_000_000, "\(duplicate)")
    let tests = try #require(findings.first { $0.rule == "tests-and-docs" }, "\(findings)")
    #expect(tests.items.map(\.name) == ["/app/tests/fixtures/sample.dat"], "\(tests)")
    let removable = Findings.removable(findings, uncompressed: m.uncompressedBytes)
    // The manual's redundant copy is under /usr/share/doc: 3 MB once. The fixture is
    // the duplicate's redundant copy or the one that stays: counted once, or (both
    // copies removed) twice rightly.
    let fixtureRedundant = duplicate.items.contains { $0.name.hasPrefix("/app/tests/") }
    #expect(removable.overlap == (fixtureRedundant ? 5_000_000 : 3_000_000), "\(removable) \(duplicate.items)")
    #expect(removable.bytes == (fixtureRedundant ? 8_000_000 : 10_000_000), "\(removable)")
    #expect(!removable.mayOverlap, "\(removable)")
  }

  /// The site's image page says explain's headline figure for the same measurement.
  @Test func theSiteSaysExplainsHeadline() throws {
    let (m, findings) = try Self.measured()
    let text = ExplainReport.text(m, findings: findings, terminal: .plain)
    let headline = try #require(ExplainReport.headline(findings, m))
    #expect(text.contains(headline.saving + headline.places + "; the biggest:"), "\(text)")
    let removable = Findings.removable(findings, uncompressed: m.uncompressedBytes)
    #expect(headline.saving.hasPrefix("Up to \(ByteSize.format(removable.bytes)) uncompressed"), "\(headline)")
    let page = ImagePage.render(
      SiteImage(
        name: "api", owner: nil, metric: "compressed", max: nil, warn: nil, points: [], latest: m, status: nil,
        findings: findings))
    #expect(
      page.contains(
        "What <code>sizebudget explain</code> finds: <span id=\"removable\">"
          + HTML.escape(headline.saving + headline.places) + "</span>."), "\(page)")
    let total = findings.map(\.saving).reduce(0, +)
    #expect(total > removable.bytes, "the findings' raw savings add up to more than explain's headline")
    #expect(!page.contains("up to \(ByteSize.format(total))"), "\(page)")
    #expect(!page.contains("savings may overlap"), "\(page)")
  }
}
