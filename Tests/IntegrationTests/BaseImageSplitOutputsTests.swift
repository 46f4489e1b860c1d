import Foundation
import TestSupport
import Testing

/// Every output that shows growth between two measurements splits it as check does
/// (`GrowthSplit.between`): diff, log, report (and its email), the webhook events, the
/// pull-request comment and the site, on the two real base versions of
/// `BaseImageSplitTests` and on the fixtures' same-base pair.
extension BaseImageSplitTests {
  static let rebuilt = "localhost/test/base:latest rebuilt upstream: +"

  static func object(_ text: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(object as? [String: Any], "\(text)")
  }

  /// `{"base_delta", "own_delta", "base_changed"}`; a missing split is recorded and
  /// read as no change, so that the assertions after it still run.
  static func deltas(_ split: Any?, sourceLocation: SourceLocation = #_sourceLocation) -> (
    base: Int, own: Int, changed: Bool
  ) {
    guard let split = split as? [String: Any], let base = split["base_delta"] as? Int,
      let own = split["own_delta"] as? Int, let changed = split["base_changed"] as? Bool
    else {
      Issue.record("no growth_split with base_delta, own_delta, base_changed", sourceLocation: sourceLocation)
      return (0, 0, false)
    }
    return (base, own, changed)
  }

  /// budgets.toml with a webhook to `receiver` for check and report events.
  static func budgetsNotifying(_ receiver: WebhookReceiver) -> String {
    budget + "growth_of = \"own\"\n\n[notify]\nwebhook = \"\(receiver.url)\"\n"
      + "secret_env = \"SIZEBUDGET_WEBHOOK_SECRET\"\non = [\"check\", \"report\"]\n\n"
      + "[report]\nto = [\"team@example.com\"]\nfrom = \"sizebudget@example.com\"\n"
  }

  static let webhookEnvironment = [
    "SIZEBUDGET_WEBHOOK_SECRET": WebhookTests.secret, "SIZEBUDGET_WEBHOOK_TIMEOUT": "2",
  ]

  /// Each output's text: diff, log and report in every format, the email, the check
  /// and report webhook events' `data`, and the site's page of the newer commit.
  func outputs(_ repo: GitRepository, receiver: WebhookReceiver) throws -> [String: String] {
    var out: [String: String] = [:]
    for format in ["text", "json", "markdown"] {
      out["diff \(format)"] = try CLI.run(["diff", "HEAD~1", "HEAD", "--format", format], in: repo.url).stdout
      out["log \(format)"] = try CLI.run(["log", "--format", format], in: repo.url).stdout
    }
    for format in ["text", "json", "markdown", "html"] {
      out["report \(format)"] =
        try CLI.run(["report", "--format", format], in: repo.url, environment: Self.webhookEnvironment).stdout
    }
    let email = repo.url.appendingPathComponent("report.eml")
    let mailed = try CLI.run(
      ["report", "--email", "--output", email.path], in: repo.url, environment: Self.webhookEnvironment)
    try #require(mailed.status == 0, "\(mailed.stderr)")
    let parts = try ParsedEmail.read(email).parts
    out["email text"] = parts.first { $0.type == "text/plain" }?.text
    out["email html"] = parts.first { $0.type == "text/html" }?.text
    let check = try CLI.run(["check", "--format", "json"], in: repo.url, environment: Self.webhookEnvironment)
    out["check json"] = check.stdout
    for received in receiver.received() {
      let event = try Self.object(received.body)
      let data = try #require(event["data"] as? [String: Any])
      out[received.type ?? "?", default: ""] += String(
        decoding: try JSONSerialization.data(withJSONObject: data, options: [.sortedKeys, .withoutEscapingSlashes]),
        as: UTF8.self)
    }
    let site = try TemporaryDirectory()
    let built = try CLI.run(["site", "--output", site.url.path], in: repo.url)
    try #require(built.status == 0, "\(built.stderr)")
    let head = try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    let page = try String(contentsOf: site.url.appendingPathComponent("commits/\(head).html"), encoding: .utf8)
    out["site"] = page
    // The diff against the previous measured commit (the verdict above it is check's).
    out["site diff"] =
      page.components(separatedBy: "<pre class=\"diff-previous\">").dropFirst().first?
      .components(separatedBy: "</pre>").first
    return out
  }

  @Test func aRebuiltBaseIsBaseDriftInDiffLogReportWebhookCommentAndSite() throws {
    let images = try Self.images()
    let receiver = try WebhookReceiver(secret: WebhookTests.secret)
    defer { receiver.stop() }
    let repo = try history(
      Self.budgetsNotifying(receiver),
      sources: ("oci:\(images.path("app1.oci"))", "oci:\(images.path("app2.oci"))"))
    let out = try outputs(repo, receiver: receiver)

    // diff: a split line under the totals, in the budget's metric; JSON as check's.
    let diff = try #require(out["diff text"])
    #expect(diff.contains("growth: base image localhost/test/base:latest +"), "\(diff)")
    #expect(diff.contains("(compressed; base image layers by annotations)"), "\(diff)")
    #expect(diff.contains(Self.rebuilt), "\(diff)")
    let diffSplit = Self.deltas(try Self.object(out["diff json"] ?? "")["growth_split"])
    #expect(diffSplit.base > 95_000 && diffSplit.base < 105_000 && abs(diffSplit.own) < 1_000, "\(diffSplit)")
    #expect(diffSplit.changed)
    #expect(out["diff markdown"]?.contains("🔄 " + Self.rebuilt) == true, "\(out["diff markdown"] ?? "")")

    // log: the newer row is tagged, the base named under the table; JSON rows split.
    let log = out["log text"] ?? ""
    #expect(log.contains("rebuilt +"), "\(log)")
    #expect(log.contains("api: " + Self.rebuilt), "\(log)")
    let logDocument = try Self.object(out["log json"] ?? "")
    let rows = try #require(logDocument["rows"] as? [[String: Any]])
    let newest = Self.deltas(rows.first?["growth_split"])
    #expect(newest.base > 95_000 && abs(newest.own) < 1_000 && newest.changed, "\(rows)")
    #expect(rows.first?["base_delta"] as? Int == newest.base && rows.first?["own_delta"] as? Int == newest.own)
    #expect(rows.last?["growth_split"] == nil, "the oldest row has nothing to split against")
    #expect(out["log markdown"]?.contains("🔄 ") == true, "\(out["log markdown"] ?? "")")
    #expect(out["log markdown"]?.contains(Self.rebuilt) == true, "\(out["log markdown"] ?? "")")

    // report, its email and its webhook event: the period's growth split.
    for name in ["report text", "report markdown", "report html", "email text", "email html", "sizebudget.report"] {
      let text = out[name] ?? "(\(name) missing: \(out.keys.sorted()))"
      #expect(text.contains("base image localhost/test/base:latest +"), "\(name): \(text)")
      #expect(text.contains(Self.rebuilt), "\(name): \(text)")
    }
    let reportDocument = try Self.object(out["report json"] ?? "")
    let reportImage = try #require((reportDocument["images"] as? [[String: Any]])?.first)
    let period = Self.deltas(reportImage["growth_split"])
    #expect(period.base > 95_000 && abs(period.own) < 1_000 && period.changed, "\(reportImage)")

    // The check event carries check's JSON and its comment: the pull request's comment
    // (what `sizebudget comment --from` posts) says the base was rebuilt.
    let checkEvent = out["sizebudget.check"] ?? "(no check event: \(out.keys.sorted()))"
    #expect(checkEvent.contains("\"growth_split\""), "\(checkEvent)")
    #expect(checkEvent.contains("🔄 " + Self.rebuilt), "\(checkEvent)")
    let checkDocument = try Self.object(out["check json"] ?? "")
    let comment = try #require(checkDocument["comment"] as? String)
    #expect(comment.contains("Growth: base image localhost/test/base:latest +"), "\(comment)")
    #expect(comment.contains("🔄 " + Self.rebuilt), "\(comment)")

    // The site's page of the newer commit: beside the growth against the previous one.
    let site = out["site diff"] ?? "(no diff against the previous commit: \(out["site"] ?? ""))"
    #expect(site.contains("growth: base image localhost/test/base:latest +"), "\(site)")
    #expect(site.contains(Self.rebuilt), "\(site)")
  }

  /// The fixtures: one base under two annotation digests. Every output splits the
  /// growth, and none says the base was rebuilt.
  @Test func theSameBaseIsNotRebuiltInAnyOutput() throws {
    try #require(Fixtures.available, "the fixture images are missing: run scripts/fixtures.sh (make test does)")
    let receiver = try WebhookReceiver(secret: WebhookTests.secret)
    defer { receiver.stop() }
    let repo = try history(
      Self.budgetsNotifying(receiver),
      sources: ("oci:\(Fixtures.path("api-before.oci"))", "oci:\(Fixtures.path("api-after.oci"))"))
    let out = try outputs(repo, receiver: receiver)
    #expect(out["sizebudget.check"] != nil && out["sizebudget.report"] != nil, "\(out.keys.sorted())")
    for (name, text) in out {
      #expect(!text.contains("rebuilt upstream"), "\(name): \(text)")
      #expect(!text.contains("rebuilt +"), "\(name): \(text)")
    }
    for name in ["diff text", "report text", "site diff"] {
      #expect(out[name]?.contains("growth: base image localhost/fixture/") == true, "\(name): \(out[name] ?? "")")
    }
    let diffSplit = Self.deltas(try Self.object(out["diff json"] ?? "")["growth_split"])
    #expect(diffSplit.base == 0 && !diffSplit.changed, "\(diffSplit)")
    let logDocument = try Self.object(out["log json"] ?? "")
    let rows = try #require(logDocument["rows"] as? [[String: Any]])
    #expect(Self.deltas(rows.first?["growth_split"]).base == 0, "\(rows)")
  }

  /// bisect's culprit (and so its webhook event, whose data is this JSON) splits the
  /// growth it names: here all of it is the rebuilt base. Its "what grew" leaves the
  /// base's layers (layer 0, added and gone) to the split, as check's does, and lists
  /// only the app's own layer (rebuilt with new file times).
  @Test func bisectSplitsItsCulpritsGrowth() throws {
    let images = try Self.images()
    let repo = try history(
      Self.budget, sources: ("oci:\(images.path("app1.oci"))", "oci:\(images.path("app2.oci"))"))
    let text = try CLI.run(["bisect", "HEAD~1..HEAD", "--image", "api"], in: repo.url)
    #expect(text.stdout.contains("growth: base image localhost/test/base:latest +"), "\(text.stdout)\(text.stderr)")
    #expect(text.stdout.contains(Self.rebuilt), "\(text.stdout)")
    #expect(!text.stdout.contains("+ layer 0"), "\(text.stdout)")
    // Only the app's own layer, rebuilt (its files' times), is gone: not the base's too.
    #expect(!text.stdout.contains("- 2 layers of"), "\(text.stdout)")
    #expect(text.stdout.contains("- 1 layer of"), "\(text.stdout)")
    let markdown = try CLI.run(["bisect", "HEAD~1..HEAD", "--image", "api", "--format", "markdown"], in: repo.url)
    #expect(markdown.stdout.contains("rebuilt upstream"), "\(markdown.stdout)\(markdown.stderr)")
    #expect(!markdown.stdout.contains("| layer 0:"), "\(markdown.stdout)")
    let json = try CLI.run(["bisect", "HEAD~1..HEAD", "--image", "api", "--format", "json"], in: repo.url)
    let culprit = try #require(try Self.object(json.stdout)["culprit"] as? [String: Any], "\(json.stdout)")
    let split = Self.deltas(culprit["growth_split"])
    #expect(split.base > 95_000 && abs(split.own) < 1_000 && split.changed, "\(culprit)")
  }
}
