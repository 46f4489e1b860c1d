import Foundation
import TestSupport
import Testing

/// The store on a real PostgreSQL server (Debian's, on 127.0.0.1): every command
/// gives what it gives on SQLite, concurrent writers lose nothing, and bad URLs are
/// clear errors.
@Suite struct PostgresStoreTests {
  static func server() throws -> LocalPostgres {
    do {
      return try LocalPostgres.shared.get()
    } catch {
      Issue.record("PostgreSQL is needed (scripts/install-deps.sh test installs it): \(error)")
      throw error
    }
  }

  static let budgets = """
    [image.api]
    max = "3 MB"
    max_growth = "+20%"
    forbid = ["/app/tests/**"]
    """

  /// A repository whose base commit measures 1 MB and whose head 1.5 MB (with a
  /// forbidden file), recorded in `store`.
  static func measuredRepository(store: String) throws -> GitRepository {
    let repo = try GitRepository()
    // Fixed dates, two and one days ago: the report's trend depends on them.
    let now = Int(Date().timeIntervalSince1970)
    try repo.commit("budgets", files: ["budgets.toml": budgets], date: now - 2 * 86_400)
    let images = repo.url.appendingPathComponent("images")
    for (index, bytes) in [1_000_000, 1_500_000].enumerated() {
      if index > 0 { try repo.commit("grow", files: ["app.txt": "more"], date: now - 86_400) }
      let layer = ImageBuilder.Layer(
        [.file("app/blob", size: bytes), .file("app/tests/test_x.py", "assert True\n")].prefix(index + 1).map { $0 },
        createdBy: "COPY app /app # \(index)", compression: .none)
      try ImageBuilder([layer]).writeOCILayout(to: images.appendingPathComponent("\(index).oci"))
      let measured = try CLI.run(
        ["measure", "oci:images/\(index).oci", "--image", "api", "--store", store], in: repo.url)
      try #require(measured.status == 0, "\(measured.stderr)")
    }
    return repo
  }

  @Test func everyCommandGivesWhatItGivesOnSQLite() throws {
    let url = try Self.server().createDatabase()
    let onPostgres = try Self.measuredRepository(store: url)
    let onSQLite = try Self.measuredRepository(store: "store.sqlite")
    // The same history; commit ids are masked all the same, in case the two
    // repositories were made either side of a second boundary.
    let commands: [[String]] = [
      ["check"], ["check", "--format", "json"], ["log", "--image", "api"],
      ["diff", "HEAD~1", "HEAD", "--image", "api"],
      ["explain", "--image", "api"], ["packages", "--image", "api"], ["report", "--since", "30d"],
    ]
    for command in commands {
      let pg = try CLI.run(command + ["--store", url], in: onPostgres.url)
      let lite = try CLI.run(command + ["--store", "store.sqlite"], in: onSQLite.url)
      #expect(pg.status == lite.status, "\(command): \(pg.stderr)")
      let (maskedPG, maskedLite) = (try Self.masked(pg.stdout, onPostgres), try Self.masked(lite.stdout, onSQLite))
      #expect(
        maskedPG == maskedLite,
        "\(command)\n--- postgres\n\(pg.stdout)\n--- sqlite\n\(lite.stdout)")
    }
    let count = try Self.server().query(url, "SELECT count(*) FROM measurements")
    #expect(count == "2")
  }

  /// Commit ids and times differ between two repositories made a moment apart.
  static func masked(_ text: String, _ repo: GitRepository) throws -> String {
    var result = text
    for line in try repo.git(["log", "--format=%H"]).split(separator: "\n") {
      result = result.replacingOccurrences(of: String(line), with: "<commit>")
        .replacingOccurrences(of: String(line.prefix(12)), with: "<commit>")
    }
    return result.replacing(/\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d)?Z?/, with: "<time>")
      .replacing(/sizebudget-test-[0-9A-F-]+/, with: "<repository>")
      .replacing(/\d+ (seconds?|minutes?) ago/, with: "<ago>")
  }

  @Test func budgetsTomlNamesTheSharedStore() throws {
    let url = try Self.server().createDatabase()
    let repo = try GitRepository()
    try repo.commit("budgets", files: ["budgets.toml": "[defaults]\nstore = \"\(url)\"\n\n" + Self.budgets])
    let layer = ImageBuilder.Layer([.file("app/blob", size: 1000)], compression: .none)
    try ImageBuilder([layer]).writeOCILayout(to: repo.url.appendingPathComponent("image.oci"))
    let measured = try CLI.run(["measure", "oci:image.oci", "--image", "api"], in: repo.url)
    #expect(measured.status == 0, "\(measured.stderr)")
    // Named with its user information redacted, as every URL is shown.
    #expect(
      measured.stdout.contains(url.replacingOccurrences(of: "sizebudget@", with: "***@")), "the report names the store")
    #expect(!FileManager.default.fileExists(atPath: repo.url.appendingPathComponent(".git/sizebudget.sqlite").path))
    #expect(try Self.server().query(url, "SELECT image FROM measurements") == "api")
    // No notes: the database is the shared record; sync says so.
    #expect((try? repo.git(["show-ref", "refs/notes/sizebudget"])) == nil)
    let sync = try CLI.run(["sync"], in: repo.url)
    #expect(sync.status == 2)
    #expect(sync.stderr.contains("the store is PostgreSQL"))
  }

  @Test func badURLsAndDeadServersAreClearErrors() throws {
    let repo = try GitRepository()
    try repo.commit("budgets", files: ["budgets.toml": Self.budgets])
    let withPassword = try CLI.run(
      ["log", "--store", "postgres://ci:hunter2@127.0.0.1:1/db"], in: repo.url)
    #expect(withPassword.status == 2)
    #expect(withPassword.stderr.contains("PGPASSWORD"))
    #expect(!withPassword.stderr.contains("hunter2"), "the password is never printed")
    let inQuery = try CLI.run(
      ["log", "--store", "postgres://ci@127.0.0.1:1/db?sslmode=disable&password=hunter2"], in: repo.url)
    #expect(inQuery.status == 2)
    #expect(inQuery.stderr.contains("PGPASSWORD"), "\(inQuery.stderr)")
    #expect(!inQuery.stderr.contains("hunter2"), "\(inQuery.stderr)")
    let started = Date()
    // A server that is down is transient (4); a database that does not exist is not.
    let dead = try CLI.run(["log", "--store", "postgres://ci@127.0.0.1:1/db"], in: repo.url)
    #expect(dead.status == 4)
    #expect(dead.stderr.contains("could not reach the store postgres://***@127.0.0.1:1/db"), "\(dead.stderr)")
    #expect(dead.stderr.contains("retrying may succeed"), "\(dead.stderr)")
    for command in [["check"], ["measure", "oci:/nonexistent", "--image", "api"], ["sync"]] {
      let down = try CLI.run(command + ["--store", "postgres://ci@127.0.0.1:1/db"], in: repo.url)
      #expect(down.status == 4, "\(command): \(down.stderr)")
    }
    let noDatabase = try CLI.run(["log", "--store", try Self.server().createDatabase() + "_missing"], in: repo.url)
    #expect(noDatabase.status == 2, "\(noDatabase.stderr)")
    #expect(noDatabase.stderr.contains("does not exist"), "\(noDatabase.stderr)")
    #expect(dead.stderr.contains("cannot connect to the store postgres://***@127.0.0.1:1/db"), "\(dead.stderr)")
    #expect(Date().timeIntervalSince(started) < 15, "a dead server is an error, not a hang")
    for url in ["postgres://ci:pw@db/x", "postgres://ci@db/x?Password=pw"] {
      try repo.commit("bad", files: ["budgets.toml": "[defaults]\nstore = \"\(url)\"\n"])
      let inFile = try CLI.run(["validate"], in: repo.url)
      #expect(inFile.status == 2)
      #expect(inFile.stderr.contains("budgets.toml:2:9: store must not carry a password"), "\(inFile.stderr)")
    }
  }

  /// 8 processes × 50 measurements into one database at once, on a fresh database
  /// (so the 8 also race to create the schema); then 8 writers of one (commit, image).
  @Test func eightWritersFiftyMeasurementsEachLoseNothing() throws {
    let url = try Self.server().createDatabase()
    let repo = try GitRepository()
    try repo.commit("budgets", files: ["budgets.toml": Self.budgets])
    for index in 1..<50 { try repo.commit("change \(index)") }
    let layer = ImageBuilder.Layer([.file("app/blob", size: 10_000)], compression: .none)
    try ImageBuilder([layer]).writeOCILayout(to: repo.url.appendingPathComponent("image.oci"))

    func writers(_ script: (Int) -> String) throws -> (seconds: Double, failures: [String]) {
      let started = Date()
      let processes = try (0..<8).map { index in
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "set -e\n" + script(index)]
        process.currentDirectoryURL = repo.url
        var environment = ProcessInfo.processInfo.environment
        environment["SIZEBUDGET"] = CLI.path("sizebudget")
        environment["STORE"] = url
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        return (process, errors)
      }
      var failures: [String] = []
      for (process, errors) in processes {
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus != 0 { failures.append(text) }
      }
      return (Date().timeIntervalSince(started), failures)
    }

    let (seconds, failures) = try writers { index in
      """
      for commit in $(git rev-list main); do
        "$SIZEBUDGET" measure oci:image.oci --image "svc-\(index)" --new-image --commit "$commit" --store "$STORE" >/dev/null
      done
      """
    }
    print("postgres concurrency: 8×50 measure in \(String(format: "%.1f", seconds)) s")
    #expect(failures.isEmpty, "\(failures.map { $0.suffix(400) })")
    let counts = try Self.server().query(
      url,
      "SELECT count(*) || '|' || count(DISTINCT (image, commit_oid)) || '|' || count(DISTINCT image) FROM measurements")
    #expect(counts == "400|400|8")
    #expect(try Self.server().query(url, "SELECT count(*) FROM layers") == "400")

    // The same (commit, image) from 8 writers at once: one measurement, whole.
    let (_, sameKey) = try writers { _ in
      "\"$SIZEBUDGET\" measure oci:image.oci --image same --new-image --store \"$STORE\" >/dev/null"
    }
    #expect(sameKey.isEmpty, "\(sameKey.map { $0.suffix(400) })")
    #expect(try Self.server().query(url, "SELECT count(*) FROM measurements WHERE image = 'same'") == "1")
    #expect(
      try Self.server().query(
        url, "SELECT count(*) FROM layers l JOIN measurements m ON m.id = l.measurement_id WHERE m.image = 'same'")
        == "1")
  }
}
