import Foundation
import TestSupport
import Testing

/// Images are the budgets' images: a mistyped name is refused (never measured, stored
/// or shared), `--image` may be left out when one image is budgeted, and `forget`
/// removes a measurement everywhere, through a real bare remote and real clones.
@Suite struct ImageNamesTests {
  static let budgets = "[image.api]\nmax = \"1 GB\"\n"

  static func run(_ arguments: [String], in repo: GitRepository) throws -> CLI.Result {
    try CLI.run(arguments, in: repo.url)
  }

  static func repository(budgets: String = Self.budgets) throws -> GitRepository {
    let repo = try GitRepository()
    try repo.commit("budgets", files: ["budgets.toml": budgets])
    return repo
  }

  /// The commits `log --format json` lists for an image.
  static func loggedCommits(_ repo: GitRepository, image: String = "api") throws -> [String] {
    let result = try run(["log", "--image", image, "--format", "json"], in: repo)
    try #require(result.status == 0, "\(result.stderr)")
    struct Document: Decodable { var rows: [Row] }
    struct Row: Decodable { var commit: String }
    return try JSONDecoder().decode(Document.self, from: Data(result.stdout.utf8)).rows.map(\.commit)
  }

  @Test func aMistypedImageIsRefusedAndNothingIsRecorded() throws {
    let images = try TemporaryDirectory()
    let repo = try Self.repository()
    let source = try SyncTests.image(bytes: 10_000, in: images, name: "one")
    let typo = try Self.run(["measure", source, "--image", "apii"], in: repo)
    #expect(typo.status == 2, "\(typo.stdout)\(typo.stderr)")
    #expect(typo.stderr.contains("did you mean \"api\"?"), "\(typo.stderr)")
    #expect(typo.stderr.contains("--new-image"), "\(typo.stderr)")
    // Nothing stored, nothing in the notes that sync would share.
    #expect(throws: (any Error).self) { try repo.git(["rev-parse", "--verify", "-q", "refs/notes/sizebudget"]) }
    let log = try Self.run(["log", "--image", "apii"], in: repo)
    #expect(log.status == 2, "\(log.stdout)")

    // Meant: --new-image measures it, and then it is a known image.
    let meant = try Self.run(["measure", source, "--image", "apii", "--new-image"], in: repo)
    #expect(meant.status == 0, "\(meant.stderr)")
    #expect(try Self.loggedCommits(repo, image: "apii").count == 1)
  }

  @Test func theOneBudgetedImageNeedsNoImageOption() throws {
    let images = try TemporaryDirectory()
    let repo = try Self.repository()
    let measured = try Self.run(["measure", try SyncTests.image(bytes: 10_000, in: images, name: "one")], in: repo)
    #expect(measured.status == 0, "\(measured.stderr)")
    #expect(try Self.loggedCommits(repo) == [try repo.git(["rev-parse", "HEAD"]).trimmed])
    #expect(try Self.run(["explain"], in: repo).status == 0)
    #expect(try Self.run(["packages", "--format", "json"], in: repo).status == 0)

    // Two budgeted images: which one must be said, and the message lists them.
    try repo.commit("two", files: ["budgets.toml": Self.budgets + "[image.web]\nmax = \"1 GB\"\n"])
    let ambiguous = try Self.run(["measure", try SyncTests.image(bytes: 10_000, in: images, name: "two")], in: repo)
    #expect(ambiguous.status == 2)
    #expect(ambiguous.stderr.contains("give --image NAME"), "\(ambiguous.stderr)")
    #expect(ambiguous.stderr.contains("api, web"), "\(ambiguous.stderr)")
  }

  @Test(arguments: [
    ["log", "--image", "apii"], ["diff", "HEAD", "HEAD", "--image", "apii"], ["explain", "--image", "apii"],
    ["packages", "--image", "apii"], ["forget", "--image", "apii"], ["bisect", "HEAD~1..HEAD", "--image", "apii"],
    ["report", "--image", "apii"], ["check", "--image", "apii"],
  ])
  func readingCommandsRefuseAnUnknownImage(arguments: [String]) throws {
    let images = try TemporaryDirectory()
    let repo = try Self.repository()
    try repo.commit("second")
    #expect(
      try Self.run(["measure", try SyncTests.image(bytes: 10_000, in: images, name: "one")], in: repo).status == 0)
    let result = try Self.run(arguments, in: repo)
    #expect(result.status == 2, "\(arguments): \(result.stdout)\(result.stderr)")
    // One message in every command (ImageNames'), not one per command.
    #expect(
      result.stderr.contains("no image \"apii\" in budgets.toml: did you mean \"api\"? it budgets api"),
      "\(arguments): \(result.stderr)")
  }

  /// A measurement forgotten in one clone is gone from every clone after sync, even
  /// from a clone that had imported it, measured elsewhere in between (so the notes
  /// diverged and were merged), and synced again afterwards.
  @Test func aForgottenMeasurementStaysForgottenAcrossClones() throws {
    let images = try TemporaryDirectory()
    let (origin, first) = try SyncTests.origin()
    let base = try first.git(["rev-parse", "HEAD"]).trimmed
    let wrong = try Self.run(
      ["measure", try SyncTests.image(bytes: 10_000, in: images, name: "wrong"), "--image", "api", "--sync"],
      in: first)
    try #require(wrong.status == 0, "\(wrong.stderr)")

    let second = try GitRepository(cloning: origin.path)
    #expect(try Self.run(["sync"], in: second).status == 0)
    #expect(try Self.loggedCommits(second) == [base])

    let forgotten = try Self.run(["forget", "--commit", base, "--image", "api"], in: first)
    #expect(forgotten.status == 0, "\(forgotten.stderr)")
    #expect(forgotten.stdout.contains("forgot api at \(base.prefix(12))"), "\(forgotten.stdout)")
    #expect(try Self.loggedCommits(first).isEmpty)
    #expect(try Self.run(["sync"], in: first).status == 0)

    // The second clone measures another commit first: its notes and the remote's diverge.
    let later = try second.commit("later", files: ["app.txt": "x"])
    #expect(
      try Self.run(["measure", try SyncTests.image(bytes: 20_000, in: images, name: "later")], in: second).status == 0)
    try second.git(["push", "-q", "origin", "main"])
    let merged = try Self.run(["sync"], in: second)
    #expect(merged.status == 0, "\(merged.stderr)")
    #expect(try Self.loggedCommits(second) == [later], "the forgotten measurement is gone, the new one kept")

    // And the first clone does not get it back from the second's push.
    #expect(try Self.run(["sync"], in: first).status == 0)
    try first.git(["pull", "-q", "origin", "main"])
    #expect(try Self.loggedCommits(first) == [later])
    let again = try Self.run(["forget", "--commit", base, "--image", "api"], in: first)
    #expect(again.status == 3, "nothing left to forget: \(again.stdout)\(again.stderr)")

    // Measuring the commit again is a new measurement, which stays.
    try first.git(["checkout", "-q", base])
    #expect(
      try Self.run(["measure", try SyncTests.image(bytes: 30_000, in: images, name: "again"), "--sync"], in: first)
        .status == 0)
    #expect(try Self.run(["sync"], in: second).status == 0)
    #expect(try Self.loggedCommits(second) == [later, base])
  }
}

extension String {
  var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
