/// One comment per pull request and image set, updated in place.
///
/// sizebudget's comment is the one whose body holds the marker and whose author is the
/// token's own user (anyone can paste a marker). All pages are read, to the last:
/// reading only the first page duplicates on long pull requests. Two jobs that
/// deliver at once (different runners, no shared outbox) may both create one; each
/// then keeps the oldest marked comment, makes it say its report and deletes the rest,
/// so they converge on one.
struct StickyComment {
  let client: ForgeClient
  var api: ForgeAPI { client.api }

  enum Outcome: Equatable { case created, updated, unchanged }

  func deliver(_ body: String, marker: String, pullRequest: Int) throws(ForgeFailure) -> Outcome {
    let me = try whoAmI()
    let existing = try marked(pullRequest, by: me, marker: marker)
    guard let oldest = existing.first else {
      let created = try client.call(
        "POST", api.create(pullRequest), body: api.commentBody(body), what: "comment on !\(pullRequest)")
      guard let id = api.parseID(created.body) else {
        throw .retry("\(api.forge.name) created a comment but its answer has no id", status: created.status, after: nil)
      }
      // An app learns its own name from what it created.
      let author = api.parseAuthor(created.body).map(Author.user) ?? me
      try heal(pullRequest, me: author, marker: marker, body: body, ours: id)
      return .created
    }
    if oldest.body != body {
      try update(oldest.id, body: body, pullRequest: pullRequest)
    }
    for extra in existing.dropFirst() { try delete(extra.id, pullRequest: pullRequest) }
    return oldest.body == body ? .unchanged : .updated
  }

  /// After creating: if another job created one too, the oldest stays and says our report.
  private func heal(_ pullRequest: Int, me: Author, marker: String, body: String, ours: Int) throws(ForgeFailure) {
    let all = try marked(pullRequest, by: me, marker: marker)
    guard let oldest = all.first else { return }
    if oldest.id != ours { try update(oldest.id, body: body, pullRequest: pullRequest) }
    for extra in all.dropFirst() { try delete(extra.id, pullRequest: pullRequest) }
  }

  /// The marked comments by `me`, oldest first (ids grow with time on every forge).
  func marked(_ pullRequest: Int, by me: Author, marker: String) throws(ForgeFailure) -> [ForgeAPI.Comment] {
    var url: String? = api.comments(pullRequest)
    var found: [ForgeAPI.Comment] = []
    var pages = 0
    while let next = url {
      pages += 1
      if pages > 10_000 { throw .fatal("more than 10,000 pages of comments on !\(pullRequest)", status: nil) }
      let answer = try client.call("GET", next, what: "list the comments of !\(pullRequest)")
      guard let comments = api.parseComments(answer.body) else {
        throw .retry(
          "\(api.forge.name)'s list of comments on !\(pullRequest) is not a JSON array (or over 8 MiB)",
          status: answer.status, after: nil)
      }
      found += comments.filter { me.wrote($0) && $0.body.contains(marker) }
      url = LinkHeader.next(answer.headers["link"])
    }
    return found.sorted { $0.id < $1.id }
  }

  /// Whose comments are ours.
  enum Author: Equatable {
    /// The token's user, as `/user` names it.
    case user(String)
    /// A GitHub token that may not read `/user` is an app's installation token
    /// (GITHUB_TOKEN is github-actions[bot]'s, a GitHub App's is `its-name[bot]`), and
    /// which app is not asked anywhere: any app's comment is ours. GitHub reserves the
    /// `[bot]` suffix for apps, so a marker pasted by a person never matches.
    case anyApp

    func wrote(_ comment: ForgeAPI.Comment) -> Bool {
      switch self {
      case .user(let login): comment.author == login
      case .anyApp: comment.author.hasSuffix("[bot]")
      }
    }
  }

  /// The token's user, or any app when GitHub does not say (see `Author.anyApp`).
  func whoAmI() throws(ForgeFailure) -> Author {
    let answer = try client.call("GET", api.user, what: "say whose the token is (GET /user)", allow: [403])
    if answer.status == 403 {
      if api.forge == .github && !ForgeClient.isRateLimited(answer.headers) { return .anyApp }
      throw client.classify(answer, what: "say whose the token is (GET /user)")
    }
    guard let login = api.parseLogin(answer.body) else {
      throw .retry("\(api.forge.name)'s /user answer has no login", status: answer.status, after: nil)
    }
    return .user(login)
  }

  private func update(_ id: Int, body: String, pullRequest: Int) throws(ForgeFailure) {
    _ = try client.call(
      api.updateMethod, api.comment(id, pullRequest: pullRequest), body: api.commentBody(body),
      what: "update comment \(id) on !\(pullRequest)")
  }

  /// A comment already gone (the other job deleted it) is as good as deleted.
  private func delete(_ id: Int, pullRequest: Int) throws(ForgeFailure) {
    _ = try client.call(
      "DELETE", api.comment(id, pullRequest: pullRequest), what: "delete duplicate comment \(id) on !\(pullRequest)",
      allow: [404])
  }
}
