import SystemCalls

/// What a piece of output means; the terminal decides how it looks.
public enum Style: Sendable {
  case plain, bold, dim, good, warning, bad
}

/// Colour only on a terminal, never with `NO_COLOR` set or `TERM=dumb`.
public struct TerminalStyle: Sendable {
  public var colors: Bool

  public static let plain = TerminalStyle(colors: false)

  public init(colors: Bool) { self.colors = colors }

  /// For a file descriptor (1 for standard output, 2 for standard error).
  public static func forDescriptor(_ descriptor: Int32) -> TerminalStyle {
    let environment = { (name: String) in getenv(name).map { String(cString: $0) } }
    let noColor = environment("NO_COLOR").map { !$0.isEmpty } ?? false
    let dumb = environment("TERM") == "dumb"
    return TerminalStyle(colors: isatty(descriptor) == 1 && !noColor && !dumb)
  }

  public func apply(_ style: Style, _ text: String) -> String {
    guard colors, style != .plain else { return text }
    let code =
      switch style {
      case .plain: ""
      case .bold: "1"
      case .dim: "2"
      case .good: "32"
      case .warning: "33"
      case .bad: "1;31"
      }
    return "\u{1B}[\(code)m\(text)\u{1B}[0m"
  }
}
