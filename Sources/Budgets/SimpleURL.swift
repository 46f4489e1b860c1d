/// Just enough URL parsing to validate budgets.toml without Foundation: scheme, host,
/// whether credentials were embedded.
struct SimpleURL {
  var scheme: String
  var host: String
  var hasUserInfo: Bool
  /// `user:secret@` rather than `user@`.
  var hasPassword: Bool
  /// Everything between `://` and the path: user info, host and port.
  var authority: String

  init?(_ text: String) {
    guard let colon = text.firstIndex(of: ":"), text[colon...].hasPrefix("://") else { return nil }
    scheme = text[..<colon].lowercased()
    let rest = text[text.index(colon, offsetBy: 3)...]
    var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    self.authority = String(authority)
    hasUserInfo = authority.contains("@")
    hasPassword = authority.lastIndex(of: "@").map { authority[..<$0].contains(":") } ?? false
    if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
    if authority.hasPrefix("[") {
      host = String(authority.dropFirst().prefix { $0 != "]" })
    } else {
      host = String(authority.prefix { $0 != ":" })
    }
    guard !scheme.isEmpty, !host.isEmpty else { return nil }
  }

  var isLoopback: Bool {
    host == "localhost" || host == "::1" || host.hasPrefix("127.")
  }
}
