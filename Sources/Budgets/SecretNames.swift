/// Which `${VARIABLES}` hold secrets. A webhook URL's variables are filled in when an
/// event is queued (right for `${PR_NUMBER}`), so the URL with its values is stored in
/// the outbox and listed by `notify --list`: secrets belong in headers, which are
/// filled in only when sending.
enum SecretNames {
  /// Words that name a credential, matched against the parts of a name split at `_`
  /// (`GITHUB_TOKEN`, `API_KEY`), and the first few also inside a part (`GHTOKEN`).
  static let words: Set<String> = [
    "TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASS", "PWD", "KEY", "APIKEY", "AUTH", "CREDENTIAL", "CREDENTIALS",
    "PAT", "COOKIE", "SESSION", "SIGNATURE", "SIG", "PRIVATE", "BEARER", "JWT",
  ]
  static let embedded = ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "APIKEY", "CREDENTIAL"]

  static func looksSecret(_ name: String) -> Bool {
    let upper = name.uppercased()
    let parts = upper.split(whereSeparator: { $0 == "_" || $0 == "-" }).map(String.init)
    return parts.contains(where: words.contains) || embedded.contains(where: upper.contains)
  }

  /// The names of `${NAME}` in `text`, in order.
  static func variables(in text: String) -> [String] {
    var names: [String] = []
    var rest = Substring(text)
    while let open = rest.firstRange(of: "${") {
      guard let close = rest[open.upperBound...].firstIndex(of: "}") else { break }
      names.append(String(rest[open.upperBound..<close]))
      rest = rest[rest.index(after: close)...]
    }
    return names
  }
}
