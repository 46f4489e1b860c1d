import SystemCalls

/// A URL taken apart just enough to judge it: scheme, user information, host, port,
/// and whether it has a query. The one place that decides whether a host is loopback
/// and how a URL is shown in messages, the outbox and logs (tokens hide in the user
/// information and the query).
public struct Endpoint: Sendable, Equatable {
  public var scheme: String
  /// `user:secret` of `scheme://user:secret@host`, nil without an `@`.
  public var userInfo: String?
  /// The host without brackets (`::1`, not `[::1]`).
  public var host: String
  public var port: Int?
  /// Everything between `://` and the path: user information, host and port.
  public var authority: String
  public var hasPassword: Bool { userInfo?.contains(":") ?? false }

  /// nil when `text` is not `scheme://authority…` or has no host.
  public init?(_ text: String) {
    guard let colon = text.firstIndex(of: ":"), text[colon...].hasPrefix("://") else { return nil }
    scheme = text[..<colon].lowercased()
    let rest = text[text.index(colon, offsetBy: 3)...]
    var hostAndPort = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    authority = String(hostAndPort)
    userInfo = nil
    if let at = hostAndPort.lastIndex(of: "@") {
      userInfo = String(hostAndPort[..<at])
      hostAndPort = hostAndPort[hostAndPort.index(after: at)...]
    }
    var portText: Substring = ""
    if hostAndPort.hasPrefix("[") {
      guard let close = hostAndPort.firstIndex(of: "]") else { return nil }
      host = String(hostAndPort[hostAndPort.index(after: hostAndPort.startIndex)..<close])
      portText = hostAndPort[hostAndPort.index(after: close)...].drop { $0 == ":" }
    } else {
      host = String(hostAndPort.prefix { $0 != ":" })
      portText = hostAndPort.drop { $0 != ":" }.dropFirst()
    }
    port = portText.isEmpty ? nil : Int(portText)
    guard !scheme.isEmpty, !host.isEmpty else { return nil }
  }

  public var isLoopback: Bool { Self.isLoopback(host: host) }

  /// `localhost`, 127.0.0.0/8 (in any form inet_aton reads: `127.1`, `0x7f.0.0.1`),
  /// `::1` and IPv4-mapped `::ffff:127.x.y.z`, decided on the parsed address, never
  /// by a prefix of the text: `127.0.0.1.evil.example` is not loopback. A name that
  /// merely resolves to a loopback address is not either (DNS can change its mind).
  public static func isLoopback(host: String) -> Bool {
    var name = host.lowercased()
    if name.hasPrefix("[") && name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
    if name.hasSuffix(".") { name.removeLast() }
    if name == "localhost" { return true }
    var v4 = in_addr()
    // inet_aton also takes `127.1` and hex or octal parts; all digits and dots (or
    // x for hex) are required first so that a name like `127.example` never passes.
    if name.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == "x" }), inet_aton(name, &v4) != 0 {
      return UInt32(bigEndian: v4.s_addr) >> 24 == 127
    }
    var v6 = in6_addr()
    guard inet_pton(AF_INET6, name, &v6) == 1 else { return false }
    let bytes = withUnsafeBytes(of: v6) { Array($0) }
    if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }
    let mapped = bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff
    return mapped && bytes[12] == 127
  }

  /// The URL as messages, the outbox listing and logs show it: the user information
  /// (a user name alone may be a token) as `***`, each query value as `***`.
  /// `https://tok@host/p?a=1&b` → `https://***@host/p?a=***&b`. Text that is not a
  /// URL is returned unchanged.
  public static func redacted(_ url: String) -> String {
    guard let colon = url.firstIndex(of: ":"), url[colon...].hasPrefix("://") else { return url }
    let start = url.index(colon, offsetBy: 3)
    var out = String(url[..<start])
    var rest = url[start...]
    let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
    if let at = rest[..<authorityEnd].lastIndex(of: "@") {
      out += "***"
      rest = rest[at...]
    }
    guard let question = rest.firstIndex(of: "?") else { return out + rest }
    out += rest[...question]
    let query = rest[rest.index(after: question)...].prefix { $0 != "#" }
    out += query.split(separator: "&", omittingEmptySubsequences: false).map { part in
      guard let equals = part.firstIndex(of: "=") else { return String(part) }
      return String(part[...equals]) + "***"
    }.joined(separator: "&")
    return out
  }

  /// The URL without user information or query, for names derived from it (a ref
  /// name, say): `https://***@host/p`.
  public static func withoutQuery(_ url: String) -> String {
    let shown = redacted(url)
    guard let question = shown.firstIndex(of: "?") else { return shown }
    return String(shown[..<question])
  }

  /// Every occurrence of `url`'s secrets (its user information and query) in `text`
  /// (another program's message that may repeat the URL) replaced by `***`.
  public static func scrubbed(_ text: String, of url: String) -> String {
    guard let endpoint = Endpoint(url) else { return text }
    var text = text.replacing(url, with: redacted(url))
    if let userInfo = endpoint.userInfo, !userInfo.isEmpty { text = text.replacing(userInfo, with: "***") }
    if let question = url.firstIndex(of: "?") {
      let query = String(url[url.index(after: question)...])
      if !query.isEmpty {
        text = text.replacing(query, with: redacted(url).split(separator: "?").last.map(String.init) ?? "***")
      }
    }
    return text
  }
}
