import ArchiveIO
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `sizebudget measure` on small images the tests write, in real git repositories,
/// into real SQLite stores.
@Suite struct MeasureCommandTests {
  static let image = ImageBuilder([
    ImageBuilder.Layer([.directory("app"), .file("app/main.py", size: 5000), .file("app/big.bin", size: 300_000)]),
    ImageBuilder.Layer([.file("app/main.py", size: 6000), .empty("app/.wh.big.bin")], compression: .zstd),
  ])

  /// A repository with one commit and the image written as an OCI layout.
  func setUp() throws -> (GitRepository, String) {
    let repo = try GitRepository()
    try repo.commit("first", files: ["README": "hi\n"])
    try Self.image.writeOCILayout(to: repo.url.appendingPathComponent("build/app.oci"))
    return (repo, "oci:build/app.oci")
  }

  func storedImages(_ repo: GitRepository) throws -> [String] {
    let store = repo.url.appendingPathComponent(".git/sizebudget.sqlite").path
    guard FileManager.default.fileExists(atPath: store) else { return [] }
    return try sqlite(store, "SELECT image || ' ' || commit_oid FROM measurements ORDER BY image")
  }

  func sqlite(_ store: String, _ query: String) throws -> [String] {
    let output = try Compressor.pipe(["sqlite3", store, query], [])
    return String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
  }

  @Test func recordsAgainstHEADAndSaysWhenItReplaces() throws {
    let (repo, source) = try setUp()
    let head = try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    let first = try CLI.run(["measure", source, "--image", "app"], in: repo.url)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.contains("app at \(head.prefix(12)), linux/amd64, from \(source)"))
    #expect(first.stdout.contains("Recorded in .git/sizebudget.sqlite."))
    #expect(try storedImages(repo) == ["app \(head)"])
    let second = try CLI.run(["measure", source, "--image", "app"], in: repo.url)
    #expect(second.stdout.contains("replacing the measurement taken"))
    #expect(try storedImages(repo) == ["app \(head)"])
  }

  @Test func takesTheSourceFromBudgetsRelativeToTheRoot() throws {
    let (repo, source) = try setUp()
    try repo.commit("budgets", files: ["budgets.toml": "[image.app]\nsource = \"\(source)\"\n", "sub/dir/x": "x"])
    let result = try CLI.run(["measure", "--image", "app"], in: repo.url.appendingPathComponent("sub/dir"))
    #expect(result.status == 0, "\(result.stderr)")
    let missing = try CLI.run(["measure", "--image", "other", "--new-image"], in: repo.url)
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("no SOURCE for other"))
  }

  @Test func namesARevisionThatDoesNotResolve() throws {
    let (repo, source) = try setUp()
    let result = try CLI.run(["measure", source, "--image", "app", "--commit", "no-such-branch"], in: repo.url)
    #expect(result.status == 2)
    #expect(result.stderr.contains("revision \"no-such-branch\" does not resolve"))
    #expect(try storedImages(repo).isEmpty)
  }

  @Test func eightConcurrentWritersAllSucceed() throws {
    let (repo, source) = try setUp()
    var commits: [String] = []
    for index in 0..<8 { commits.append(try repo.commit("c\(index)")) }
    // Eight processes started together, all writing to one store.
    var processes: [(Process, Pipe)] = []
    for (index, commit) in commits.enumerated() {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: CLI.path("sizebudget"))
      process.arguments = ["measure", source, "--image", "img\(index % 2)", "--commit", commit]
      process.currentDirectoryURL = repo.url
      let errors = Pipe()
      process.standardOutput = Pipe()
      process.standardError = errors
      processes.append((process, errors))
    }
    for (process, _) in processes { try process.run() }
    for (process, errors) in processes {
      process.waitUntilExit()
      let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      #expect(process.terminationStatus == 0, "\(message)")
    }
    #expect(try storedImages(repo).count == 8)
    let store = repo.url.appendingPathComponent(".git/sizebudget.sqlite").path
    #expect(try sqlite(store, "PRAGMA integrity_check") == ["ok"])
  }

  /// Starts `measure` with the test hook that stops it inside its write transaction,
  /// and waits until it got there.
  func startPausedWriter(_ source: String, in repo: GitRepository, pauseFile: String) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CLI.path("sizebudget"))
    process.arguments = ["measure", source, "--image", "app"]
    process.currentDirectoryURL = repo.url
    process.environment = ProcessInfo.processInfo.environment.merging(
      ["SIZEBUDGET_TEST_PAUSE_AT": "mid-write", "SIZEBUDGET_TEST_PAUSE_FILE": pauseFile]) { $1 }
    process.standardOutput = Pipe()
    try process.run()
    var waited = 0
    while !FileManager.default.fileExists(atPath: pauseFile) && waited < 300 {
      usleep(100_000)
      waited += 1
    }
    return process
  }

  @Test func aWriterKilledMidWriteLeavesTheOldMeasurement() throws {
    let (repo, source) = try setUp()
    let store = repo.url.appendingPathComponent(".git/sizebudget.sqlite").path
    #expect(try CLI.run(["measure", source, "--image", "app"], in: repo.url).status == 0)
    let before = try sqlite(store, "SELECT measured_at, compressed_bytes FROM measurements")
    let pauseFile = repo.url.appendingPathComponent("paused").path
    sleep(1)  // so a replacement would carry a different measured_at
    let process = try startPausedWriter(source, in: repo, pauseFile: pauseFile)
    try #require(FileManager.default.fileExists(atPath: pauseFile), "the writer never reached the middle of its write")
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal)
    #expect(try sqlite(store, "PRAGMA integrity_check") == ["ok"])
    #expect(try sqlite(store, "SELECT measured_at, compressed_bytes FROM measurements") == before)
    #expect(try sqlite(store, "SELECT count(*) FROM layers") == ["2"])
  }

  @Test func aNewMeasurementKilledMidWriteLeavesNothing() throws {
    let (repo, source) = try setUp()
    let store = repo.url.appendingPathComponent(".git/sizebudget.sqlite").path
    let pauseFile = repo.url.appendingPathComponent("paused").path
    let process = try startPausedWriter(source, in: repo, pauseFile: pauseFile)
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(try sqlite(store, "PRAGMA integrity_check") == ["ok"])
    #expect(try sqlite(store, "SELECT count(*) FROM measurements") == ["0"])
    #expect(try sqlite(store, "SELECT count(*) FROM layers") == ["0"])
  }

  /// Issue 13 item 1: a flag may make a figure unknown, never wrong. Without the
  /// estimate a layer stored uncompressed has no compressed size: the measurement is
  /// refused, never stored as 0 B or as the uncompressed size marked exact.
  @Test func noEstimateNeverRecordsAWrongCompressedSize() throws {
    let repo = try GitRepository()
    try repo.commit("first", files: ["README": "hi\n"])
    let image = ImageBuilder([
      ImageBuilder.Layer([.file("app/a.bin", size: 200_000)], compression: .none),
      ImageBuilder.Layer([.file("app/b.bin", size: 100_000)], compression: .none),
    ])
    let archive = try image.dockerArchive()
    let path = repo.url.appendingPathComponent("app.tar")
    try Data(archive).write(to: path)
    let store = repo.url.appendingPathComponent(".git/sizebudget.sqlite").path

    let piped = try CLI.run(
      ["measure", "-", "--no-verify", "--no-estimate", "--image", "app"], in: repo.url, input: Data(archive))
    #expect(piped.status == 2, "\(piped.stdout)")
    #expect(piped.stderr.contains("--no-estimate"), "\(piped.stderr)")
    let file = try CLI.run(["measure", "docker-archive:app.tar", "--no-estimate", "--image", "app"], in: repo.url)
    #expect(file.status == 2, "\(file.stdout)")
    #expect(file.stderr.contains("compressed size"), "\(file.stderr)")
    if FileManager.default.fileExists(atPath: store) {
      #expect(try sqlite(store, "SELECT count(*) FROM measurements") == ["0"])
    }

    // With the estimate it is recorded, and labelled as one in text and JSON.
    let text = try CLI.run(["measure", "docker-archive:app.tar", "--image", "app"], in: repo.url)
    #expect(text.status == 0, "\(text.stderr)")
    #expect(text.stdout.contains("(estimated"), "\(text.stdout)")
    let json = try CLI.run(
      ["measure", "-", "--no-verify", "--image", "app", "--format", "json"], in: repo.url, input: Data(archive))
    #expect(json.status == 0, "\(json.stderr)")
    let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
    let measurement = object?["measurement"] as? [String: Any] ?? object ?? [:]
    #expect(measurement["compressed_estimated"] as? Bool == true, "\(json.stdout)")
    #expect((measurement["uncompressed_bytes"] as? Int ?? 0) >= 300_000, "\(json.stdout)")
    #expect((measurement["compressed_bytes"] as? Int ?? 0) > 0, "\(json.stdout)")

    // Estimates made before for the same layers are reused: then --no-estimate is exact about what it knows.
    let reused = try CLI.run(["measure", "docker-archive:app.tar", "--no-estimate", "--image", "app"], in: repo.url)
    #expect(reused.status == 0, "\(reused.stderr)")
    #expect(reused.stdout.contains("(estimated"), "\(reused.stdout)")
    // On standard input a layer's digest comes too late to look an estimate up: the
    // refusal says so instead of promising the reuse.
    let pipedAgain = try CLI.run(
      ["measure", "-", "--no-verify", "--no-estimate", "--image", "app"], in: repo.url, input: Data(archive))
    #expect(pipedAgain.status == 2, "\(pipedAgain.stdout)")
    #expect(
      pipedAgain.stderr.contains("on standard input estimates made before cannot be reused"), "\(pipedAgain.stderr)")
  }
}
