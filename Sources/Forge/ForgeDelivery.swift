import Foundation
import Store

/// Forge jobs through the store's outbox, as webhooks go: written before any attempt,
/// claimed by one sender at a time, retried with backoff (the forge's `Retry-After`
/// or rate-limit reset wins), failed at once when retrying cannot help.
public struct ForgeDelivery: Sendable {
  public static let maxAttempts = 20
  public var timeout: Double = 10
  public var connectTimeout: Double = 3

  public init() {}

  /// The longest one attempt (all of a job's calls) may take.
  var attemptBudget: Double { 4 * (timeout + connectTimeout) }

  public func enqueue(_ job: ForgeJob, in store: MeasurementStore, now: Int64) throws(StoreError) {
    try store.enqueue(id: job.id, endpoints: [job.endpoint], type: ForgeJob.outboxType, body: job.body, now: now)
    try store.requeueFailed(id: job.id, now: now)
  }

  public struct Summary: Sendable {
    public var delivered = 0
    public var retrying = 0
    public var failed = 0
    /// One line per delivery made or not (never a token).
    public var lines: [String] = []
  }

  /// Sends due forge jobs until none is left or `deadline` (seconds) passes; `only`
  /// limits it to these event ids (a command's own).
  public func sendDue(
    _ store: MeasurementStore, environment: [String: String], deadline: Double? = nil, only ids: Set<String>? = nil,
    ignoringBackoff: Bool = false
  ) -> Summary {
    var summary = Summary()
    let started = Date()
    let lease = Int64(attemptBudget + 30)
    var remaining: Set<String>? = nil
    if ids != nil || ignoringBackoff {
      remaining = Set(
        ((try? store.outbox(limit: 1_000_000)) ?? []).filter {
          $0.status == .pending && $0.endpoint.hasPrefix(ForgeJob.endpointPrefix) && (ids?.contains($0.id) ?? true)
        }.map(\.key))
    }
    while deadline.map({ Date().timeIntervalSince(started) < $0 }) ?? true {
      let now = Int64(Date().timeIntervalSince1970)
      if let remaining, remaining.isEmpty { break }
      guard
        let due = try? store.claimDue(
          now: now, lease: lease, limit: 1, keys: remaining, ignoringBackoff: ignoringBackoff, forge: true),
        let entry = due.first
      else { break }
      remaining?.remove(entry.key)
      let ends = min(
        Date().addingTimeInterval(attemptBudget), deadline.map { started.addingTimeInterval($0) } ?? .distantFuture)
      send(entry, store: store, environment: environment, ends: ends, summary: &summary)
    }
    return summary
  }

  private func send(
    _ entry: OutboxEntry, store: MeasurementStore, environment: [String: String], ends: Date, summary: inout Summary
  ) {
    let now = Int64(Date().timeIntervalSince1970)
    let attempt = entry.attempts + 1
    var what = String(entry.endpoint.dropFirst(ForgeJob.endpointPrefix.count))
    guard let job = ForgeJob.decode(entry.body) else {
      try? store.finish(entry, status: .failed, httpStatus: nil, error: "unreadable job", nextAttemptAt: now, now: now)
      summary.failed += 1
      summary.lines.append("\(what): the outbox entry is not a forge job; not retried")
      return
    }
    what = "\(job.forge.name) \(job.repository) " + (job.pullRequest.map { "!\($0)" } ?? "@\(job.commit.prefix(12))")
    // A newer report for the same pull request was queued: this one must not overwrite it.
    if let newer = newerReport(than: entry, in: store) {
      try? store.finish(
        entry, status: .delivered, httpStatus: nil, error: "superseded by \(newer)", nextAttemptAt: now, now: now)
      summary.delivered += 1
      summary.lines.append("\(what): superseded by the newer report \(newer), not sent")
      return
    }
    let done: String
    do throws(ForgeFailure) {
      done = try deliver(job, environment: environment, ends: ends)
    } catch {
      failed(error, entry: entry, what: what, attempt: attempt, store: store, summary: &summary)
      return
    }
    try? store.finish(entry, status: .delivered, httpStatus: nil, error: nil, nextAttemptAt: now, now: now)
    summary.delivered += 1
    summary.lines.append("\(what): \(done)")
  }

  private func failed(
    _ failure: ForgeFailure, entry: OutboxEntry, what: String, attempt: Int, store: MeasurementStore,
    summary: inout Summary
  ) {
    let now = Int64(Date().timeIntervalSince1970)
    switch failure {
    case .retry(let message, let status, let after):
      let last = attempt >= Self.maxAttempts
      let wait = after ?? Self.backoff(attempt: attempt)
      try? store.finish(
        entry, status: last ? .failed : .pending, httpStatus: status, error: message, nextAttemptAt: now + Int64(wait),
        now: now)
      if last { summary.failed += 1 } else { summary.retrying += 1 }
      summary.lines.append(
        "\(what): \(message)" + (last ? "; gave up after \(attempt) attempts" : "; will retry in \(Int(wait)) s"))
    case .fatal(let message, let status):
      try? store.finish(entry, status: .failed, httpStatus: status, error: message, nextAttemptAt: now, now: now)
      summary.failed += 1
      summary.lines.append("\(what): \(message); not retried")
    }
  }

  /// The id of a report queued later for the same pull request (or commit), if any.
  func newerReport(than entry: OutboxEntry, in store: MeasurementStore) -> String? {
    let entries = (try? store.outbox(limit: 1_000)) ?? []
    return entries.first {
      $0.endpoint == entry.endpoint && $0.createdAt > entry.createdAt && $0.status != .failed
    }?.id
  }

  /// One job: the pull request (found by its head commit when not known), the sticky
  /// comment, then the commit status. Every step is idempotent, so a retry redoes it all.
  public func deliver(_ job: ForgeJob, environment: [String: String], ends: Date = .distantFuture)
    throws(ForgeFailure) -> String
  {
    guard let token = environment[job.tokenEnv], !token.isEmpty else {
      throw .retry("the token is missing: set the environment variable \(job.tokenEnv)", status: nil, after: nil)
    }
    let client = ForgeClient(
      api: ForgeAPI(job: job), token: token, timeout: timeout, connectTimeout: connectTimeout, ends: ends)
    var done: [String] = []
    if let comment = job.comment {
      let number: Int
      if let known = job.pullRequest { number = known } else { number = try findPullRequest(client, sha: job.commit) }
      let outcome = try StickyComment(client: client).deliver(comment, marker: job.marker, pullRequest: number)
      let said =
        switch outcome {
        case .created: "comment created on !\(number)"
        case .updated: "comment updated on !\(number)"
        case .unchanged: "comment on !\(number) already up to date"
        }
      done.append(said)
    }
    if let status = job.status {
      _ = try client.call(
        "POST", client.api.status(job.commit), body: client.api.statusBody(status),
        what: "set the status of \(job.commit.prefix(12))")
      done.append("status \(status.state.rawValue) on \(job.commit.prefix(12))")
    }
    return done.joined(separator: ", ")
  }

  /// The fork pattern's second workflow knows the head commit, not the pull request
  /// (`workflow_run.pull_requests` is empty for forks).
  func findPullRequest(_ client: ForgeClient, sha: String) throws(ForgeFailure) -> Int {
    var url: String? = client.api.pullRequests(of: sha)
    while let next = url {
      let answer = try client.call("GET", next, what: "find the pull request of \(sha.prefix(12))")
      if let number = client.api.parsePullRequest(answer.body, sha: sha) { return number }
      url = LinkHeader.next(answer.headers["link"])
    }
    throw .fatal(
      "no open pull request of \(client.api.job.repository) has the head commit \(sha.prefix(12)): "
        + "set SIZEBUDGET_PULL_REQUEST, or check that the report is of the pull request's head", status: nil)
  }

  static func backoff(attempt: Int) -> Double {
    min(10 * pow(2, Double(attempt - 1)), 6 * 3600) * Double.random(in: 0.8...1.2)
  }
}
