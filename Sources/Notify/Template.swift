import Foundation

/// The request a receiver gets: the body (the envelope, or a template filled from it)
/// and the headers, with `${NAME}` taken from the environment when sending — never
/// stored, never printed.
public enum RequestShape {
  /// `{"body": {{comment}}}` → each `{{path}}` replaced by the JSON value at that
  /// path of the event (`data.` may be left out: `{{comment}}` is `data.comment`).
  public static func body(template: String?, event: String) throws(NotifyError) -> String {
    guard let template else { return event }
    guard let root = (try? JSONSerialization.jsonObject(with: Data(event.utf8))) as? [String: Any] else {
      throw NotifyError("the event is not a JSON object")
    }
    var out = ""
    var rest = Substring(template)
    while let open = rest.range(of: "{{") {
      out += rest[..<open.lowerBound]
      guard let close = rest[open.upperBound...].range(of: "}}") else {
        throw NotifyError("the body template has a {{ without its }}")
      }
      let path = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
      guard let value = lookup(path, in: root) else {
        throw NotifyError("the body template names {{\(path)}}, which the \(root["type"] ?? "") event does not have")
      }
      out += json(value)
      rest = rest[close.upperBound...]
    }
    return out + rest
  }

  static func lookup(_ path: String, in root: [String: Any]) -> Any? {
    func walk(_ parts: [Substring], _ value: Any) -> Any? {
      guard let first = parts.first else { return value }
      guard let object = value as? [String: Any], let next = object[String(first)] else { return nil }
      return walk(Array(parts.dropFirst()), next)
    }
    let parts = path.split(separator: ".")
    return walk(parts, root) ?? (root["data"].flatMap { walk(parts, $0) })
  }

  static func json(_ value: Any) -> String {
    if let data = try? JSONSerialization.data(
      withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes])
    {
      return String(decoding: data, as: UTF8.self)
    }
    return "null"
  }

  /// `Bearer ${GITHUB_TOKEN}` (a header) or `…/issues/${PR_NUMBER}/comments` (a
  /// webhook URL) with the variables' values; a missing variable is an error that
  /// names it (and never shows a value).
  public static func expand(_ value: String, environment: [String: String]) throws(NotifyError) -> String {
    var out = ""
    var rest = Substring(value)
    while let open = rest.range(of: "${") {
      out += rest[..<open.lowerBound]
      guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
        throw NotifyError("\"\(value.prefix(80))\" has ${ without its }")
      }
      let name = String(rest[open.upperBound..<close])
      guard let variable = environment[name], !variable.isEmpty else {
        throw NotifyError("[notify] needs the environment variable \(name), which is not set")
      }
      out += variable
      rest = rest[rest.index(after: close)...]
    }
    return out + rest
  }
}
