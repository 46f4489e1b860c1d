import ArchiveIO
import Foundation

/// What one forge delivery does, as the outbox keeps it: update the sticky comment of
/// a pull request and set a commit status. It is the whole state a later
/// `sizebudget notify` needs, with the token's variable named, never its value.
public struct ForgeJob: Sendable, Codable, Equatable {
  public enum State: String, Sendable, Codable { case success, failure, error }

  public struct Status: Sendable, Codable, Equatable {
    public var state: State
    /// One line, at most 140 characters (GitHub's limit).
    public var description: String
    public var targetURL: String?
    public var context: String

    public init(state: State, description: String, targetURL: String?, context: String) {
      self.state = state
      self.description = String(description.prefix(140))
      self.targetURL = targetURL
      self.context = context
    }
  }

  public var forge: ForgeKind
  /// The REST API's base URL, without a trailing slash.
  public var api: String
  /// `owner/name`; GitLab: the project's path or numeric id.
  public var repository: String
  /// nil: find it by `commit` when delivering (the fork pattern's `workflow_run`).
  public var pullRequest: Int?
  /// The pull request's head commit: the status goes on it.
  public var commit: String
  public var tokenEnv: String
  /// `<!-- sizebudget:api,web -->`: one comment per pull request and image set.
  public var marker: String
  /// The Markdown body of the sticky comment (nil: no comment).
  public var comment: String?
  public var status: Status?

  public init(
    forge: ForgeKind, api: String, repository: String, pullRequest: Int?, commit: String, tokenEnv: String,
    marker: String, comment: String?, status: Status?
  ) {
    self.forge = forge
    self.api = api
    self.repository = repository
    self.pullRequest = pullRequest
    self.commit = commit
    self.tokenEnv = tokenEnv
    self.marker = marker
    self.comment = comment
    self.status = status
  }

  /// The outbox's endpoint column: readable in `notify --list`, and never a URL the
  /// webhook sender would post to.
  public var endpoint: String {
    "forge:\(forge.rawValue) \(api) \(repository) " + (pullRequest.map { "!\($0)" } ?? "@\(commit.prefix(12))")
  }

  /// The event id: the same job queued twice (a re-run of the same CI job) is one event.
  public var id: String {
    "fg_" + SHA256.digest(Array(body.utf8)).replacingOccurrences(of: "sha256:", with: "").prefix(26)
  }

  public var body: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
  }

  public static func decode(_ body: String) -> ForgeJob? {
    try? JSONDecoder().decode(ForgeJob.self, from: Data(body.utf8))
  }

  public static let outboxType = "sizebudget.forge"
  public static let endpointPrefix = "forge:"
}

/// The forges with a built-in delivery.
public enum ForgeKind: String, Sendable, Codable, CaseIterable {
  case github, gitlab, gitea

  public var name: String {
    switch self {
    case .github: "GitHub"
    case .gitlab: "GitLab"
    case .gitea: "Gitea"
    }
  }

  /// The longest comment the forge accepts, in characters.
  public var commentLimit: Int {
    switch self {
    case .github: 65_536
    case .gitlab: 1_000_000
    // Gitea stores comments as LONGTEXT; GitHub's limit keeps them readable.
    case .gitea: 65_536
    }
  }
}
