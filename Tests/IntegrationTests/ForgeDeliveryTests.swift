import Foundation
import TestSupport
import Testing

/// The built-in forge delivery against a fake GitHub, GitLab and Gitea
/// (scripts/fake-forge.py) that keeps real state: each test asserts what the forge
/// holds at the end (one comment per pull request, its text, the statuses), not only
/// what was sent.
@Suite struct ForgeDeliveryTests {
  static let forges = ["github", "gitlab", "gitea"]
  static let bot = "sizebudget-bot"
  static let marker = "<!-- sizebudget:api -->"
  let token = "tok-" + UUID().uuidString

  /// A pull request (7) whose comments are spread over pages of 10: other people's,
  /// one by mallory pasting sizebudget's marker, and sizebudget's own old comment on page 3.
  func forge(_ kind: String, extra: [String: Any] = [:]) throws -> FakeForge {
    var comments: [[String: Any]] = (0..<22).map { ["user": "alice", "body": "review note \($0)"] }
    comments.insert(["user": "mallory", "body": "\(Self.marker)\nforged: all is well"], at: 3)
    comments.append(["user": Self.bot, "body": "\(Self.marker)\n### ❌ `api` over budget (an old report)"])
    comments += (0..<3).map { ["user": "bob", "body": "later note \($0)"] }
    var config: [String: Any] = [
      "repository": "acme/shop", "project_id": 42,
      "tokens": [token: ["login": Self.bot, "write": true], "tok-fork": ["login": "forker", "write": false]],
      "pulls": [["number": 7, "head": String(repeating: "a", count: 40)]], "comments": ["7": comments],
      "per_page_max": 10,
    ]
    config.merge(extra) { $1 }
    return try FakeForge(kind, config: config)
  }

  /// budgets.toml: api capped at 100 kB, delivering to `forge`.
  func fixture(_ forge: FakeForge, extra: String = "") throws -> GateFixture {
    try GateFixture(
      budgets: """
        [image.api]
        max = "100 kB"

        [notify.\(forge.forge)]
        api = "\(forge.api)"
        repository = "acme/shop"
        token_env = "FORGE_TEST_TOKEN"
        \(extra)
        """)
  }

  var environment: [String: String] {
    ["FORGE_TEST_TOKEN": token, "SIZEBUDGET_PULL_REQUEST": "7", "SIZEBUDGET_WEBHOOK_TIMEOUT": "2"]
  }

  func check(_ fixture: GateFixture, bytes: Int, environment extra: [String: String] = [:]) throws -> CLI.Result {
    try fixture.commit("change \(bytes)", files: ["api/size.txt": "\(bytes)\n"])
    try fixture.measure(bytes: bytes)
    return try fixture.run(["check"], environment: environment.merging(extra) { $1 })
  }

  func ours(_ state: FakeForge.State) -> [FakeForge.Comment] {
    (state.comments["7"] ?? []).filter { $0.user == Self.bot }
  }

  func head(_ fixture: GateFixture) throws -> String {
    try fixture.repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  @Test(arguments: forges) func tenPushesLeaveOneCommentWithTheLatestReport(kind: String) throws {
    let forge = try forge(kind)
    let before = try forge.state()
    let oldID = try #require(ours(before).first?.id)
    let fixture = try fixture(forge)
    let sizes = [150_000, 90_000, 160_000, 170_000, 120_000, 95_000, 180_000, 110_000, 130_000, 60_000]
    var lastHead = ""
    for (push, bytes) in sizes.enumerated() {
      let result = try check(fixture, bytes: bytes)
      #expect(result.status == (bytes > 100_000 ? 1 : 0), "\(result.stderr)")
      #expect(result.stderr.contains("comment updated on !7"), "\(result.stderr)")
      lastHead = try head(fixture)
      let state = try forge.state()
      let mine = ours(state)
      #expect(mine.count == 1, "push \(push): \(mine.map(\.id))")
      #expect(mine.first?.body.contains(String(lastHead.prefix(12))) == true)
    }
    let state = try forge.state()
    let mine = ours(state)
    try #require(mine.count == 1)
    // The old comment on page 3 was found and updated in place, not duplicated.
    #expect(mine[0].id == oldID)
    #expect(mine[0].body.hasPrefix(Self.marker))
    // The last push is back within budget: the comment says so, and nothing red is left.
    #expect(mine[0].body.contains("### ✅ Within budget"), "\(mine[0].body)")
    #expect(!mine[0].body.contains("❌"))
    #expect(mine[0].body.contains("| image | base | this | change | % | budget | status |"))
    // mallory's forged marker and everyone else's comments are untouched.
    let others = (state.comments["7"] ?? []).filter { $0.user != Self.bot }
    let othersBefore = (before.comments["7"] ?? []).filter { $0.user != Self.bot }
    #expect(others.map(\.body) == othersBefore.map(\.body))
    #expect(others.contains { $0.user == "mallory" && $0.body.contains("forged: all is well") })
    // One status per push, on its commit; the last one green.
    #expect(state.statuses.count == sizes.count)
    let last = try #require(state.statuses.last)
    #expect(last.sha == lastHead)
    #expect(last.state == "success")
    #expect(last.context == "sizebudget")
    #expect(last.description?.hasPrefix("Within budget: api 59.9 kB of 100 kB (") == true, "\(last.description ?? "")")
    #expect(state.statuses.first?.state == (kind == "gitlab" ? "failed" : "failure"))
    #expect(!state.requests.contains { $0.joined().contains(token) })
  }

  @Test(arguments: forges) func twoJobsDeliveringAtOnceHealToOneComment(kind: String) throws {
    // Each creation waits until both jobs have created one: both saw no comment.
    let forge = try forge(kind, extra: ["comments": [String: Any](), "create_barrier": 2])
    let fixtures = try (0..<2).map { _ in try fixture(forge) }
    for (index, fixture) in fixtures.enumerated() {
      try fixture.commit("job \(index)", files: ["api/job.txt": "\(index)\n"])
      try fixture.measure(bytes: 120_000 + index * 10_000)
    }
    let results = ResultBox()
    let shared = Shared(fixtures)
    let environment = self.environment
    DispatchQueue.concurrentPerform(iterations: 2) { index in
      let result = try? shared.value[index].run(["check"], environment: environment)
      results.set(index, result)
    }
    for index in 0..<2 {
      let result = try #require(results.get(index))
      #expect(result.stderr.contains("comment created on !7"), "\(result.stderr)")
    }
    let state = try forge.state()
    let mine = ours(state)
    #expect(mine.count == 1, "\(mine.map(\.id))")
    #expect(mine.first?.body.hasPrefix(Self.marker) == true)
    #expect(state.statuses.count == 2)
  }

  @Test func aForkTokenFailsAtOnceSayingWhatToDoAndNeverShowsTheToken() throws {
    let forge = try forge("github")
    let fixture = try fixture(forge)
    let result = try check(fixture, bytes: 150_000, environment: ["FORGE_TEST_TOKEN": "tok-fork"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("HTTP 403"), "\(result.stderr)")
    #expect(result.stderr.contains("fork") && result.stderr.contains("docs/ci.md"))
    #expect(result.stderr.contains("not retried"))
    #expect(!result.stderr.contains("tok-fork") && !result.stdout.contains("tok-fork"))
    let list = try fixture.run(["notify", "--list"], environment: environment).stdout
    #expect(list.contains("failed"), "\(list)")
    #expect(ours(try forge.state()).map(\.body) == ["\(Self.marker)\n### ❌ `api` over budget (an old report)"])
    #expect(try forge.state().statuses.isEmpty)
  }

  @Test func aForkPullRequestsEventSaysSoInOneLineAndSendsNothing() throws {
    let forge = try forge("github")
    let fixture = try fixture(forge)
    let event = fixture.url.appendingPathComponent("event.json")
    try Data(
      #"{"pull_request": {"number": 7, "head": {"sha": "\#(String(repeating: "a", count: 40))", "repo": {"full_name": "forker/shop"}}, "base": {"repo": {"full_name": "acme/shop"}}}}"#
        .utf8
    ).write(to: event)
    let result = try check(
      fixture, bytes: 150_000, environment: ["GITHUB_EVENT_PATH": event.path, "GITHUB_EVENT_NAME": "pull_request"])
    let lines = result.stderr.split(separator: "\n").filter { $0.contains("fork") }
    #expect(lines.count == 1, "\(result.stderr)")
    #expect(lines.first?.contains("forker/shop") == true)
    #expect(try forge.state().requests.isEmpty)
  }

  @Test func rateLimitsAndServerErrorsAreRetriedAsTheForgeSaysThenDelivered() throws {
    let forge = try forge(
      "github",
      extra: [
        "faults": [
          ["method": "GET", "path": "/user", "status": 403, "reset_in": 120, "message": "API rate limit exceeded"],
          ["method": "POST", "path": "/issues/7/comments", "status": 429, "headers": ["Retry-After": "30"]],
          ["method": "POST", "path": "/statuses/", "status": 502],
        ],
        "comments": [String: Any](),
      ])
    let fixture = try fixture(forge)
    let first = try check(fixture, bytes: 150_000)
    #expect(first.status == 1)
    // The reset time, not the default backoff (10 s ± 20 %).
    #expect(
      first.stderr.contains("rate limited; will retry in 11") || first.stderr.contains("will retry in 120 s"),
      "\(first.stderr)")
    let second = try fixture.run(["notify", "--now"], environment: environment)
    #expect(second.stderr.contains("HTTP 429") || second.stdout.contains("HTTP 429"), "\(second.stdout)")
    #expect(second.stdout.contains("will retry in 30 s"), "\(second.stdout)")
    let third = try fixture.run(["notify", "--now"], environment: environment)
    #expect(third.stdout.contains("HTTP 502"), "\(third.stdout)")
    #expect(ours(try forge.state()).count == 1)
    let fourth = try fixture.run(["notify", "--now"], environment: environment)
    #expect(
      fourth.stdout.contains("already up to date") && fourth.stdout.contains("status failure"), "\(fourth.stdout)")
    let state = try forge.state()
    #expect(ours(state).count == 1)
    #expect(state.statuses.count == 1)
    let list = try fixture.run(["notify", "--list"], environment: environment).stdout
    #expect(list.contains("delivered") && !list.contains("pending"), "\(list)")
  }

  @Test func anOlderReportLeftPendingNeverOverwritesANewerOne() throws {
    let forge = try forge(
      "gitlab",
      extra: ["faults": [["method": "POST", "path": "/notes", "status": 503]], "comments": [String: Any]()])
    let fixture = try fixture(forge)
    let first = try check(fixture, bytes: 150_000)
    #expect(first.stderr.contains("HTTP 503") && first.stderr.contains("will retry"), "\(first.stderr)")
    Thread.sleep(forTimeInterval: 1.1)  // the outbox orders by the second
    let second = try check(fixture, bytes: 90_000)
    #expect(second.stderr.contains("comment created on !7"), "\(second.stderr)")
    let later = try fixture.run(["notify", "--now"], environment: environment)
    #expect(later.stdout.contains("superseded by the newer report"), "\(later.stdout)")
    let mine = ours(try forge.state())
    #expect(mine.count == 1)
    #expect(mine.first?.body.contains("### ✅ Within budget") == true)
    #expect(mine.first?.body.contains(String(try head(fixture).prefix(12))) == true)
  }

  @Test func aStatusTheForgeRejectsWith422FailsAtOnce() throws {
    let forge = try forge("github", extra: ["commits": [String(repeating: "b", count: 40)]])
    let fixture = try fixture(forge)
    let result = try check(fixture, bytes: 90_000)
    #expect(result.status == 0)
    #expect(result.stderr.contains("HTTP 422") && result.stderr.contains("No commit found"), "\(result.stderr)")
    #expect(result.stderr.contains("not retried"))
    #expect(ours(try forge.state()).first?.body.contains("Within budget") == true)
  }

  @Test(arguments: forges) func aWrongTokenOrRepositoryFailsAtOnceSayingWhatToFix(kind: String) throws {
    let forge = try forge(kind)
    let fixed = try fixture(forge)
    let wrongToken = try check(fixed, bytes: 90_000, environment: ["FORGE_TEST_TOKEN": "nope-nope"])
    #expect(
      wrongToken.stderr.contains("HTTP 401") && wrongToken.stderr.contains("FORGE_TEST_TOKEN"), "\(wrongToken.stderr)")
    #expect(!wrongToken.stderr.contains("nope-nope"))
    // The same job re-run with the token fixed delivers the event that had failed.
    let rerun = try fixed.run(["check"], environment: environment)
    #expect(rerun.stderr.contains("comment updated on !7"), "\(rerun.stderr)")
    let other = try GateFixture(
      budgets: """
        [image.api]
        max = "100 kB"

        [notify.\(kind)]
        api = "\(forge.api)"
        repository = "acme/shoe"
        token_env = "FORGE_TEST_TOKEN"
        """)
    let missing = try check(other, bytes: 90_000)
    #expect(missing.stderr.contains("HTTP 404") && missing.stderr.contains("\"acme/shoe\""), "\(missing.stderr)")
    #expect(missing.stderr.contains("not retried"))
  }

  @Test func aSlowForgeTimesOutTheGateGoesOnAndNotifyDeliversLater() throws {
    let forge = try forge("gitea", extra: ["delay": 4])
    let fixture = try fixture(forge)
    let started = Date()
    let result = try check(fixture, bytes: 150_000)
    #expect(result.status == 1)
    #expect(Date().timeIntervalSince(started) < 30)
    #expect(result.stderr.contains("will retry") && result.stderr.contains("left in the outbox"), "\(result.stderr)")
    try forge.control(delay: 0)
    let later = try fixture.run(["notify", "--now"], environment: environment)
    #expect(later.stdout.contains("comment updated on !7"), "\(later.stdout)")
    #expect(ours(try forge.state()).count == 1)
  }

  /// The fork pattern: the untrusted job saves the report; the privileged workflow_run
  /// job posts it from a directory with no checkout, finding the pull request by its
  /// head commit (workflow_run.pull_requests is empty for forks), as GITHUB_TOKEN
  /// (which may not read /user: its comments are github-actions[bot]'s).
  @Test func commentFromASavedReportFindsThePullRequestByItsHeadCommit() throws {
    let fixture = try GateFixture(budgets: "[image.api]\nmax = \"100 kB\"\n")
    try fixture.measure(bytes: 150_000)
    let report = try fixture.run(["check", "--format", "json"])
    #expect(report.status == 1)
    let sha = try head(fixture)
    let privileged = try TemporaryDirectory()
    try Data(report.stdout.utf8).write(to: privileged.url.appendingPathComponent("report.json"))
    let event = privileged.url.appendingPathComponent("event.json")
    try Data(#"{"workflow_run": {"pull_requests": [], "head_sha": "\#(sha)", "event": "pull_request"}}"#.utf8).write(
      to: event)
    // The fake's pull request 7 has this head commit.
    let forgeWithPull = try self.forge(
      "github",
      extra: [
        "tokens": ["tok-actions": ["login": "github-actions[bot]", "write": true, "app": true]],
        "pulls": [["number": 7, "head": sha, "head_repo": "forker/shop"]],
      ])
    let environment = [
      "GITHUB_ACTIONS": "true", "GITHUB_API_URL": forgeWithPull.api, "GITHUB_REPOSITORY": "acme/shop",
      "GITHUB_TOKEN": "tok-actions", "GITHUB_EVENT_PATH": event.path, "GITHUB_EVENT_NAME": "workflow_run",
      "GITHUB_SERVER_URL": "https://github.example", "GITHUB_RUN_ID": "99",
      "SIZEBUDGET_STORE": privileged.url.appendingPathComponent("outbox.sqlite").path,
    ]
    let posted = try CLI.run(["comment", "--from", "report.json"], in: privileged.url, environment: environment)
    #expect(posted.status == 0, "\(posted.stderr)")
    let state = try forgeWithPull.state()
    let comments = (state.comments["7"] ?? []).filter { $0.user == "github-actions[bot]" }
    #expect(comments.count == 1)
    #expect(comments.first?.body.contains("### ❌ `api` over budget") == true)
    #expect(state.statuses.map(\.sha) == [sha])
    #expect(state.statuses.first?.target_url == "https://github.example/acme/shop/actions/runs/99")
    // Posting the same report again changes nothing and adds nothing.
    let again = try CLI.run(["comment", "--from", "report.json"], in: privileged.url, environment: environment)
    #expect(again.status == 0)
    #expect((try forgeWithPull.state().comments["7"] ?? []).filter { $0.user == "github-actions[bot]" }.count == 1)
    // A report edited by the untrusted job to aim at another bot's comment is refused.
    let tampered = report.stdout.replacingOccurrences(of: Self.marker, with: "<!-- coverage-bot -->")
    try Data(tampered.utf8).write(to: privileged.url.appendingPathComponent("tampered.json"))
    let refused = try CLI.run(["comment", "--from", "tampered.json"], in: privileged.url, environment: environment)
    #expect(refused.status == 2 && refused.stderr.contains("does not write"), "\(refused.stderr)")
  }

  /// A GitHub App's installation token may not read /user either, and its comments are
  /// the app's own (`name[bot]`), not github-actions[bot]'s: two deliveries still leave
  /// one comment, and a marker pasted by a person is still not ours.
  @Test func aGitHubAppTokenUpdatesItsOwnComment() throws {
    let forge = try self.forge(
      "github", extra: ["tokens": [token: ["login": "size-app[bot]", "write": true, "app": true]]])
    let fixture = try fixture(forge)
    for bytes in [150_000, 90_000] {
      let result = try check(fixture, bytes: bytes)
      #expect(result.status == (bytes > 100_000 ? 1 : 0), "\(result.stderr)")
    }
    let state = try forge.state()
    let apps = (state.comments["7"] ?? []).filter { $0.user == "size-app[bot]" }
    #expect(apps.count == 1, "\(apps.map(\.id))")
    #expect(apps.first?.body.contains(String(try head(fixture).prefix(12))) == true)
    #expect((state.comments["7"] ?? []).contains { $0.user == "mallory" && $0.body.contains("forged") })
  }

  /// GitLab and Gitea: `comment --from` with `[notify.X]` in the privileged job's
  /// budgets.toml and no pull request named finds it by its head commit.
  @Test(arguments: ["gitlab", "gitea"]) func commentFromASavedReportOnGitLabAndGitea(kind: String) throws {
    let fixture = try GateFixture(budgets: "[image.api]\nmax = \"100 kB\"\n")
    try fixture.measure(bytes: 90_000)
    let report = try fixture.run(["check", "--format", "json"])
    let sha = try head(fixture)
    let forge = try forge(
      kind,
      extra: ["pulls": [["number": 3, "head": String(repeating: "c", count: 40)], ["number": 7, "head": sha]]])
    let privileged = try TemporaryDirectory()
    try Data(report.stdout.utf8).write(to: privileged.url.appendingPathComponent("report.json"))
    try Data(
      """
      [notify.\(kind)]
      api = "\(forge.api)"
      repository = "acme/shop"
      token_env = "FORGE_TEST_TOKEN"
      """.utf8
    ).write(to: privileged.url.appendingPathComponent("budgets.toml"))
    let posted = try CLI.run(
      ["comment", "--from", "report.json"], in: privileged.url,
      environment: [
        "FORGE_TEST_TOKEN": token, "SIZEBUDGET_STORE": privileged.url.appendingPathComponent("o.sqlite").path,
      ])
    #expect(posted.status == 0, "\(posted.stderr)")
    #expect(posted.stderr.contains("comment updated on !7"), "\(posted.stderr)")
    let state = try forge.state()
    #expect(ours(state).count == 1 && ours(state).first?.body.contains("### ✅ Within budget") == true)
    #expect(state.statuses.map(\.sha) == [sha])
  }

  /// The outbox's forge rows on the PostgreSQL store: retried and delivered as on
  /// SQLite, and never taken by the webhook sender.
  @Test func aPostgreSQLStoreKeepsTheForgeOutboxToo() throws {
    let store = try LocalPostgres.shared.get().createDatabase()
    let forge = try forge("gitea", extra: ["faults": [["method": "POST", "path": "/statuses/", "status": 500]]])
    let fixture = try fixture(
      forge, extra: "\n[notify]\nwebhook = \"http://127.0.0.1:9/hook\"\non = [\"check\"]\n")
    let environment = self.environment.merging(["SIZEBUDGET_STORE": store]) { $1 }
    try fixture.measure(bytes: 90_000, environment: environment)
    let first = try fixture.run(["check"], environment: environment)
    #expect(first.stderr.contains("HTTP 500") && first.stderr.contains("will retry"), "\(first.stderr)")
    let later = try fixture.run(["notify", "--now"], environment: environment)
    #expect(later.stdout.contains("comment on !7 already up to date, status success"), "\(later.stdout)")
    let list = try fixture.run(["notify", "--list"], environment: environment).stdout
    #expect(list.contains("forge") && list.contains("delivered"), "\(list)")
    let state = try forge.state()
    #expect(ours(state).count == 1 && state.statuses.count == 1)
  }

  @Test func gitLabIsFoundFromItsCIVariablesWithNoConfiguration() throws {
    let forge = try forge("gitlab")
    let fixture = try GateFixture(budgets: "[image.api]\nmax = \"100 kB\"\n")
    let result = try check(
      fixture, bytes: 150_000,
      environment: [
        "GITLAB_CI": "true", "CI_API_V4_URL": forge.api, "CI_PROJECT_ID": "42", "CI_MERGE_REQUEST_IID": "7",
        "GITLAB_TOKEN": token, "CI_JOB_URL": "https://gitlab.example/acme/shop/-/jobs/5",
        "SIZEBUDGET_PULL_REQUEST": "",
      ])
    #expect(result.stderr.contains("comment updated on !7"), "\(result.stderr)")
    let state = try forge.state()
    #expect(ours(state).count == 1)
    #expect(state.statuses.first?.target_url == "https://gitlab.example/acme/shop/-/jobs/5")
  }
}

/// Results written from concurrent threads.
final class ResultBox: @unchecked Sendable {
  private let lock = NSLock()
  private var results: [Int: CLI.Result] = [:]
  func set(_ index: Int, _ result: CLI.Result?) {
    lock.lock()
    results[index] = result
    lock.unlock()
  }
  func get(_ index: Int) -> CLI.Result? {
    lock.lock()
    defer { lock.unlock() }
    return results[index]
  }
}

/// Fixtures handed to concurrent threads that each use only their own.
final class Shared<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}
