import Budgets
import Foundation

/// Where a CI job's report goes: the forge, its API, the repository, the pull request
/// and its head commit, the token's variable, read from budgets.toml first and the CI
/// environment second (GitHub Actions, GitLab CI, Gitea and Forgejo Actions).
public struct ForgeTarget: Sendable, Equatable {
  public var forge: ForgeKind
  public var api: String
  public var repository: String
  public var pullRequest: Int?
  /// The pull request's head (GitHub checks out a merge commit: the status belongs on the head).
  public var commit: String?
  public var tokenEnv: String
  /// The CI job, linked from the commit status.
  public var jobURL: String?
  /// Set when the token cannot write (a pull request from a fork): one line saying so.
  public var readOnly: String?
  public var settings: ForgeSettings
}

public enum ForgeEnvironment {
  /// The forge whose CI this is, with no configuration (nil: none, or
  /// `SIZEBUDGET_FORGE=none`).
  public static func detectedKind(_ environment: [String: String]) -> ForgeKind? {
    if let forced = environment["SIZEBUDGET_FORGE"] { return ForgeKind(rawValue: forced) }
    if environment["GITEA_ACTIONS"] == "true" || environment["FORGEJO_ACTIONS"] == "true" { return .gitea }
    if environment["GITHUB_ACTIONS"] == "true" { return .github }
    if environment["GITLAB_CI"] == "true" { return .gitlab }
    return nil
  }

  /// The targets of a run: each configured table, or the detected forge when none is
  /// configured. A problem (no repository known) is a message, not a target.
  public static func targets(_ configured: [ForgeSettings], environment: [String: String]) -> [Result<
    ForgeTarget, ForgeFailure
  >] {
    var settings = configured
    if settings.isEmpty, let kind = detectedKind(environment) {
      settings = [ForgeSettings(kind: ForgeSettings.Kind(rawValue: kind.rawValue)!)]
    }
    return settings.map { target($0, environment: environment) }
  }

  static func target(_ settings: ForgeSettings, environment env: [String: String]) -> Result<ForgeTarget, ForgeFailure>
  {
    let forge = ForgeKind(rawValue: settings.kind.rawValue)!
    let event = readEvent(env["GITHUB_EVENT_PATH"])
    let pullRequest = (event?["pull_request"] as? [String: Any])
    let workflowRun = (event?["workflow_run"] as? [String: Any])
    var target = ForgeTarget(
      forge: forge, api: "", repository: "", pullRequest: nil, commit: nil, tokenEnv: "", jobURL: nil, readOnly: nil,
      settings: settings)
    switch forge {
    case .github, .gitea:
      let server = env["GITHUB_SERVER_URL"].map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
      target.api =
        settings.api
        ?? (forge == .github
          ? env["GITHUB_API_URL"] ?? "https://api.github.com"
          : env["GITEA_API_URL"] ?? env["GITHUB_API_URL"].flatMap { $0.hasSuffix("/api/v1") ? $0 : nil }
            ?? server.map { "\($0)/api/v1" } ?? "")
      target.repository = settings.repository ?? env["GITHUB_REPOSITORY"] ?? ""
      target.tokenEnv =
        settings.tokenEnv ?? (forge == .gitea && env["GITEA_TOKEN"] != nil ? "GITEA_TOKEN" : "GITHUB_TOKEN")
      target.pullRequest =
        pullRequest?["number"] as? Int
        ?? ((workflowRun?["pull_requests"] as? [[String: Any]])?.first?["number"] as? Int)
        ?? pullNumber(fromRef: env["GITHUB_REF"])
      target.commit =
        ((pullRequest?["head"] as? [String: Any])?["sha"] as? String) ?? (workflowRun?["head_sha"] as? String)
      if let server, let repository = env["GITHUB_REPOSITORY"], let run = env["GITHUB_RUN_ID"] {
        target.jobURL = "\(server)/\(repository)/actions/runs/\(run)"
      }
      target.readOnly = forkNotice(pullRequest, event: env["GITHUB_EVENT_NAME"], tokenEnv: target.tokenEnv)
    case .gitlab:
      target.api = settings.api ?? env["CI_API_V4_URL"] ?? "https://gitlab.com/api/v4"
      target.repository = settings.repository ?? env["CI_PROJECT_ID"] ?? env["CI_PROJECT_PATH"] ?? ""
      target.tokenEnv =
        settings.tokenEnv
        ?? (env["GITLAB_TOKEN"] != nil || env["CI_JOB_TOKEN"] == nil ? "GITLAB_TOKEN" : "CI_JOB_TOKEN")
      target.pullRequest = env["CI_MERGE_REQUEST_IID"].flatMap { Int($0) }
      target.commit = env["CI_MERGE_REQUEST_SOURCE_BRANCH_SHA"].flatMap { $0.isEmpty ? nil : $0 }
      target.jobURL = env["CI_JOB_URL"]
    }
    if let number = env["SIZEBUDGET_PULL_REQUEST"].flatMap({ Int($0) }) { target.pullRequest = number }
    if target.api.isEmpty || target.repository.isEmpty {
      let table = "[notify.\(forge.rawValue)]"
      return .failure(
        .fatal(
          "\(forge.name): \(target.repository.isEmpty ? "the repository" : "the API URL") is not known: set "
            + "\(target.repository.isEmpty ? "repository" : "api") in \(table) of budgets.toml", status: nil))
    }
    return .success(target)
  }

  /// `refs/pull/12/merge` → 12.
  static func pullNumber(fromRef ref: String?) -> Int? {
    guard let ref, ref.hasPrefix("refs/pull/") else { return nil }
    return Int(ref.dropFirst("refs/pull/".count).prefix { $0 != "/" })
  }

  /// A `pull_request` event whose head repository is not the base one runs with a
  /// read-only token and no secrets.
  static func forkNotice(_ pullRequest: [String: Any]?, event: String?, tokenEnv: String) -> String? {
    guard event == "pull_request", let pullRequest else { return nil }
    func name(_ side: String) -> String? {
      ((pullRequest[side] as? [String: Any])?["repo"] as? [String: Any])?["full_name"] as? String
    }
    guard let head = name("head"), let base = name("base"), head != base else { return nil }
    return "this pull request comes from the fork \(head), whose \(tokenEnv) is read-only: no comment or status; "
      + "docs/ci.md shows the two-workflow pattern (sizebudget comment --from) that posts them safely"
  }

  static func readEvent(_ path: String?) -> [String: Any]? {
    guard let path, let data = FileManager.default.contents(atPath: path) else { return nil }
    return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
  }
}
