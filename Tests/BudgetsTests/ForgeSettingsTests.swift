import Budgets
import Testing

/// `[notify.github]`, `[notify.gitlab]`, `[notify.gitea]`: read with positions and
/// did-you-mean, tokens only by the name of their variable.
@Suite struct ForgeSettingsTests {
  @Test func eachForgeTableIsReadAndNeedsNoWebhook() throws {
    let budgets = try BudgetParser.parse(
      """
      [notify.github]
      api = "https://github.example.com/api/v3/"
      repository = "acme/shop"
      token_env = "SIZEBUDGET_GITHUB_TOKEN"
      context = "size"
      report_url = "https://ci.example.com/${RUN}/report.html"

      [notify.gitlab]
      status = false

      [notify.gitea]
      comment = false
      """)
    let forges = try #require(budgets.notify?.forges)
    #expect(forges.map(\.kind) == [.github, .gitlab, .gitea])
    #expect(forges[0].api == "https://github.example.com/api/v3")
    #expect(forges[0].repository == "acme/shop")
    #expect(forges[0].tokenEnv == "SIZEBUDGET_GITHUB_TOKEN")
    #expect(forges[0].context == "size")
    #expect(forges[0].reportURL == "https://ci.example.com/${RUN}/report.html")
    #expect(forges[1].status == false && forges[1].comment == true)
    #expect(forges[2].comment == false && forges[2].status == true)
    #expect(budgets.notify?.webhooks.isEmpty == true)
  }

  func problems(_ text: String) -> [String] {
    do {
      _ = try BudgetParser.parse(text)
      return []
    } catch {
      return error.problems.map { "\($0.position.line):\($0.position.column) \($0.message)" }
    }
  }

  @Test func mistakesAreNamedWithTheirPlace() {
    let found = problems(
      """
      [notify.github]
      tokn_env = "X"
      token = "ghp_secret"
      api = "http://github.example.com/api/v3"
      repository = "/shop"

      [notify.gitlab]
      api = "https://user:pass@gitlab.example.com/api/v4"
      token_env = "glpat-123"
      """)
    #expect(
      found == [
        "2:1 unknown key \"tokn_env\" in [notify.github]: did you mean \"token_env\"?",
        "3:1 token must not be written in budgets.toml, which is committed: put it in an environment variable and name that variable with token_env",
        "4:7 api \"http://github.example.com/api/v3\" uses plain http:// to a host that is not loopback: use https://, or set allow_insecure = true in [notify.github] if you accept that",
        "5:14 repository must be \"owner/name\" (GitLab: \"group/project\" or the project id), got \"/shop\"",
        "8:7 api \"https://user:pass@gitlab.example.com/api/v4\" in [notify.gitlab] must not hold credentials: name the token's variable with token_env",
        "9:13 token_env must name an environment variable (like \"SIZEBUDGET_WEBHOOK_SECRET\"), not hold its value",
      ], "\(found)")
  }

  @Test func anUnknownForgeGetsDidYouMean() {
    #expect(problems("[notify.gitub]\n").first == "1:9 unknown key \"gitub\" in [notify]: did you mean \"github\"?")
  }
}
