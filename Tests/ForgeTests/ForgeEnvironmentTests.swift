import Budgets
import Foundation
import Testing

@testable import Forge

@Suite struct ForgeEnvironmentTests {
  func target(_ environment: [String: String], settings: [ForgeSettings] = []) throws -> ForgeTarget {
    let results = ForgeEnvironment.targets(settings, environment: environment)
    try #require(results.count == 1)
    return try results[0].get()
  }

  func event(_ json: String) throws -> String {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("event-\(UUID().uuidString).json")
    try Data(json.utf8).write(to: file)
    return file.path
  }

  @Test func gitHubActionsPullRequest() throws {
    let path = try event(
      #"{"pull_request": {"number": 12, "head": {"sha": "abc", "repo": {"full_name": "acme/shop"}}, "base": {"repo": {"full_name": "acme/shop"}}}}"#
    )
    let found = try target([
      "GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/shop", "GITHUB_EVENT_PATH": path,
      "GITHUB_EVENT_NAME": "pull_request", "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "5",
    ])
    #expect(found.forge == .github && found.api == "https://api.github.com" && found.repository == "acme/shop")
    #expect(found.pullRequest == 12 && found.commit == "abc" && found.tokenEnv == "GITHUB_TOKEN")
    #expect(found.jobURL == "https://github.com/acme/shop/actions/runs/5")
    #expect(found.readOnly == nil)
  }

  @Test func aForkIsSeenInTheEventPayload() throws {
    let path = try event(
      #"{"pull_request": {"number": 12, "head": {"sha": "abc", "repo": {"full_name": "eve/shop"}}, "base": {"repo": {"full_name": "acme/shop"}}}}"#
    )
    let found = try target([
      "GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/shop", "GITHUB_EVENT_PATH": path,
      "GITHUB_EVENT_NAME": "pull_request",
    ])
    #expect(found.readOnly?.contains("eve/shop") == true)
  }

  @Test func thePullRequestNumberFromTheRef() throws {
    let found = try target(["GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "a/b", "GITHUB_REF": "refs/pull/34/merge"])
    #expect(found.pullRequest == 34)
  }

  @Test func gitLabMergeRequestPipeline() throws {
    let found = try target([
      "GITLAB_CI": "true", "CI_API_V4_URL": "https://gitlab.example.com/api/v4", "CI_PROJECT_ID": "42",
      "CI_MERGE_REQUEST_IID": "3", "CI_JOB_TOKEN": "x", "CI_JOB_URL": "https://gitlab.example.com/j/1",
    ])
    #expect(found.forge == .gitlab && found.api == "https://gitlab.example.com/api/v4" && found.repository == "42")
    #expect(
      found.pullRequest == 3 && found.tokenEnv == "CI_JOB_TOKEN" && found.jobURL == "https://gitlab.example.com/j/1")
  }

  @Test func giteaAndForgejoActionsUseTheirServersAPI() throws {
    let found = try target([
      "GITHUB_ACTIONS": "true", "GITEA_ACTIONS": "true", "GITHUB_SERVER_URL": "https://gitea.example.com/",
      "GITHUB_REPOSITORY": "acme/shop", "GITHUB_REF": "refs/pull/5/head",
    ])
    #expect(found.forge == .gitea && found.api == "https://gitea.example.com/api/v1" && found.pullRequest == 5)
  }

  @Test func configurationWinsAndMissingRepositoryIsSaid() throws {
    var settings = ForgeSettings(kind: .gitea)
    settings.api = "https://git.example.com/api/v1"
    let results = ForgeEnvironment.targets([settings], environment: [:])
    guard case .failure(let failure) = results.first else {
      Issue.record("expected a failure")
      return
    }
    #expect(failure.message.contains("repository in [notify.gitea]"))
    #expect(ForgeEnvironment.targets([], environment: ["SIZEBUDGET_FORGE": "none", "GITHUB_ACTIONS": "true"]).isEmpty)
  }
}

@Suite struct ForgeClientTests {
  let job = ForgeJob(
    forge: .github, api: "https://api.github.com", repository: "acme/shop", pullRequest: 1, commit: "abc",
    tokenEnv: "GITHUB_TOKEN", marker: "m", comment: "c", status: nil)

  @Test func retryAfterThenTheResetTimeDecideTheWait() {
    #expect(ForgeClient.waitFor(["retry-after": "30"], now: 1000) == 30)
    #expect(ForgeClient.waitFor(["x-ratelimit-reset": "1120", "x-ratelimit-remaining": "0"], now: 1000) == 120)
    #expect(ForgeClient.waitFor(["ratelimit-reset": "1005"], now: 1000) == 5)
    #expect(ForgeClient.waitFor(["x-ratelimit-reset": "999999"], now: 1000) == 3600)
    #expect(ForgeClient.waitFor([:], now: 1000) == nil)
  }

  /// A forge's headers are its to write: `nan` passed min and max and trapped on the
  /// conversion to whole seconds; `inf` is an hour like any far reset.
  @Test func aWaitThatIsNotAFiniteNumberCountsAsAbsent() {
    #expect(ForgeClient.waitFor(["retry-after": "nan"], now: 1000) == nil)
    #expect(ForgeClient.waitFor(["retry-after": "inf", "x-ratelimit-reset": "1010"], now: 1000) == 10)
    #expect(ForgeClient.waitFor(["x-ratelimit-reset": "nan"], now: 1000) == nil)
    #expect(ForgeClient.waitFor(["ratelimit-reset": "-inf"], now: 1000) == nil)
  }

  @Test func aForbiddenAnswerIsARateLimitOnlyWhenTheHeadersSaySo() {
    let client = ForgeClient(api: ForgeAPI(job: job), token: "s3cr3t-token")
    let limited = client.classify(
      .init(status: 403, body: [], headers: ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "1060"]), what: "x",
      now: 1000)
    guard case .retry(_, _, let after) = limited else {
      Issue.record("a rate limit retries")
      return
    }
    #expect(after == 60)
    let echoed = client.classify(
      .init(status: 403, body: Array("token s3cr3t-token is read-only".utf8), headers: [:]), what: "x")
    guard case .fatal(let message, _) = echoed else {
      Issue.record("a plain 403 fails at once")
      return
    }
    #expect(message.contains("fork") && !message.contains("s3cr3t-token"))
    let unprocessable = client.classify(
      .init(status: 422, body: Array(#"{"message":"No commit found for SHA: s3cr3t-token"}"#.utf8), headers: [:]),
      what: "x")
    #expect(!unprocessable.message.contains("s3cr3t-token") && unprocessable.message.contains("HTTP 422"))
  }

  @Test func gitLabStatusAndCommentShapes() throws {
    var gitlab = job
    gitlab.forge = .gitlab
    gitlab.repository = "group/sub/project"
    let api = ForgeAPI(job: gitlab)
    #expect(
      api.comments(7)
        == "https://api.github.com/projects/group%2Fsub%2Fproject/merge_requests/7/notes?per_page=100&sort=asc&order_by=created_at"
    )
    let body = String(
      decoding: api.statusBody(.init(state: .failure, description: "over", targetURL: nil, context: "sizebudget")),
      as: UTF8.self)
    #expect(body == #"{"description":"over","name":"sizebudget","state":"failed"}"#)
    let notes = api.parseComments(
      Array(
        #"[{"id": 1, "body": "x", "author": {"username": "bot"}, "system": false}, {"id": 2, "body": "changed the description", "author": {"username": "bot"}, "system": true}]"#
          .utf8))
    #expect(notes == [ForgeAPI.Comment(id: 1, body: "x", author: "bot")])
  }
}
