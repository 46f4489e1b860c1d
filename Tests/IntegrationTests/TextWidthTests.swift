import Foundation
import TestSupport
import Testing

/// Text output fits `COLUMNS`: free text (check's messages and details, explain's
/// findings, diff's prose) is broken between words, and nothing changes when the
/// width is wide enough. Real binary, real repository, the real fixture images.
@Suite struct TextWidthTests {
  /// The slim image measured first, the big one (gcc, caches) next: it breaks max,
  /// max_growth and forbid, so check prints rule messages, details and what grew.
  static func grownRepository() throws -> GitRepository {
    let repo = try GitRepository()
    try repo.commit(
      "budgets",
      files: [
        "budgets.toml": """
        [image.api]
        max = "50 MB"
        max_growth = "+1%"
        forbid = ["/usr/bin/gcc*", "**/__pycache__/**"]
        """
      ])
    let slim = try CLI.run(["measure", "oci:" + Fixtures.path("api-after.oci")], in: repo.url)
    try #require(slim.status == 0, "\(slim.stderr)")
    try repo.commit("add the build toolchain")
    let big = try CLI.run(["measure", "docker-archive:" + Fixtures.path("api-before.docker.tar")], in: repo.url)
    try #require(big.status == 0, "\(big.stderr)")
    return repo
  }

  static let commands = [["check"], ["explain"], ["diff", "HEAD~1"]]

  @Test func checkExplainAndDiffFitSixtyColumns() throws {
    let repo = try Self.grownRepository()
    for command in Self.commands {
      let unbounded = try CLI.run(command, in: repo.url, environment: ["COLUMNS": ""])
      let narrow = try CLI.run(command, in: repo.url, environment: ["COLUMNS": "60"])
      #expect(narrow.status == unbounded.status, "\(command): \(narrow.stderr)")
      let lines = narrow.stdout.split(separator: "\n", omittingEmptySubsequences: false)
      // Only a lone token (a path) may be wider than the terminal.
      for line in lines where line.count > 60 {
        #expect(!line.trimmingCharacters(in: .whitespaces).contains(" "), "\(command): \(line.count) columns: \(line)")
      }
      // Something was wrapped, and no word was lost or cut on the way.
      #expect(unbounded.stdout.split(separator: "\n").contains { $0.count > 60 }, "\(command): nothing to wrap")
      #expect(lines.count > unbounded.stdout.split(separator: "\n", omittingEmptySubsequences: false).count)
    }
    // check's free text: a wrapped rule message goes on indented under its text.
    let check = try CLI.run(["check"], in: repo.url, environment: ["COLUMNS": "60"]).stdout
    #expect(check.contains("\n      "), "\(check)")
    for word in ["max_growth", "forbid", "/usr/bin/gcc*"] { #expect(check.contains(word), "\(word): \(check)") }
  }

  /// log's table fits too: an inheriting row's status ("… (measured at abc…, nothing in
  /// context changed since)") is never cut, so at 60 columns the status and subject
  /// move whole under their row, wrapped between words.
  @Test func logWithAnInheritingRowFitsSixtyColumns() throws {
    let fixture = try GateFixture(budgets: InheritanceTests.budgets)
    try fixture.measure(bytes: 40_000)
    let measured = try fixture.repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    try fixture.commit("docs: how to read the size budget report", files: ["docs/guide.md": "how\n"])
    let unbounded = try fixture.run(["log"], environment: ["COLUMNS": ""])
    #expect(unbounded.status == 0, "\(unbounded.stderr)")
    #expect(unbounded.stdout.split(separator: "\n").contains { $0.count > 60 }, "nothing to fit: \(unbounded.stdout)")
    let narrow = try fixture.run(["log"], environment: ["COLUMNS": "60"])
    #expect(narrow.status == 0, "\(narrow.stderr)")
    for line in narrow.stdout.split(separator: "\n") {
      #expect(line.count <= 60, "\(line.count) columns: \(line)\n\(narrow.stdout)")
    }
    // Nothing cut: the whole status and subject are there, between line breaks.
    let words = narrow.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    #expect(words.contains("measured at \(measured.prefix(12)), nothing in context changed since"), "\(narrow.stdout)")
    #expect(words.contains("docs: how to read the size budget report"), "\(narrow.stdout)")
    #expect(!narrow.stdout.contains("…"), "\(narrow.stdout)")
  }

  /// A line that fits is left exactly as it was: at 200 columns only check's longest
  /// rule message (over 200 columns on the fixture) is broken, and a width that holds
  /// every line changes nothing at all.
  @Test func atTwoHundredColumnsTheOutputIsUnchanged() throws {
    let repo = try Self.grownRepository()
    for command in Self.commands {
      let unbounded = try CLI.run(command, in: repo.url, environment: ["COLUMNS": ""])
      let lines = unbounded.stdout.split(separator: "\n", omittingEmptySubsequences: false)
      let wide = try CLI.run(command, in: repo.url, environment: ["COLUMNS": "200"])
      var wideLines = wide.stdout.split(separator: "\n", omittingEmptySubsequences: false)[...]
      for line in lines where line.count <= 200 {
        // In order: each line that fits is still there, unchanged.
        guard let found = wideLines.firstIndex(of: line) else {
          Issue.record("\(command): \(line) changed at 200 columns")
          break
        }
        wideLines = wideLines[(found + 1)...]
      }
      let longest = lines.map(\.count).max() ?? 0
      let roomy = try CLI.run(command, in: repo.url, environment: ["COLUMNS": "\(max(longest, 200))"])
      #expect(roomy.stdout == unbounded.stdout, "\(command)")
    }
  }
}
