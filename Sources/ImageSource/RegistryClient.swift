import ArchiveIO
import Delivery
import Endpoints
import Foundation
import Model
import SystemCalls

/// Talks to a registry's Distribution API v2: anonymous, basic, or the bearer-token
/// dance of `WWW-Authenticate`, with retries on 429 and 5xx. Plain HTTP only for a
/// loopback registry or with `insecure`.
final class RegistryClient: @unchecked Sendable {
  let reference: RegistryReference
  let base: String
  private let credentials: (user: String, password: String)?
  private let lock = NSLock()
  private var authorization: String?

  init(_ reference: RegistryReference, insecure: Bool, environment: [String: String]) {
    self.reference = reference
    base = (reference.isLoopback || insecure ? "http://" : "https://") + reference.apiHost
    credentials = Self.credentials(for: reference.host, environment: environment)
  }

  var currentAuthorization: String? { lock.withLock { authorization } }

  /// Where the registry serves a blob (it may redirect from there).
  func blobURL(_ digest: String) -> String { base + "/v2/\(reference.repository)/blobs/\(digest)" }

  /// GET a path under /v2/, authenticating and retrying as needed.
  func get(_ path: String, accept: [String] = [], limit: Int = 16 << 20) throws(ImageSourceError) -> HTTPResponse {
    var attempt = 0
    var authenticated = false
    while true {
      attempt += 1
      var headers = accept.isEmpty ? [] : ["Accept: " + accept.joined(separator: ", ")]
      if let authorization = currentAuthorization { headers.append("Authorization: \(authorization)") }
      let response: HTTPResponse
      do {
        response = try HTTPClient.get(base + path, headers: headers, limit: limit)
      } catch {
        if attempt < 3 && error.kind != .tls {
          Thread.sleep(forTimeInterval: 0.5 * Double(attempt))
          continue
        }
        throw ImageSourceError(
          "\(reference): \(error.message)", unreachable: error.isTransient ? "the registry \(reference.host)" : nil)
      }
      switch response.status {
      case 200..<300:
        return response
      case 301, 302, 303, 307, 308:
        return try follow(response, accept: accept, limit: limit)
      case 401 where !authenticated:
        try authenticate(response)
        authenticated = true
      case 429 where attempt < 3, 500..<600 where attempt < 3:
        Thread.sleep(forTimeInterval: min(10, response.retryAfter ?? 0.5 * Double(attempt)))
      default:
        throw problem(response, path: path)
      }
    }
  }

  /// A redirect (blobs to object storage): followed up to 5 times, with the
  /// Authorization header only to the registry's own host.
  private func follow(_ first: HTTPResponse, accept: [String], limit: Int) throws(ImageSourceError) -> HTTPResponse {
    var response = first
    for _ in 0..<5 {
      guard let location = response.headers["location"] else {
        throw ImageSourceError("\(reference): a redirect without a Location")
      }
      let url = location.hasPrefix("http") ? location : base + location
      var headers = accept.isEmpty ? [] : ["Accept: " + accept.joined(separator: ", ")]
      if url.hasPrefix(base + "/"), let authorization = currentAuthorization {
        headers.append("Authorization: \(authorization)")
      }
      do {
        response = try HTTPClient.get(url, headers: headers, limit: limit)
      } catch {
        throw ImageSourceError("\(reference): following a redirect to \(Endpoint.redacted(url)): \(error.message)")
      }
      if !(300..<400).contains(response.status) {
        guard (200..<300).contains(response.status) else { throw problem(response, path: url) }
        return response
      }
    }
    throw ImageSourceError("\(reference): too many redirects")
  }

  /// Answers a 401: a bearer token from the realm it names, or basic credentials.
  func authenticate(_ challenge: HTTPResponse) throws(ImageSourceError) {
    let header = challenge.headers["www-authenticate"] ?? ""
    if header.lowercased().hasPrefix("bearer") {
      let parameters = Self.challengeParameters(String(header.dropFirst(6)))
      guard let realm = parameters["realm"] else {
        throw ImageSourceError("\(reference): the registry asks for a token but names no realm")
      }
      var query: [String] = []
      if let service = parameters["service"] { query.append("service=\(Self.encode(service))") }
      query.append("scope=\(Self.encode(parameters["scope"] ?? "repository:\(reference.repository):pull"))")
      var headers: [String] = []
      if let credentials { headers.append("Authorization: Basic \(Self.basic(credentials))") }
      let url = realm + (realm.contains("?") ? "&" : "?") + query.joined(separator: "&")
      let answer: HTTPResponse
      do {
        answer = try HTTPClient.get(url, headers: headers, limit: 1 << 20)
      } catch {
        throw ImageSourceError("\(reference): cannot get a token from \(Endpoint.redacted(realm)): \(error.message)")
      }
      guard answer.status == 200,
        let object = try? JSONSerialization.jsonObject(with: Data(answer.bodyPrefix)) as? [String: Any],
        let token = (object["token"] as? String) ?? (object["access_token"] as? String)
      else {
        throw ImageSourceError(
          "\(reference): the token service \(Endpoint.redacted(realm)) refused (HTTP \(answer.status))"
            + (credentials == nil
              ? ": set SIZEBUDGET_REGISTRY_USER and SIZEBUDGET_REGISTRY_PASSWORD, or docker login"
              : ": check the credentials"))
      }
      lock.withLock { authorization = "Bearer \(token)" }
    } else if header.lowercased().hasPrefix("basic") {
      guard let credentials else {
        throw ImageSourceError(
          "\(reference): the registry needs a user and password: set SIZEBUDGET_REGISTRY_USER and SIZEBUDGET_REGISTRY_PASSWORD, or docker login \(reference.host)"
        )
      }
      lock.withLock { authorization = "Basic \(Self.basic(credentials))" }
    } else {
      throw ImageSourceError("\(reference): HTTP 401 without a challenge this client knows (\(header))")
    }
  }

  func problem(_ response: HTTPResponse, path: String) -> ImageSourceError {
    let what = path.contains("/manifests/") ? "\(reference.repository):\(reference.reference)" : reference.repository
    switch response.status {
    case 401:
      return ImageSourceError(
        "\(reference): not authorized to pull \(what): check SIZEBUDGET_REGISTRY_USER/_PASSWORD or docker login")
    case 403: return ImageSourceError("\(reference): access to \(what) is denied (HTTP 403)")
    case 404:
      return ImageSourceError(
        path.contains("/manifests/")
          ? "\(reference): no such repository or tag: \(what) (HTTP 404)"
          : "\(reference): a blob the manifest names is not in \(reference.repository) (HTTP 404)")
    default:
      let text = String(decoding: response.bodyPrefix.prefix(200), as: UTF8.self)
      // 429 and 5xx were already retried: the registry is overloaded or down, not wrong.
      let busy = response.status == 429 || (500..<600).contains(response.status)
      return ImageSourceError(
        "\(reference): HTTP \(response.status) for \(path): \(text)",
        unreachable: busy ? "the registry \(reference.host)" : nil)
    }
  }

  /// `realm="…",service="…",scope="…"`.
  static func challengeParameters(_ text: String) -> [String: String] {
    var parameters: [String: String] = [:]
    var rest = Substring(text)
    while let equals = rest.firstIndex(of: "=") {
      let key = rest[..<equals].trimmingCharacters(in: CharacterSet(charactersIn: " ,")).lowercased()
      rest = rest[rest.index(after: equals)...]
      var value = ""
      if rest.first == "\"" {
        rest = rest.dropFirst()
        let end = rest.firstIndex(of: "\"") ?? rest.endIndex
        value = String(rest[..<end])
        rest = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[end...]
      } else {
        let end = rest.firstIndex(of: ",") ?? rest.endIndex
        value = String(rest[..<end])
        rest = rest[end...]
      }
      parameters[key] = value
    }
    return parameters
  }

  static func encode(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
  }

  static func basic(_ credentials: (user: String, password: String)) -> String {
    Data("\(credentials.user):\(credentials.password)".utf8).base64EncodedString()
  }

  /// `SIZEBUDGET_REGISTRY_USER`/`_PASSWORD`, else `auths` of ~/.docker/config.json.
  static func credentials(for host: String, environment: [String: String]) -> (user: String, password: String)? {
    if let user = environment["SIZEBUDGET_REGISTRY_USER"], let password = environment["SIZEBUDGET_REGISTRY_PASSWORD"] {
      return (user, password)
    }
    let home = environment["HOME"] ?? NSHomeDirectory()
    let path = environment["DOCKER_CONFIG"].map { $0 + "/config.json" } ?? home + "/.docker/config.json"
    guard let data = FileManager.default.contents(atPath: path),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let auths = object["auths"] as? [String: Any]
    else { return nil }
    // docker login stores Docker Hub's under its old index address.
    let hub = host == DockerReference.dockerHub ? ["https://index.docker.io/v1/"] : []
    for key in [host, "https://\(host)", "http://\(host)", "https://\(host)/v2/", "https://\(host)/v1/"] + hub {
      guard let entry = auths[key] as? [String: Any], let auth = entry["auth"] as? String,
        let decoded = Data(base64Encoded: auth).map({ String(decoding: $0, as: UTF8.self) }),
        let colon = decoded.firstIndex(of: ":")
      else { continue }
      return (String(decoded[..<colon]), String(decoded[decoded.index(after: colon)...]))
    }
    return nil
  }
}

/// A layer blob streamed from the registry as it is read (`DownloadStream`): redirects
/// (to object storage) are followed, and the Authorization header goes only to the
/// registry's own host.
final class RegistryBlobStream: ByteStream {
  private let client: RegistryClient
  private let digest: String
  private var download: DownloadStream
  private var redirects = 0
  private var reauthenticated = false

  init(client: RegistryClient, digest: String) throws {
    self.client = client
    self.digest = digest
    download = try Self.download(client.blobURL(digest), authorization: client.currentAuthorization, of: digest)
  }

  private static func download(_ url: String, authorization: String?, of digest: String) throws -> DownloadStream {
    do {
      return try DownloadStream(url, headers: authorization.map { ["Authorization: \($0)"] } ?? [])
    } catch {
      throw ArchiveError("downloading \(digest): \(error.message)")
    }
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    while true {
      let got = download.read(into: buffer)
      if got > 0 { return got }
      guard let outcome = download.outcome else { return 0 }  // an empty buffer
      if let error = outcome.error { throw ArchiveError("downloading \(digest): \(error.message)") }
      switch outcome.status {
      case 200..<300:
        return 0
      case 301, 302, 303, 307, 308:
        guard redirects < 5, let location = outcome.headers["location"] else {
          throw ArchiveError("downloading \(digest): too many redirects")
        }
        redirects += 1
        let absolute = location.hasPrefix("http") ? location : client.base + location
        let authorized = absolute.hasPrefix(client.base + "/")
        download = try Self.download(
          absolute, authorization: authorized ? client.currentAuthorization : nil, of: digest)
      case 401 where !reauthenticated:
        reauthenticated = true
        try client.authenticate(HTTPResponse(status: 401, bodyPrefix: outcome.errorBody, headers: outcome.headers))
        download = try Self.download(
          client.blobURL(digest), authorization: client.currentAuthorization, of: digest)
      default:
        throw client.problem(
          HTTPResponse(status: outcome.status, bodyPrefix: outcome.errorBody, headers: outcome.headers),
          path: "/blobs/\(digest)")
      }
    }
  }

  func skip(_ count: Int64) throws { try discard(count) }
}
