import Foundation

/// The REST endpoints and JSON shapes of each forge, in one place:
///
/// | | GitHub | GitLab | Gitea / Forgejo |
/// | --- | --- | --- | --- |
/// | who am I | `GET /user` | `GET /user` | `GET /user` |
/// | comments | `GET/POST /repos/O/R/issues/N/comments` | `GET/POST /projects/ID/merge_requests/N/notes` | `GET/POST /repos/O/R/issues/N/comments` |
/// | one comment | `PATCH/DELETE /repos/O/R/issues/comments/C` | `PUT/DELETE /projects/ID/merge_requests/N/notes/C` | `PATCH/DELETE /repos/O/R/issues/comments/C` |
/// | status | `POST /repos/O/R/statuses/SHA` | `POST /projects/ID/statuses/SHA` | `POST /repos/O/R/statuses/SHA` |
/// | PR of a commit | `GET /repos/O/R/commits/SHA/pulls` | `GET /projects/ID/repository/commits/SHA/merge_requests` | `GET /repos/O/R/pulls?state=open` |
struct ForgeAPI {
  let job: ForgeJob

  var forge: ForgeKind { job.forge }

  /// GitHub and Gitea name a repository `owner/name`; GitLab a project id or its
  /// path, URL-encoded (`group%2Fproject`).
  private var base: String {
    switch forge {
    case .github, .gitea: "\(job.api)/repos/\(job.repository)"
    case .gitlab:
      "\(job.api)/projects/"
        + (job.repository.addingPercentEncoding(
          withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~")))
          ?? job.repository)
    }
  }

  var user: String { "\(job.api)/user" }

  /// The first page of a pull request's comments, as many per page as allowed.
  func comments(_ pullRequest: Int) -> String {
    switch forge {
    case .github: "\(base)/issues/\(pullRequest)/comments?per_page=100"
    case .gitlab: "\(base)/merge_requests/\(pullRequest)/notes?per_page=100&sort=asc&order_by=created_at"
    case .gitea: "\(base)/issues/\(pullRequest)/comments?limit=50"
    }
  }

  func create(_ pullRequest: Int) -> String {
    switch forge {
    case .github, .gitea: "\(base)/issues/\(pullRequest)/comments"
    case .gitlab: "\(base)/merge_requests/\(pullRequest)/notes"
    }
  }

  func comment(_ id: Int, pullRequest: Int) -> String {
    switch forge {
    case .github, .gitea: "\(base)/issues/comments/\(id)"
    case .gitlab: "\(base)/merge_requests/\(pullRequest)/notes/\(id)"
    }
  }

  /// GitLab replaces a note with PUT; the others edit with PATCH.
  var updateMethod: String { forge == .gitlab ? "PUT" : "PATCH" }

  func status(_ sha: String) -> String { "\(base)/statuses/\(sha)" }

  func pullRequests(of sha: String) -> String {
    switch forge {
    case .github: "\(base)/commits/\(sha)/pulls?per_page=100"
    case .gitlab: "\(base)/repository/commits/\(sha)/merge_requests"
    case .gitea: "\(base)/pulls?state=open&limit=50"
    }
  }

  func headers(token: String) -> [String] {
    let auth: String
    switch forge {
    case .github:
      return [
        "Authorization: Bearer \(token)", "Accept: application/vnd.github+json", "X-GitHub-Api-Version: 2022-11-28",
        "User-Agent: sizebudget", "Content-Type: application/json",
      ]
    case .gitlab: auth = job.tokenEnv == "CI_JOB_TOKEN" ? "JOB-TOKEN: \(token)" : "PRIVATE-TOKEN: \(token)"
    case .gitea: auth = "Authorization: token \(token)"
    }
    return [auth, "Accept: application/json", "User-Agent: sizebudget", "Content-Type: application/json"]
  }

  // MARK: Shapes

  struct Comment: Equatable {
    var id: Int
    var body: String
    var author: String
  }

  /// A page of comments (GitHub and Gitea: `user.login`; GitLab: `author.username`,
  /// and system notes are the forge's own).
  func parseComments(_ data: [UInt8]) -> [Comment]? {
    guard let array = (try? JSONSerialization.jsonObject(with: Data(data))) as? [[String: Any]] else { return nil }
    return array.compactMap { object in
      guard let id = object["id"] as? Int, let body = object["body"] as? String else { return nil }
      if object["system"] as? Bool == true { return nil }
      return Comment(id: id, body: body, author: author(of: object) ?? "")
    }
  }

  func parseID(_ data: [UInt8]) -> Int? {
    ((try? JSONSerialization.jsonObject(with: Data(data))) as? [String: Any])?["id"] as? Int
  }

  /// The author of one comment (the answer to creating it).
  func parseAuthor(_ data: [UInt8]) -> String? {
    ((try? JSONSerialization.jsonObject(with: Data(data))) as? [String: Any]).flatMap(author(of:))
  }

  /// GitHub and Gitea: `user.login`; GitLab: `author.username`.
  private func author(of comment: [String: Any]) -> String? {
    parseLogin(comment[forge == .gitlab ? "author" : "user"] as? [String: Any])
  }

  func parseLogin(_ data: [UInt8]) -> String? {
    parseLogin((try? JSONSerialization.jsonObject(with: Data(data))) as? [String: Any])
  }

  private func parseLogin(_ object: [String: Any]?) -> String? {
    object?[forge == .gitlab ? "username" : "login"] as? String
  }

  /// The open pull request whose head is `sha`, from a list of pull (merge) requests.
  func parsePullRequest(_ data: [UInt8], sha: String) -> Int? {
    guard let array = (try? JSONSerialization.jsonObject(with: Data(data))) as? [[String: Any]] else { return nil }
    for object in array {
      switch forge {
      case .gitlab:
        if object["state"] as? String == "opened", object["sha"] as? String == sha, let iid = object["iid"] as? Int {
          return iid
        }
      case .github, .gitea:
        let head = (object["head"] as? [String: Any])?["sha"] as? String
        if object["state"] as? String == "open", head == sha, let number = object["number"] as? Int { return number }
      }
    }
    return nil
  }

  func commentBody(_ text: String) -> [UInt8] { json(["body": text]) }

  func statusBody(_ status: ForgeJob.Status) -> [UInt8] {
    var object: [String: Any] = ["description": status.description]
    if let url = status.targetURL { object["target_url"] = url }
    switch forge {
    case .github, .gitea:
      object["state"] = status.state.rawValue
      object["context"] = status.context
    case .gitlab:
      object["state"] = status.state == .success ? "success" : "failed"
      object["name"] = status.context
    }
    return json(object)
  }

  private func json(_ object: [String: Any]) -> [UInt8] {
    [UInt8]((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8))
  }
}

/// `Link: <https://…?page=3>; rel="next", <…>; rel="last"` → the next page's URL.
enum LinkHeader {
  static func next(_ value: String?) -> String? {
    guard let value else { return nil }
    for part in value.split(separator: ",") {
      let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
      guard let target = pieces.first, target.hasPrefix("<"), target.hasSuffix(">") else { continue }
      if pieces.dropFirst().contains(where: { $0 == "rel=\"next\"" || $0 == "rel=next" }) {
        return String(target.dropFirst().dropLast())
      }
    }
    return nil
  }
}
