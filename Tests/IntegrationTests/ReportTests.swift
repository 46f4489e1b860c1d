import Foundation
import TestSupport
import Testing

/// `sizebudget report`: the trend over real measured history, as text, HTML and a real
/// email received by a real SMTP server and read with Python's email package.
@Suite struct ReportTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// 120 commits over 10 days (commit 80 adds 3 MB to app/), every 10th measured.
  func history(smtpPort: Int? = nil, auth: Bool = false) throws -> (TemporaryDirectory, URL) {
    let directory = try TemporaryDirectory()
    let repo = directory.url.appendingPathComponent("repo")
    let generator = try CLI.run(
      [Self.root.appendingPathComponent("Benchmarks/gen-bisect-repo.py").path, repo.path, "120", "80", "10"],
      product: "/usr/bin/python3")
    try #require(generator.status == 0, "\(generator.stderr)")
    var budgets = "[image.app]\ncontext = [\"app/\"]\nbuild = \"sh build.sh\"\nmax = \"2 MB\"\n"
    budgets += "\n[report]\nto = [\"team@example.com\"]\nfrom = \"sizebudget@example.com\"\n"
    if let smtpPort { budgets += "smtp = \"smtp://127.0.0.1:\(smtpPort)\"\n" }
    if auth { budgets += "user_env = \"TEST_SMTP_USER\"\npassword_env = \"TEST_SMTP_PASSWORD\"\n" }
    try budgets.write(to: repo.appendingPathComponent("budgets.toml"), atomically: true, encoding: .utf8)
    let path = CLI.productsDirectory.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    let measured = try CLI.run(
      [Self.root.appendingPathComponent("scripts/measure-history.sh").path, "app", "10"], product: "/bin/bash",
      in: repo,
      environment: ["PATH": path])
    try #require(measured.status == 0, "\(measured.stderr)")
    return (directory, repo)
  }

  @Test func theTextReportShowsTheTrend() throws {
    let (directory, repo) = try history()
    defer { withExtendedLifetime(directory) {} }
    let result = try CLI.run(["report", "--since", "30d"], in: repo)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("1 over budget: app grew +3 MB"))
    #expect(result.stdout.contains("budget 2 MB: over it by"))
    #expect(result.stdout.contains("path /app/model.bin +3 MB"))
    #expect(result.stdout.contains("measured commits over max 2 MB"))
    let json = try CLI.run(["report", "--since", "30d", "--format", "json"], in: repo)
    let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    #expect(document["schema"] as? String == "sizebudget.report/v1")
    let images = try #require(document["images"] as? [[String: Any]])
    let trend = try #require(images.first?["trend"] as? [String: Any])
    #expect((trend["points"] as? [Any])?.count == 12)
    // The derived figures, so that JSON readers need not recompute them.
    let change = try #require(trend["change"] as? Int)
    #expect(change > 3_000_000 && change < 3_100_000, "\(trend)")
    #expect(trend["end"] as? Int == (trend["start"] as? Int).map { $0 + change })
    #expect((trend["headroom"] as? Int ?? 0) < 0)
    #expect((trend["violations"] as? [Any])?.count == 4)
    #expect(result.stdout.contains("4 measured commits over max 2 MB"))
    let top = try #require((trend["top_growth"] as? [[String: Any]])?.first)
    #expect((top["delta"] as? Int ?? 0) > 3_000_000)
    #expect(top["gap"] as? Int == 10, "measured every 10th commit: the growth is one of 10")
    #expect(result.stdout.contains("layer +"), "\(result.stdout)")
    let markdown = try CLI.run(["report", "--since", "30d", "--format", "markdown"], in: repo)
    #expect(markdown.stdout.contains("<details><summary><b>app</b>: what grew</summary>"))
    #expect(markdown.stdout.contains("- path `/app/model.bin` +3 MB"), "\(markdown.stdout)")
    #expect(markdown.stdout.contains("- layer +"))
    #expect(markdown.stdout.contains("measured commits over max 2 MB, the first"))
    let html = try CLI.run(["report", "--since", "30d", "--format", "html"], in: repo)
    #expect(html.stdout.contains("Layers added"))
    #expect(html.stdout.hasPrefix("<!DOCTYPE html>"))
    #expect(!html.stdout.contains("<script"))
    #expect(!html.stdout.contains("src=\"http"))
  }

  @Test func theEmailArrivesAsTwoDecodablePartsWithTheFigures() throws {
    let server = try SMTPReceiver()
    let (directory, repo) = try history(smtpPort: server.port)
    defer { withExtendedLifetime(directory) {} }
    let result = try CLI.run(["report", "--since", "30d", "--email"], in: repo)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("sent \"sizebudget weekly: app OVER BUDGET\" to team@example.com"))
    let message = try #require(server.messages().first)
    let parsed = try ParsedEmail.read(message)
    #expect(parsed.defects.isEmpty, "\(parsed.defects)")
    #expect(parsed.contentType == "multipart/alternative")
    #expect(parsed.dateOk)
    #expect(parsed.headers["Subject"] == "sizebudget weekly: app OVER BUDGET")
    #expect(parsed.headers["From"] == "sizebudget@example.com")
    #expect(parsed.headers["To"] == "team@example.com")
    #expect(parsed.headers["Message-ID"]?.hasPrefix("<") == true)
    #expect(parsed.parts.map(\.type) == ["text/plain", "text/html"])
    #expect(parsed.parts.allSatisfy { $0.charset == "utf-8" })
    for part in parsed.parts {
      #expect(part.text.contains("app"))
      #expect(part.text.contains("3 MB"))
      #expect(part.text.contains("2 MB"))
      #expect(part.text.contains("/app/model.bin"))
      // check's one judgement at the period's last measurement.
      #expect(part.text.contains("over budget: max"), "\(part.text)")
    }
  }

  @Test func smtpAuthenticatesWithTheEnvironmentsCredentials() throws {
    let server = try SMTPReceiver(user: "mailer", password: "s3cret-pw")
    let (directory, repo) = try history(smtpPort: server.port, auth: true)
    defer { withExtendedLifetime(directory) {} }
    let wrong = try CLI.run(
      ["report", "--since", "30d", "--email"], in: repo,
      environment: ["TEST_SMTP_USER": "mailer", "TEST_SMTP_PASSWORD": "nope"])
    #expect(wrong.status == 2)
    #expect(wrong.stderr.contains("cannot send the report"))
    #expect(!wrong.stderr.contains("nope"))
    let right = try CLI.run(
      ["report", "--since", "30d", "--email"], in: repo,
      environment: ["TEST_SMTP_USER": "mailer", "TEST_SMTP_PASSWORD": "s3cret-pw"])
    #expect(right.status == 0, "\(right.stderr)")
    #expect(server.messages().count == 1)
  }

  @Test func anSMTPFailureIsAClearErrorAndANonZeroExit() throws {
    let server = try SMTPReceiver()
    let port = server.port
    server.stop()
    let (directory, repo) = try history(smtpPort: port)
    defer { withExtendedLifetime(directory) {} }
    let result = try CLI.run(["report", "--since", "30d", "--email"], in: repo)
    #expect(result.status == 4, "a server that is down is transient: \(result.stderr)")
    #expect(result.stderr.contains("could not reach the SMTP server smtp://127.0.0.1:\(port)"), "\(result.stderr)")
    #expect(result.stderr.contains("cannot send the report: sending mail through smtp://127.0.0.1:\(port)"))
  }

  @Test func writesAnEMLFile() throws {
    let (directory, repo) = try history()
    defer { withExtendedLifetime(directory) {} }
    let file = directory.url.appendingPathComponent("weekly.eml")
    let result = try CLI.run(["report", "--since", "30d", "--output", file.path], in: repo)
    #expect(result.status == 0, "\(result.stderr)")
    let parsed = try ParsedEmail.read(file)
    #expect(parsed.parts.count == 2)
  }

  /// Issue 13 item 5: periods go by committer time. A rebased commit keeps its old
  /// author date; by author time it would end the period early and hide the commits
  /// before it.
  @Test func periodsUseCommitterTimeNotAuthorTime() throws {
    let repo = try GitRepository()
    let now = Int(Date().timeIntervalSince1970)
    let day = 86_400
    try ImageBuilder([ImageBuilder.Layer([.file("app/a.bin", size: 10_000)])])
      .writeOCILayout(to: repo.url.appendingPathComponent("build/app.oci"))
    try "[image.app]\nmax = \"2 MB\"\n".write(
      to: repo.url.appendingPathComponent("budgets.toml"), atomically: true, encoding: .utf8)
    try repo.git(["add", "budgets.toml"])
    var commits: [String] = []
    // (author date, committer date): the middle one was rebased onto main two days ago.
    for (author, committer) in [
      (now - 3 * day, now - 3 * day), (now - 40 * day, now - 2 * day), (now - day, now - day),
    ] {
      try repo.git(
        ["commit", "-q", "--allow-empty", "-m", "c\(commits.count)"],
        environment: ["GIT_AUTHOR_DATE": "@\(author) +0000", "GIT_COMMITTER_DATE": "@\(committer) +0000"])
      let id = try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
      commits.append(id)
      let measured = try CLI.run(["measure", "oci:build/app.oci", "--image", "app", "--commit", id], in: repo.url)
      try #require(measured.status == 0, "\(measured.stderr)")
    }
    let json = try CLI.run(["report", "--since", "7d", "--format", "json"], in: repo.url)
    #expect(json.status == 0, "\(json.stderr)")
    let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let trend = try #require((document["images"] as? [[String: Any]])?.first?["trend"] as? [String: Any])
    let points = try #require(trend["points"] as? [[String: Any]])
    #expect(points.compactMap { $0["commit"] as? String } == commits, "\(points)")
    #expect(trend["measured_in_period"] as? Int == 3, "\(trend)")
    #expect(points[1]["time"] as? Int == now - 2 * day)
    // The site's period too: every commit of the last week gets its page.
    let site = try TemporaryDirectory()
    let built = try CLI.run(["site", "--output", site.url.path, "--since", "7d"], in: repo.url)
    #expect(built.status == 0, "\(built.stderr)")
    for commit in commits {
      let page = site.url.appendingPathComponent("commits/\(commit).html").path
      #expect(FileManager.default.fileExists(atPath: page), "no page for \(commit)")
    }
  }

  @Test func badPeriodsAreUsageErrors() throws {
    let (directory, repo) = try history()
    defer { withExtendedLifetime(directory) {} }
    let result = try CLI.run(["report", "--since", "last week"], in: repo)
    #expect(result.status == 2)
    #expect(result.stderr.contains("--since \"last week\" is not a period or a date"))
  }
}
