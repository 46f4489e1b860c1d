import Delivery
import Foundation

/// Why a forge delivery did not complete, and whether to try again.
public enum ForgeFailure: Error, Sendable {
  /// A rate limit, a server error or an unreachable forge: the outbox retries, after
  /// `after` seconds when the forge said how long.
  case retry(String, status: Int?, after: Double?)
  /// 401, 403, 404, 422…: retrying cannot help; the message says what to fix.
  case fatal(String, status: Int?)

  public var message: String {
    switch self {
    case .retry(let message, _, _), .fatal(let message, _): message
    }
  }
}

/// One forge, one token: requests with the forge's headers, answers sorted into done,
/// retry and fail. The token is read from the environment for each attempt and taken
/// out of every message.
struct ForgeClient {
  let api: ForgeAPI
  let token: String
  var timeout: Double = 10
  var connectTimeout: Double = 3
  /// When this attempt must be over: a job makes several calls, and the outbox's
  /// claim (and a command's time for sending) must outlast all of them.
  var ends: Date = .distantFuture

  struct Answer {
    var status: Int
    var body: [UInt8]
    var headers: [String: String]
  }

  /// `what` names the action for messages: "list the comments of !12".
  func call(_ method: String, _ url: String, body: [UInt8]? = nil, what: String, allow: Set<Int> = [])
    throws(ForgeFailure) -> Answer
  {
    let left = ends.timeIntervalSinceNow
    guard left > 0.2 else { throw .retry("out of time before it could \(what)", status: nil, after: nil) }
    let response: HTTPResponse
    do {
      response = try HTTPClient.request(
        method, url, body: body, headers: api.headers(token: token), connectTimeout: min(connectTimeout, left),
        timeout: min(timeout, left))
    } catch {
      throw .retry(clean("cannot \(what): \(error.message)"), status: nil, after: nil)
    }
    let answer = Answer(status: response.status, body: response.bodyPrefix, headers: response.headers)
    if (200..<300).contains(response.status) || allow.contains(response.status) { return answer }
    throw classify(answer, what: what)
  }

  func classify(_ answer: Answer, what: String, now: Double = Date().timeIntervalSince1970) -> ForgeFailure {
    let status = answer.status
    let said = String(decoding: answer.body.prefix(200), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
    let prefix = "\(api.forge.name) answered HTTP \(status) to \(what)"
    switch status {
    case 429, 408, 500..<600:
      return .retry(clean("\(prefix): \(said)"), status: status, after: Self.waitFor(answer.headers, now: now))
    case 403 where Self.isRateLimited(answer.headers):
      return .retry(clean("\(prefix): rate limited"), status: status, after: Self.waitFor(answer.headers, now: now))
    case 401:
      return .fatal(
        clean(
          "\(prefix): the token in \(api.job.tokenEnv) was refused (expired, revoked or not a token); set a valid one"),
        status: status)
    case 403:
      return .fatal(
        clean(
          "\(prefix): the token in \(api.job.tokenEnv) may not do that. A pull request from a fork gets a read-only "
            + "token: use the two-workflow pattern of docs/ci.md. Otherwise grant \(scopes)"), status: status)
    case 404:
      return .fatal(
        clean(
          "\(prefix): check the repository \"\(api.job.repository)\", the pull request number and the API URL "
            + "\(api.job.api), and that the token in \(api.job.tokenEnv) can see the repository"), status: status)
    default:
      return .fatal(clean("\(prefix): \(said)"), status: status)
    }
  }

  private var scopes: String {
    switch api.forge {
    case .github: "the token pull-requests: write and statuses: write (issues: write for comments)"
    case .gitlab:
      "a project access token with the api scope and the Reporter role or above (CI_JOB_TOKEN cannot comment)"
    case .gitea: "a token with write:issue and write:repository"
    }
  }

  /// GitHub says a 403 is a rate limit with `x-ratelimit-remaining: 0` or `retry-after`.
  static func isRateLimited(_ headers: [String: String]) -> Bool {
    headers["x-ratelimit-remaining"] == "0" || headers["retry-after"] != nil || headers["ratelimit-remaining"] == "0"
  }

  /// `Retry-After` (seconds), else the reset time (`x-ratelimit-reset` on GitHub and
  /// Gitea, `ratelimit-reset` on GitLab: Unix seconds) less now; at most an hour. A value
  /// that is not a finite number (`nan` survives min and max) counts as absent.
  static func waitFor(_ headers: [String: String], now: Double) -> Double? {
    if let seconds = HTTPResponse.number(headers["retry-after"]) { return min(max(seconds, 1), 3600) }
    for name in ["x-ratelimit-reset", "ratelimit-reset"] {
      if let reset = HTTPResponse.number(headers[name]) { return min(max(reset - now, 1), 3600) }
    }
    return nil
  }

  /// No message ever holds the token, whatever a server echoes back.
  func clean(_ message: String) -> String {
    token.count >= 4 ? message.replacingOccurrences(of: token, with: "***") : message
  }
}
