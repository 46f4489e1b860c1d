import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Webhooks delivered to a real HTTP receiver that verifies every signature with the
/// reference standardwebhooks package (scripts/webhook-receiver.py).
@Suite struct WebhookTests {
  /// A fresh secret per test run, in the environment only.
  static let secret = "whsec_" + Data((0..<24).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()

  func fixture(port: Int, on: String = "\"violation\", \"bisect\"") throws -> GateFixture {
    try notifying(
      """
      webhook = "http://127.0.0.1:\(port)/hook"
      secret_env = "SIZEBUDGET_WEBHOOK_SECRET"
      on = [\(on)]

      [notify.headers]
      Authorization = "Bearer ${TEST_FORGE_TOKEN}"
      """)
  }

  /// A gate fixture whose budgets.toml caps api at 100 kB and has `[notify]` with `settings`.
  func notifying(_ settings: String) throws -> GateFixture {
    try GateFixture(budgets: "[image.api]\nmax = \"100 kB\"\n\n[notify]\n" + settings)
  }

  let environment = [
    "SIZEBUDGET_WEBHOOK_SECRET": WebhookTests.secret, "TEST_FORGE_TOKEN": "t0ken", "SIZEBUDGET_WEBHOOK_TIMEOUT": "2",
  ]

  func overBudget(_ fixture: GateFixture) throws -> CLI.Result {
    try fixture.measure(bytes: 150_000)
    return try fixture.run(["check"], environment: environment)
  }

  func outbox(_ fixture: GateFixture) throws -> String {
    try fixture.run(["notify", "--list"], environment: environment).stdout
  }

  /// A port nothing listens on.
  func freePort() throws -> Int {
    let receiver = try WebhookReceiver()
    receiver.stop()
    return receiver.port
  }

  @Test func aViolationIsDeliveredSignedWithItsComment() throws {
    let receiver = try WebhookReceiver(secret: Self.secret)
    let fixture = try fixture(port: receiver.port)
    let result = try overBudget(fixture)
    #expect(result.status == 1)
    #expect(result.stderr.contains("webhook: 1 of 1 deliveries made"), "\(result.stderr)")
    let received = receiver.received()
    try #require(received.count == 1)
    #expect(received[0].verified == true)
    #expect(received[0].type == "sizebudget.violation")
    #expect(received[0].id?.hasPrefix("msg_") == true)
    #expect(received[0].authorization == "Bearer t0ken")
    let event = try #require(try JSONSerialization.jsonObject(with: Data(received[0].body.utf8)) as? [String: Any])
    let data = try #require(event["data"] as? [String: Any])
    #expect((data["comment"] as? String)?.hasPrefix("<!-- sizebudget:api -->") == true)
    #expect((data["commit"] as? String)?.count == 40)
    #expect(data["status"] as? String == "fail")
    // The payload carries check's one judgement, the headline naming the broken rule.
    #expect(data["headline"] as? String == "over budget: max", "\(data)")
    #expect(result.stdout.contains("over budget: max"))
    #expect(!(try outbox(fixture)).contains("pending"))
    #expect(!result.stderr.contains(Self.secret) && !result.stdout.contains(Self.secret))
  }

  @Test func aWrongSecretIsCaughtByTheReceiverAndNotRetried() throws {
    let receiver = try WebhookReceiver(secret: "whsec_" + Data(repeating: 7, count: 24).base64EncodedString())
    let fixture = try fixture(port: receiver.port)
    let result = try overBudget(fixture)
    #expect(receiver.received().first?.verified == false)
    #expect(result.stderr.contains("HTTP 401"), "\(result.stderr)")
    #expect(try outbox(fixture).contains("failed"))
  }

  @Test func aReceiverDownLosesNothingAndNotifyDeliversOnce() throws {
    let port = try freePort()
    let fixture = try fixture(port: port)
    let result = try overBudget(fixture)
    #expect(result.status == 1, "the gate's verdict does not depend on the receiver")
    #expect(result.stderr.contains("0 of 1 deliveries made"), "\(result.stderr)")
    #expect(result.stderr.contains("left in the outbox"))
    #expect(try outbox(fixture).contains("pending"))
    let receiver = try WebhookReceiver(secret: Self.secret, port: port)
    let sent = try fixture.run(["notify", "--now"], environment: environment)
    #expect(sent.stdout.contains("1 of 1 deliveries made"), "\(sent.stdout)\(sent.stderr)")
    let again = try fixture.run(["notify", "--now"], environment: environment)
    #expect(again.stdout.contains("nothing is due"))
    #expect(receiver.received().count == 1)
    #expect(receiver.received().allSatisfy { $0.verified == true })
  }

  /// Each endpoint gets every event: one that was down is sent to later on its own.
  @Test func everyEndpointGetsTheEventEvenWhenOneWasDown() throws {
    let up = try WebhookReceiver(secret: Self.secret)
    let downPort = try freePort()
    let fixture = try notifying(
      """
      webhook = ["http://127.0.0.1:\(up.port)/a", "http://127.0.0.1:\(downPort)/b"]
      secret_env = "SIZEBUDGET_WEBHOOK_SECRET"
      """)
    let result = try overBudget(fixture)
    #expect(result.stderr.contains("1 of 2 deliveries made"), "\(result.stderr)")
    let down = try WebhookReceiver(secret: Self.secret, port: downPort)
    let sent = try fixture.run(["notify", "--now"], environment: environment)
    #expect(sent.stdout.contains("1 of 1 deliveries made"), "\(sent.stdout)\(sent.stderr)")
    #expect(up.received().map(\.path) == ["/a"])
    #expect(down.received().map(\.path) == ["/b"])
    #expect(up.received().first?.id == down.received().first?.id, "one event, the same webhook-id at both")

    // Both down: notify --now tries each of the two rows once.
    up.stop()
    down.stop()
    _ = try fixture.run(["check"], environment: environment)
    let none = try fixture.run(["notify", "--now"], environment: environment)
    #expect(none.stdout.contains("0 of 2 deliveries made"), "\(none.stdout)\(none.stderr)")
  }

  /// `report` with `on = ["report"]`: the weekly summary as a signed event.
  @Test func theReportGoesOutAsAnEvent() throws {
    let receiver = try WebhookReceiver(secret: Self.secret)
    let fixture = try fixture(port: receiver.port, on: "\"report\"")
    try fixture.measure(bytes: 50_000)
    try fixture.commit("grow")
    try fixture.measure(bytes: 70_000)
    let result = try fixture.run(["report", "--since", "30d"], environment: environment)
    #expect(result.status == 0, "\(result.stderr)")
    let received = receiver.received()
    try #require(received.count == 1, "\(result.stderr)")
    #expect(received[0].verified == true)
    #expect(received[0].type == "sizebudget.report")
    let event = try #require(try JSONSerialization.jsonObject(with: Data(received[0].body.utf8)) as? [String: Any])
    let data = try #require(event["data"] as? [String: Any])
    #expect(data["schema"] as? String == "sizebudget.report/v1")
    let trend = try #require((data["images"] as? [[String: Any]])?.first?["trend"] as? [String: Any])
    #expect(abs((trend["change"] as? Int ?? 0) - 20_000) < 1_000, "\(trend)")
    #expect((data["comment"] as? String)?.hasPrefix("<!-- sizebudget:report:main -->") == true)
  }

  @Test func serverErrorsAreRetriedUntilDelivered() throws {
    let receiver = try WebhookReceiver(secret: Self.secret, failFirst: 2, status: 503)
    let fixture = try fixture(port: receiver.port)
    _ = try overBudget(fixture)
    #expect(try outbox(fixture).contains("HTTP 503"))
    _ = try fixture.run(["notify", "--now"], environment: environment)
    let last = try fixture.run(["notify", "--now"], environment: environment)
    #expect(last.stdout.contains("1 of 1 deliveries made"), "\(last.stdout)")
    let ids = Set(receiver.received().compactMap(\.id))
    #expect(receiver.received().count == 3)
    #expect(ids.count == 1, "the webhook-id stays the same across retries")
  }

  @Test func retryAfterIsHonoured() throws {
    let receiver = try WebhookReceiver(secret: Self.secret, failFirst: 1, status: 429, retryAfter: "2")
    let fixture = try fixture(port: receiver.port)
    _ = try overBudget(fixture)
    let early = try fixture.run(["notify"], environment: environment)
    #expect(early.stdout.contains("nothing is due"), "Retry-After: 2 holds it back")
    sleep(3)
    let later = try fixture.run(["notify"], environment: environment)
    #expect(later.stdout.contains("1 of 1 deliveries made"), "\(later.stdout)")
  }

  @Test func aSlowReceiverTimesOutAndTheGateGoesOn() throws {
    let receiver = try WebhookReceiver(secret: Self.secret, delay: 4)
    let fixture = try fixture(port: receiver.port)
    let started = Date()
    let result = try overBudget(fixture)
    #expect(Date().timeIntervalSince(started) < 10)
    #expect(result.status == 1)
    #expect(result.stderr.contains("timed out") || result.stderr.contains("Timeout"), "\(result.stderr)")
    #expect(try outbox(fixture).contains("pending"))
  }

  @Test func aSenderKilledMidSendLeavesTheEventPending() throws {
    let port = try freePort()
    let fixture = try fixture(port: port)
    _ = try overBudget(fixture)
    let receiver = try WebhookReceiver(secret: Self.secret, delay: 30, port: port)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CLI.path("sizebudget"))
    process.arguments = ["notify", "--now"]
    process.currentDirectoryURL = fixture.url
    process.environment = ProcessInfo.processInfo.environment.merging(
      environment.merging(["SIZEBUDGET_WEBHOOK_TIMEOUT": "5"]) { $1 }
    ) { $1 }
    process.standardOutput = Pipe()
    try process.run()
    var waited = 0
    while receiver.arrivals().isEmpty && waited < 100 {
      usleep(100_000)
      waited += 1
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(try outbox(fixture).contains("sending"), "claimed, not lost")
    receiver.stop()
    let fast = try WebhookReceiver(secret: Self.secret, port: port)
    // The claim lasts one attempt's time (5 s + 3 s + 5 s) and then the event is due again.
    sleep(14)
    let sent = try fixture.run(["notify"], environment: environment)
    #expect(sent.stdout.contains("1 of 1 deliveries made"), "\(sent.stdout)")
    #expect(fast.received().count == 1)
  }

  @Test func twoSendersNeverDeliverTheSameEventTwice() throws {
    let port = try freePort()
    let fixture = try fixture(port: port, on: "\"check\"")
    try fixture.measure(bytes: 50_000)
    for _ in 0..<30 { _ = try fixture.run(["check"], environment: environment) }
    let receiver = try WebhookReceiver(secret: Self.secret, port: port)
    var processes: [Process] = []
    for _ in 0..<2 {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: CLI.path("sizebudget"))
      process.arguments = ["notify", "--now"]
      process.currentDirectoryURL = fixture.url
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
      process.standardOutput = Pipe()
      try process.run()
      processes.append(process)
    }
    for process in processes { process.waitUntilExit() }
    let ids = receiver.received().compactMap(\.id)
    #expect(ids.count == 30, "\(ids.count) deliveries")
    #expect(Set(ids).count == ids.count, "no event twice")
  }

  @Test func aBodyTemplateShapesTheRequest() throws {
    let receiver = try WebhookReceiver()
    let fixture = try notifying(
      """
      webhook = "http://127.0.0.1:\(receiver.port)/hook"
      body = '{"body": {{comment}}, "sha": {{commit}}}'
      """)
    _ = try overBudget(fixture)
    let body = try #require(receiver.received().first?.body)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    #expect((object["body"] as? String)?.hasPrefix("<!-- sizebudget:api -->") == true)
    #expect((object["sha"] as? String)?.count == 40)
  }

  /// A forge's comment API needs the pull request's number in the URL: it comes from
  /// the environment, when the event is queued (or, unset then, when it is sent).
  @Test func theURLTakesVariablesFromTheEnvironment() throws {
    let receiver = try WebhookReceiver()
    let fixture = try notifying(
      """
      webhook = "http://127.0.0.1:\(receiver.port)/repos/${TEST_REPOSITORY}/issues/${TEST_PR}/comments"
      """)
    try fixture.measure(bytes: 150_000)
    let quiet = try fixture.run(["check", "--no-notify"])
    #expect(quiet.status == 1)
    #expect(!quiet.stderr.contains("webhook"), "\(quiet.stderr)")
    let empty = try outbox(fixture)
    #expect(empty.contains("The outbox is empty"), "\(empty)")
    let unset = try fixture.run(["check"], environment: ["TEST_REPOSITORY": "acme/api"])
    #expect(unset.stderr.contains("needs the environment variable TEST_PR, which is not set"), "\(unset.stderr)")
    #expect(receiver.received().isEmpty)
    let sent = try fixture.run(["notify", "--now"], environment: ["TEST_REPOSITORY": "acme/api", "TEST_PR": "42"])
    #expect(sent.status == 0, "\(sent.stderr)")
    #expect(receiver.received().map(\.path) == ["/repos/acme/api/issues/42/comments"])
    var stored = Data()
    for suffix in ["", "-wal"] {
      stored += (try? Data(contentsOf: fixture.url.appendingPathComponent(".git/sizebudget.sqlite" + suffix))) ?? Data()
    }
    #expect(stored.range(of: Data("issues/${TEST_PR}/comments".utf8)) != nil, "unset when queued: filled in later")
    #expect(stored.range(of: Data("issues/42".utf8)) == nil)

    // Set when the event is queued, the URL is fixed then: a retry from a later job
    // (another pull request's) still goes where the event belongs.
    let downPort = try freePort()
    let routed = try notifying(
      #"webhook = "http://127.0.0.1:\#(downPort)/repos/${TEST_REPOSITORY}/issues/${TEST_PR}/comments""#)
    try routed.measure(bytes: 150_000)
    let queued = try routed.run(["check"], environment: ["TEST_REPOSITORY": "acme/api", "TEST_PR": "12"])
    #expect(queued.stderr.contains("left in the outbox"), "\(queued.stderr)")
    let later = try WebhookReceiver(port: downPort)
    let retried = try routed.run(["notify", "--now"], environment: ["TEST_REPOSITORY": "acme/api", "TEST_PR": "34"])
    #expect(retried.status == 0, "\(retried.stderr)")
    #expect(later.received().map(\.path) == ["/repos/acme/api/issues/12/comments"])

    let inHost = try notifying(
      """
      webhook = "https://${HOOK_HOST}/hook"
      """)
    let refused = try inHost.run(["validate"])
    #expect(refused.status == 2)
    #expect(refused.stderr.contains("budgets.toml:5:11: webhook"), "\(refused.stderr)")
    #expect(refused.stderr.contains("not in the host"))
  }

  /// A secret put in a URL's query would be stored in the outbox and listed: refused
  /// when budgets.toml is validated, with the header to use instead.
  @Test func aSecretLookingVariableInTheURLIsRefused() throws {
    for name in ["SLACK_TOKEN", "API_KEY", "HOOK_SECRET", "GHTOKEN", "DB_PASSWORD"] {
      let fixture = try notifying("webhook = \"https://hooks.example.com/x?key=${\(name)}\"")
      let refused = try fixture.run(["validate"])
      #expect(refused.status == 2, "\(name): \(refused.stderr)")
      #expect(refused.stderr.contains("budgets.toml:5:11: webhook"), "\(refused.stderr)")
      #expect(refused.stderr.contains("${\(name)} looks like a secret"), "\(refused.stderr)")
      #expect(refused.stderr.contains("header"), "\(refused.stderr)")
    }
    let allowed = try notifying("webhook = \"https://hooks.example.com/repos/${TEST_REPOSITORY}/issues/${PR_NUMBER}\"")
    #expect(try allowed.run(["validate"]).status == 0)
  }

  /// The outbox keeps the URL as queued; `notify --list` and delivery errors never show
  /// its query values or user information.
  @Test func theOutboxListingRedactsQueryAndUserInfo() throws {
    let port = try freePort()
    let fixture = try notifying(
      #"webhook = "http://hookuser@127.0.0.1:\#(port)/hook?channel=${TEST_CHANNEL}&plain""#)
    try fixture.measure(bytes: 150_000)
    let check = try fixture.run(["check"], environment: ["TEST_CHANNEL": "private-room-17"])
    #expect(check.status == 1)
    #expect(!check.stderr.contains("private-room-17") && !check.stderr.contains("hookuser"), "\(check.stderr)")
    let listed = try fixture.run(["notify", "--list"]).stdout
    #expect(listed.contains("http://***@127.0.0.1"), "\(listed)")
    #expect(!listed.contains("private-room-17") && !listed.contains("hookuser"), "\(listed)")
  }

  @Test func aMissingSecretKeepsTheEventPendingAndSaysWhichVariable() throws {
    let receiver = try WebhookReceiver(secret: Self.secret)
    let fixture = try fixture(port: receiver.port)
    try fixture.measure(bytes: 150_000)
    let result = try fixture.run(["check"], environment: ["TEST_FORGE_TOKEN": "t"])
    #expect(result.stderr.contains("set the environment variable SIZEBUDGET_WEBHOOK_SECRET"), "\(result.stderr)")
    #expect(receiver.received().isEmpty)
    #expect(try outbox(fixture).contains("pending"))
  }
}
