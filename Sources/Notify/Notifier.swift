import Budgets
import Delivery
import Endpoints
import Foundation
import Store

/// Puts events in the outbox and delivers what is due, signed, with retries.
///
/// Retry schedule after a failed attempt n (1, 2, …): 10 s × 2^(n-1), at most 6 h,
/// ±20 % jitter (10 s, 20 s, 40 s, … 5 h 41 min, then every 6 h); `Retry-After` of a
/// 429 or 503 wins. A 2xx delivers; 408, 429, 5xx, a refused connection, a timeout or
/// a TLS failure retry; any other status fails the event at once, keeping the status
/// and the start of the response. After 20 attempts (about three days) an event fails.
public struct Notifier: Sendable {
  public static let maxAttempts = 20

  public var endpoints: [String]
  public var secretEnv: String?
  public var headers: [(name: String, value: String)]
  public var bodyTemplate: String?
  public var allowInsecure: Bool
  public var on: [EventKind]
  public var timeout: Double = 10
  public var connectTimeout: Double = 3

  public init(_ settings: NotifySettings) {
    endpoints = settings.webhooks.map(\.value)
    secretEnv = settings.secretEnv
    headers = settings.headers
    bodyTemplate = settings.body
    allowInsecure = settings.allowInsecure
    on = settings.on
  }

  /// Whether budgets.toml asks for this kind of event.
  public func wants(_ kind: Event.Kind) -> Bool {
    switch kind {
    case .violation: on.contains(.violation) || on.contains(.check)
    case .check: on.contains(.check)
    case .bisect: on.contains(.bisect)
    case .report: on.contains(.report)
    }
  }

  public func enqueue(_ event: Event, in store: MeasurementStore, now: Int64, environment: [String: String])
    throws(StoreError)
  {
    try store.enqueue(
      id: event.id, endpoints: queuedEndpoints(environment), type: event.kind.rawValue, body: event.body, now: now)
  }

  /// The webhook URLs as an event records them: `${NAME}` filled in when the event is
  /// queued, because it routes the event (the pull request a comment belongs to; a
  /// retry from a later job must not go to that job's). A variable not set yet is
  /// left for the sending attempt to fill in (and to name, when it is still unset).
  func queuedEndpoints(_ environment: [String: String]) -> [String] {
    endpoints.map { (try? RequestShape.expand($0, environment: environment)) ?? $0 }
  }

  public struct Summary: Sendable {
    public var delivered = 0
    public var retrying = 0
    public var failed = 0
    /// One line per attempt that did not deliver (no secrets in them).
    public var problems: [String] = []
  }

  /// Sends due events until none is left or `deadline` (seconds from now) passes.
  public func sendDue(
    _ store: MeasurementStore, environment: [String: String], deadline: Double? = nil, only ids: Set<String>? = nil,
    ignoringBackoff: Bool = false
  ) -> Summary {
    var summary = Summary()
    let started = Date()
    // One event is claimed at a time, for as long as one attempt can take: a sender
    // killed mid-send holds it no longer than that.
    let lease = Int64(timeout + connectTimeout + 5)
    // Ignoring the backoff, each pending row (event and endpoint) is tried once in
    // this run, not again and again as soon as it fails.
    let queued = queuedEndpoints(environment)
    var remaining = ids.map { ids in
      Set(ids.flatMap { id in queued.map { OutboxEntry.key(id: id, endpoint: $0) } })
    }
    if ignoringBackoff && ids == nil {
      remaining = Set(
        ((try? store.outbox(limit: 1_000_000)) ?? []).filter {
          $0.status == .pending && !$0.endpoint.hasPrefix("forge:")
        }.map(\.key))
    }
    while deadline.map({ Date().timeIntervalSince(started) < $0 }) ?? true {
      let now = Int64(Date().timeIntervalSince1970)
      if let remaining, remaining.isEmpty { break }
      guard
        let due = try? store.claimDue(
          now: now, lease: lease, limit: 1, keys: remaining, ignoringBackoff: ignoringBackoff, forge: false),
        !due.isEmpty
      else { break }
      if ignoringBackoff { for entry in due { remaining?.remove(entry.key) } }
      for entry in due {
        if let deadline, Date().timeIntervalSince(started) >= deadline {
          // Out of time: hand the claim back untouched.
          try? store.finish(
            entry, status: .pending, httpStatus: entry.lastStatus, error: entry.lastError,
            nextAttemptAt: entry.nextAttemptAt, now: now)
          continue
        }
        send(entry, store: store, environment: environment, summary: &summary)
      }
    }
    return summary
  }

  private func send(
    _ entry: OutboxEntry, store: MeasurementStore, environment: [String: String], summary: inout Summary
  ) {
    let now = Int64(Date().timeIntervalSince1970)
    let attempt = entry.attempts + 1
    func retry(_ message: String, status: Int? = nil, after: Double? = nil) {
      let last = attempt >= Self.maxAttempts
      let next = now + Int64(after ?? Self.backoff(attempt: attempt))
      try? store.finish(
        entry, status: last ? .failed : .pending, httpStatus: status, error: message, nextAttemptAt: next, now: now)
      if last { summary.failed += 1 } else { summary.retrying += 1 }
      summary.problems.append(
        "\(entry.id) to \(Endpoint.redacted(entry.endpoint)): \(message)"
          + (last ? "; gave up after \(attempt) attempts" : "; will retry in \(Int(Double(next - now))) s"))
    }
    let request: (url: String, body: String, headers: [String])
    do {
      request = try prepare(entry, environment: environment, now: now)
    } catch {
      retry(error.message)
      return
    }
    do {
      let response = try HTTPClient.post(
        request.url, body: Array(request.body.utf8), headers: request.headers, connectTimeout: connectTimeout,
        timeout: timeout)
      switch response.status {
      case 200..<300:
        try? store.finish(
          entry, status: .delivered, httpStatus: response.status, error: nil, nextAttemptAt: now, now: now)
        summary.delivered += 1
      case 408, 429, 500..<600:
        retry("HTTP \(response.status)", status: response.status, after: response.retryAfter)
      default:
        let text = String(decoding: response.bodyPrefix.prefix(300), as: UTF8.self)
        let message = "HTTP \(response.status): \(text)"
        try? store.finish(
          entry, status: .failed, httpStatus: response.status, error: message, nextAttemptAt: now, now: now)
        summary.failed += 1
        summary.problems.append("\(entry.id) to \(Endpoint.redacted(entry.endpoint)): \(message); not retried")
      }
    } catch {
      retry(error.message)
    }
  }

  /// The URL, body and headers of one attempt; the signature covers this attempt's
  /// time. `${NAME}` in the headers is read from the environment now (secrets are
  /// never stored); in the URL, only what was not set when the event was queued.
  func prepare(_ entry: OutboxEntry, environment: [String: String], now: Int64) throws(NotifyError)
    -> (url: String, body: String, headers: [String])
  {
    guard entry.endpoint.hasPrefix("https://") || allowInsecure || Endpoint(entry.endpoint)?.isLoopback == true else {
      throw NotifyError("plain http:// to a host that is not loopback needs allow_insecure = true")
    }
    let body = try RequestShape.body(template: bodyTemplate, event: entry.body)
    var headers = [
      "Content-Type: application/json", "User-Agent: sizebudget", "webhook-id: \(entry.id)",
      "webhook-timestamp: \(now)",
    ]
    if let secretEnv {
      guard let secret = environment[secretEnv], !secret.isEmpty else {
        throw NotifyError("the signing secret is missing: set the environment variable \(secretEnv)")
      }
      let key = try WebhookSignature.key(fromSecret: secret)
      headers.append("webhook-signature: \(WebhookSignature.sign(id: entry.id, timestamp: now, body: body, key: key))")
    }
    for header in self.headers {
      headers.append("\(header.name): \(try RequestShape.expand(header.value, environment: environment))")
    }
    return (try RequestShape.expand(entry.endpoint, environment: environment), body, headers)
  }

  static func backoff(attempt: Int) -> Double {
    let base = min(10 * pow(2, Double(attempt - 1)), 6 * 3600)
    return base * Double.random(in: 0.8...1.2)
  }

}
