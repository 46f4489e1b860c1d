import Foundation
import TestSupport
import Testing

/// Sharing measurements through git notes between real clones of a real bare
/// "origin", with the real binary.
@Suite struct SyncTests {
  static let budgets = "[image.api]\nmax = \"1 GB\"\nmax_growth = \"+5%\"\n"

  /// An OCI layout of one uncompressed layer holding `bytes` in /app/blob.
  static func image(bytes: Int, in directory: TemporaryDirectory, name: String) throws -> String {
    let layer = ImageBuilder.Layer(
      [.file("app/blob", size: bytes)], createdBy: "COPY blob /app/ # \(name)", compression: .none)
    let path = directory.url.appendingPathComponent(name).path
    try ImageBuilder([layer]).writeOCILayout(to: URL(fileURLWithPath: path))
    return "oci:" + path
  }

  /// A bare origin whose main has budgets.toml, and a first clone that pushed it.
  static func origin() throws -> (origin: GitRepository, first: GitRepository) {
    let origin = try GitRepository(bare: true)
    let first = try GitRepository(cloning: origin.path)
    try first.commit("budgets", files: ["budgets.toml": budgets])
    try first.git(["push", "-q", "origin", "main"])
    return (origin, first)
  }

  static func run(_ arguments: [String], in repo: GitRepository) throws -> CLI.Result {
    try CLI.run(arguments, in: repo.url)
  }

  struct LogRow: Decodable {
    var commit: String
    var image: String
    var compressedBytes: Int64
  }

  static func log(_ repo: GitRepository, image: String = "api") throws -> [LogRow] {
    let result = try run(["log", "--image", image, "--format", "json"], in: repo)
    try #require(result.status == 0, "\(result.stderr)")
    struct Document: Decodable { var rows: [LogRow] }
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(Document.self, from: Data(result.stdout.utf8)).rows
  }

  @Test func aFreshCloneJudgesGrowthAgainstABaseMeasuredElsewhere() throws {
    let images = try TemporaryDirectory()
    let (origin, ci) = try Self.origin()
    let base = try ci.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    let measured = try Self.run(
      ["measure", try Self.image(bytes: 1_000_000, in: images, name: "small"), "--image", "api", "--sync"], in: ci)
    try #require(measured.status == 0, "\(measured.stderr)")
    #expect(measured.stderr.contains("pushed"), "\(measured.stderr)")
    #expect(try origin.git(["show-ref", "refs/notes/sizebudget"]).contains("refs/notes/sizebudget"))

    // A laptop: a new clone with a branch that grew the image 50 %.
    let laptop = try GitRepository(cloning: origin.path)
    try laptop.git(["checkout", "-q", "-b", "feature"])
    try laptop.commit("grow", files: ["app.txt": "more"])
    let grown = try Self.run(
      ["measure", try Self.image(bytes: 1_500_000, in: images, name: "big"), "--image", "api"], in: laptop)
    try #require(grown.status == 0, "\(grown.stderr)")
    let unknownBase = try Self.run(["check"], in: laptop)
    #expect(unknownBase.status == 3)
    #expect(unknownBase.stdout.contains("no measured base"), "no base is known before sync: \(unknownBase.stdout)")

    let checked = try Self.run(["check", "--sync"], in: laptop)
    #expect(checked.status == 1, "\(checked.stdout)\(checked.stderr)")
    #expect(checked.stdout.contains("max_growth"))
    #expect(checked.stdout.contains("against \(base.prefix(12))"), "\(checked.stdout)")
    #expect(checked.stderr.contains("1 measurement imported"), "\(checked.stderr)")
    // The laptop's own measurement went out too: the CI clone gets it with its sync.
    let ciSync = try Self.run(["sync"], in: ci)
    #expect(ciSync.status == 0)
    #expect(ciSync.stdout.contains("1 measurement imported"), "\(ciSync.stdout)")
  }

  @Test func theNewerMeasurementWinsInEveryClone() throws {
    let images = try TemporaryDirectory()
    let (origin, a) = try Self.origin()
    let b = try GitRepository(cloning: origin.path)
    let commit = try a.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(
      try Self.run(["measure", try Self.image(bytes: 200_000, in: images, name: "a"), "--image", "api"], in: a).status
        == 0)
    Thread.sleep(forTimeInterval: 1.1)  // measured_at has one-second resolution
    #expect(
      try Self.run(["measure", try Self.image(bytes: 300_000, in: images, name: "b"), "--image", "api"], in: b).status
        == 0)
    let newer = try #require(try Self.log(b).first).compressedBytes
    // a pushes first; b merges (its own is newer) and pushes; a takes b's.
    for clone in [a, b, a] {
      let synced = try Self.run(["sync"], in: clone)
      #expect(synced.status == 0, "\(synced.stderr)")
    }
    for clone in [a, b] {
      let rows = try Self.log(clone)
      #expect(rows.count == 1)
      #expect(rows.first?.commit == commit)
      #expect(rows.first?.compressedBytes == newer)
    }
    // Both clones hold the very same note (the merge is deterministic).
    let notes = try [a, b].map { try $0.git(["notes", "--ref", "sizebudget", "list", commit]) }
    #expect(notes[0] == notes[1])
  }

  @Test func rebuildRefillsTheStoreFromTheNotesAlone() throws {
    let images = try TemporaryDirectory()
    let (origin, a) = try Self.origin()
    let image = try Self.image(bytes: 100_000, in: images, name: "x")
    for index in 0..<3 {
      try a.commit("change \(index)", files: ["f.txt": "\(index)"])
      #expect(try Self.run(["measure", image, "--image", "api"], in: a).status == 0)
    }
    #expect(try Self.run(["sync"], in: a).status == 0)
    for file in ["sizebudget.sqlite", "sizebudget.sqlite-wal", "sizebudget.sqlite-shm"] {
      try? FileManager.default.removeItem(at: a.url.appendingPathComponent(".git/\(file)"))
    }
    #expect(try Self.log(a).isEmpty)
    let rebuilt = try Self.run(["sync", "--rebuild"], in: a)
    #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
    #expect(rebuilt.stdout.contains("rebuilt"))
    #expect(try Self.log(a).count == 3)
    // A fresh clone that only reads gets the same three.
    try a.git(["push", "-q", "origin", "main"])
    let reader = try GitRepository(cloning: origin.path)
    let pulled = try Self.run(["sync", "--no-push"], in: reader)
    #expect(pulled.status == 0, "\(pulled.stderr)")
    #expect(pulled.stdout.contains("3 measurements imported"), "\(pulled.stdout)")
    #expect(try Self.log(reader).map(\.commit) == (try Self.log(a).map(\.commit)))
  }

  /// Notes a writer left in an inbox ref (its pushes kept being refused) are merged
  /// by the next sync that gets through, and the inbox ref is deleted with the same
  /// atomic push.
  @Test func inboxRefsAreFoldedIntoTheNotes() throws {
    let images = try TemporaryDirectory()
    let (origin, a) = try Self.origin()
    #expect(
      try Self.run(["measure", try Self.image(bytes: 100_000, in: images, name: "a"), "--image", "api"], in: a).status
        == 0)
    try a.git(["push", "-q", "origin", "refs/notes/sizebudget:refs/notes/sizebudget-inbox/runner-7"])
    let b = try GitRepository(cloning: origin.path)
    let synced = try Self.run(["sync"], in: b)
    #expect(synced.status == 0, "\(synced.stderr)")
    #expect(synced.stdout.contains("1 measurement imported"), "\(synced.stdout)")
    #expect(synced.stdout.contains("folded 1 inbox ref"), "\(synced.stdout)")
    let refs = try origin.git(["for-each-ref", "--format=%(refname)", "refs/notes"])
    #expect(refs.trimmingCharacters(in: .whitespacesAndNewlines) == "refs/notes/sizebudget")
    #expect(try Self.log(b).count == 1)
  }

  /// With one attempt allowed and the remote moved since the last fetch, the notes go
  /// to an inbox ref instead of failing the job.
  @Test func aWriterThatKeepsBeingRefusedLeavesItsNotesInAnInbox() throws {
    let images = try TemporaryDirectory()
    let (origin, a) = try Self.origin()
    let b = try GitRepository(cloning: origin.path)
    // A pre-receive hook on origin refuses every update of the notes ref once.
    let hook = origin.url.appendingPathComponent("hooks/pre-receive")
    try """
    #!/bin/sh
    while read old new ref; do
      [ "$ref" = refs/notes/sizebudget ] && { echo "busy" >&2; exit 1; }
    done
    exit 0
    """.write(to: hook, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook.path)
    #expect(
      try Self.run(["measure", try Self.image(bytes: 100_000, in: images, name: "b"), "--image", "api"], in: b).status
        == 0)
    let synced = try Self.run(["sync", "--attempts", "2"], in: b)
    #expect(synced.status == 0, "\(synced.stderr)")
    #expect(synced.stdout.contains("left in refs/notes/sizebudget-inbox/"), "\(synced.stdout)")
    try FileManager.default.removeItem(at: hook)
    // Another clone gets the measurement from the inbox, and folds it.
    let folded = try Self.run(["sync"], in: a)
    #expect(folded.stdout.contains("1 measurement imported"), "\(folded.stdout)")
    #expect(folded.stdout.contains("folded 1 inbox ref"), "\(folded.stdout)")
  }

  @Test func notesThatAreNotOursAreSkippedWithAWarning() throws {
    let (origin, a) = try Self.origin()
    let commit = try a.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    try a.git(["notes", "--ref", "sizebudget", "add", "-m", "not json at all", commit])
    try a.git(["push", "-q", "origin", "refs/notes/sizebudget"])
    let b = try GitRepository(cloning: origin.path)
    try b.commit("second")
    let future = #"{"schema":"sizebudget.note/v9","images":{}}"#
    try b.git(["notes", "--ref", "sizebudget", "add", "-m", future, "HEAD"])
    let synced = try Self.run(["sync"], in: b)
    #expect(synced.status == 0, "\(synced.stderr)")
    #expect(synced.stdout.contains("warning: the note of commit \(commit.prefix(12))"), "\(synced.stdout)")
    #expect(synced.stdout.contains("is not a sizebudget note"))
    #expect(synced.stdout.contains("upgrade sizebudget"))
    #expect(try Self.log(b).isEmpty)
  }

  /// A note written by a newer sizebudget is never replaced by this one's idea of
  /// it: not by a merge, not by a measure, not by the export of sync.
  @Test func notesOfAnotherVersionAreLeftAsTheyAre() throws {
    let images = try TemporaryDirectory()
    let (origin, a) = try Self.origin()
    let b = try GitRepository(cloning: origin.path)
    let commit = try a.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    let future = #"{"schema":"sizebudget.note/v2","images":{"future":{"anything":1}}}"#
    try a.git(["notes", "--ref", "sizebudget", "add", "-m", future, commit])
    try a.git(["push", "-q", "origin", "refs/notes/sizebudget"])

    // b measures the same commit (its note is v1, locally), then syncs.
    let measured = try Self.run(
      ["measure", try Self.image(bytes: 1_000_000, in: images, name: "one"), "--image", "api"], in: b)
    try #require(measured.status == 0, "\(measured.stderr)")
    let synced = try Self.run(["sync"], in: b)
    #expect(synced.status == 0, "\(synced.stderr)")
    #expect(synced.stdout.contains("has schema sizebudget.note/v2"), "\(synced.stdout)")
    #expect(synced.stdout.contains("left as it is (upgrade sizebudget"))
    let atOrigin = try origin.git(["notes", "--ref", "sizebudget", "show", commit])
    #expect(atOrigin.trimmingCharacters(in: .whitespacesAndNewlines) == future)
    #expect(try Self.log(b).count == 1, "b's measurement stays in its store")

    // Measuring again does not replace it either: the note write is refused, the store has it.
    let again = try Self.run(
      ["measure", try Self.image(bytes: 1_100_000, in: images, name: "two"), "--image", "api"], in: b)
    #expect(again.status == 0, "\(again.stderr)")
    #expect(again.stderr.contains("not in refs/notes/sizebudget"), "\(again.stderr)")
    #expect(try b.git(["notes", "--ref", "sizebudget", "show", commit]).contains("sizebudget.note/v2"))
    let resynced = try Self.run(["sync"], in: b)
    #expect(resynced.status == 0, "\(resynced.stderr)")
    #expect(try origin.git(["notes", "--ref", "sizebudget", "show", commit]).contains("sizebudget.note/v2"))

    // The newer sizebudget changes its note again; b, with a note commit of its own on
    // top, merges: the changed note is taken, not the one b had, whichever blob id is
    // larger (the new one is chosen to sort below the old).
    let old = try origin.git(["rev-parse", "refs/notes/sizebudget:\(commit)"])
      .trimmingCharacters(in: .whitespacesAndNewlines)
    var newer = ""
    for attempt in 0..<200 {
      let candidate = #"{"schema":"sizebudget.note/v2","images":{"future":{"anything":2},"more":{"n":\#(attempt)}}}"#
      let blob = try a.git(["hash-object", "--stdin"], input: candidate).trimmingCharacters(in: .whitespacesAndNewlines)
      if blob < old {
        newer = candidate
        break
      }
    }
    try #require(!newer.isEmpty)
    try a.git(["fetch", "-q", "origin", "+refs/notes/sizebudget:refs/notes/sizebudget"])
    try a.git(["notes", "--ref", "sizebudget", "add", "-f", "-m", newer, commit])
    try a.git(["push", "-q", "origin", "refs/notes/sizebudget"])
    try b.commit("next")
    let next = try Self.run(
      ["measure", try Self.image(bytes: 1_200_000, in: images, name: "three"), "--image", "api"], in: b)
    try #require(next.status == 0, "\(next.stderr)")
    let merged = try Self.run(["sync"], in: b)
    #expect(merged.status == 0, "\(merged.stderr)")
    let final = try origin.git(["notes", "--ref", "sizebudget", "show", commit])
    #expect(final.trimmingCharacters(in: .whitespacesAndNewlines) == newer, "\(final)")
  }

  /// A clone whose note write failed (the ref was locked) measured an older image;
  /// another clone's newer measurement of the same commit arrives in the notes. The
  /// store takes the newer one, and sync then has nothing left to export.
  @Test func theStoreCatchesUpWithANewerNoteAfterAFailedNoteWrite() throws {
    let images = try TemporaryDirectory()
    let (origin, c) = try Self.origin()
    let d = try GitRepository(cloning: origin.path)
    let lock = d.url.appendingPathComponent(".git/refs/notes/sizebudget.lock")
    try FileManager.default.createDirectory(
      at: lock.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data().write(to: lock)
    let small = try Self.run(
      ["measure", try Self.image(bytes: 500_000, in: images, name: "small"), "--image", "api"], in: d)
    try #require(small.status == 0, "\(small.stderr)")
    #expect(small.stderr.contains("warning: the measurement is stored but not in refs/notes/sizebudget"))
    try FileManager.default.removeItem(at: lock)

    let big = try Self.run(
      ["measure", try Self.image(bytes: 900_000, in: images, name: "big"), "--image", "api", "--sync"], in: c)
    try #require(big.status == 0, "\(big.stderr)")
    try d.git(["fetch", "-q", "origin", "+refs/notes/sizebudget:refs/notes/sizebudget"])
    let synced = try Self.run(["sync"], in: d)
    #expect(synced.status == 0, "\(synced.stderr)")
    let rows = try Self.log(d)
    #expect(rows.count == 1)
    #expect(rows.first.map { $0.compressedBytes > 800_000 } == true, "the newer (big) measurement: \(rows)")
    let again = try Self.run(["sync"], in: d)
    #expect(again.stdout.contains("0 exported, nothing to push"), "\(again.stdout)")
  }

  @Test func remotesThatCannotBeReachedAreClearErrors() throws {
    let lonely = try GitRepository()
    try lonely.commit("budgets", files: ["budgets.toml": Self.budgets])
    let local = try Self.run(["sync"], in: lonely)
    #expect(local.status == 0)
    #expect(local.stdout.contains("no remote: local notes only"))
    let named = try Self.run(["sync", "--remote", "upstream"], in: lonely)
    #expect(named.status == 2)
    #expect(named.stderr.contains("no remote \"upstream\""))
    // A remote path that is not a repository is configuration (2): retrying cannot fix it.
    let missing = try Self.run(["sync", "--remote", "/nonexistent/origin.git"], in: lonely)
    #expect(missing.status == 2)
    #expect(!missing.stderr.contains("retrying may succeed"), "\(missing.stderr)")
    #expect(missing.stderr.contains("git fetch /nonexistent/origin.git"), "\(missing.stderr)")

    // A token in a remote URL is never printed, nor kept in a ref name. Nothing
    // listens on port 9: the remote cannot be reached, which is transient (4).
    let tokenURL = "http://user:s3cretTOKEN@127.0.0.1:9/origin.git"
    let withToken = try Self.run(["sync", "--remote", tokenURL], in: lonely)
    #expect(withToken.status == 4)
    #expect(
      withToken.stderr.contains("could not reach the remote http://***@127.0.0.1:9/origin.git"), "\(withToken.stderr)")
    #expect(withToken.stderr.contains("retrying may succeed"), "\(withToken.stderr)")
    #expect(withToken.stderr.contains("git fetch http://***@127.0.0.1:9/origin.git"), "\(withToken.stderr)")
    #expect(!(withToken.stdout + withToken.stderr).contains("s3cret"))
    #expect(!(try lonely.git(["for-each-ref"])).contains("s3cret"))

    // measure --sync that cannot share still prints its measurement, and fails.
    let images = try TemporaryDirectory()
    let measured = try Self.run(
      [
        "measure", try Self.image(bytes: 10_000, in: images, name: "x"), "--image", "api", "--format", "json", "--sync",
        "--remote", tokenURL,
      ], in: lonely)
    #expect(measured.status == 4)
    #expect(measured.stdout.contains("\"schema\" : \"sizebudget.measurement/v1\""), "\(measured.stdout)")
    #expect(measured.stderr.contains("the measurement is stored here, but sharing it failed"), "\(measured.stderr)")
    #expect(!measured.stderr.contains("s3cret"))
    #expect(try Self.log(lonely).count == 1)
  }

  /// A remote that never answers (an ssh command that hangs) is stopped at the time
  /// limit with its helpers, not waited for.
  @Test func aHangingRemoteIsStoppedAtTheTimeLimit() throws {
    let repo = try GitRepository()
    try repo.commit("budgets", files: ["budgets.toml": Self.budgets])
    let hang = repo.url.appendingPathComponent("hang-ssh.sh")
    try "#!/bin/sh\nexec sleep 300\n".write(to: hang, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hang.path)
    let started = Date()
    let result = try CLI.run(
      ["sync", "--remote", "ssh://example.invalid/origin.git"], in: repo.url,
      environment: ["GIT_SSH": hang.path, "SIZEBUDGET_GIT_TIMEOUT": "3"])
    #expect(result.status == 4)
    #expect(result.stderr.contains("took longer than 3 s and was stopped"), "\(result.stderr)")
    #expect(Date().timeIntervalSince(started) < 30, "stopped, with its ssh helper, at the time limit")
  }
}

/// 8 processes, each in its own clone of one bare origin, each recording 50
/// measurements with `measure --sync` at the same time: afterwards every clone that
/// syncs holds all 400, none lost, none duplicated.
@Suite struct SyncConcurrencyTests {
  static let writers = 8
  static let commits = 50

  @Test func eightWritersFiftyMeasurementsEachLoseNothing() throws {
    let images = try TemporaryDirectory()
    let image = try SyncTests.image(bytes: 10_000, in: images, name: "tiny")
    let origin = try GitRepository(bare: true)
    let seed = try GitRepository(cloning: origin.path)
    try seed.commit("budgets", files: ["budgets.toml": SyncTests.budgets])
    for index in 1..<Self.commits { try seed.commit("change \(index)", files: ["f.txt": "\(index)"]) }
    try seed.git(["push", "-q", "origin", "main"])
    let clones = try (0..<Self.writers).map { _ in try GitRepository(cloning: origin.path) }

    let started = Date()
    let processes = try clones.enumerated().map { index, clone in
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/bin/bash")
      process.arguments = [
        "-c",
        """
        set -e
        for commit in $(git rev-list main); do
          "$SIZEBUDGET" measure "$IMAGE" --image "svc-\(index)" --new-image --commit "$commit" --sync >/dev/null 2>>sync-errors.log
        done
        """,
      ]
      process.currentDirectoryURL = clone.url
      var environment = ProcessInfo.processInfo.environment
      environment["SIZEBUDGET"] = CLI.path("sizebudget")
      environment["IMAGE"] = image
      process.environment = environment
      try process.run()
      return process
    }
    for process in processes { process.waitUntilExit() }
    let seconds = Date().timeIntervalSince(started)
    print("sync concurrency: \(Self.writers)×\(Self.commits) measure --sync in \(String(format: "%.1f", seconds)) s")
    for (index, process) in processes.enumerated() {
      let errors =
        (try? String(contentsOf: clones[index].url.appendingPathComponent("sync-errors.log"), encoding: .utf8)) ?? ""
      #expect(process.terminationStatus == 0, "writer \(index): \(errors.suffix(600))")
    }

    // Every writer pushed all it measured: one sync each now brings the whole set.
    for clone in clones + [try GitRepository(cloning: origin.path)] {
      let synced = try CLI.run(["sync", "--no-push"], in: clone.url)
      #expect(synced.status == 0, "\(synced.stderr)")
      let counted = try CLI.run(
        [
          "sqlite3", clone.url.appendingPathComponent(".git/sizebudget.sqlite").path,
          "SELECT count(*), count(DISTINCT image || ':' || commit_oid), count(DISTINCT image) FROM measurements",
        ], product: "/usr/bin/env")
      #expect(counted.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "400|400|8", "\(counted.stderr)")
    }
    let notes = try origin.git(["notes", "--ref", "sizebudget", "list"]).split(separator: "\n")
    #expect(notes.count == Self.commits)
  }
}
