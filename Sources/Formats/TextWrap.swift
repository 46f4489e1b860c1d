import Foundation
import SystemCalls

/// Free text fitted to the terminal: a line wider than the width is broken between
/// words, its continuation lines indented under its text. A path, a command word or a
/// figure ("162 MB", "≈ 70.8 MB") is never cut: it moves whole to the next line, and
/// one longer than the width stays whole on a line of its own. Only text meant for a
/// person goes through it; the machine formats (json, markdown, github, junit, sarif)
/// never do. Tables fit themselves (`TextTable`), so their lines are already narrow.
public enum TextWrap {
  /// The width text fits for output on `descriptor`: `COLUMNS` when set, else the
  /// terminal's; nil (leave lines as they are) for a pipe or a file.
  public static func lineWidth(descriptor: Int32 = 1) -> Int? {
    descriptor == 1 ? TextTable.lineWidth : columns ?? Descriptors.terminalWidth(descriptor)
  }

  /// `COLUMNS`, when set to a usable width.
  static let columns: Int? = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init).flatMap {
    $0 >= 20 ? $0 : nil
  }

  /// Every line of `text` fitted to `width` (nil: unchanged).
  public static func fit(_ text: String, width: Int?) -> String {
    guard let width else { return text }
    return text.split(separator: "\n", omittingEmptySubsequences: false)
      .flatMap { wrap(String($0), width: width) }
      .joined(separator: "\n")
  }

  /// One line broken into lines of at most `width` visible columns where it can be.
  public static func wrap(_ line: String, width: Int) -> [String] {
    guard visibleWidth(line) > width else { return [line] }
    let (lead, words) = split(line)
    guard !words.isEmpty else { return [line] }
    let indent = String(repeating: " ", count: min(continuationIndent(lead: lead, first: words[0].text), width / 3))
    var lines: [String] = []
    var current = lead + words[0].text
    for word in words.dropFirst() {
      let gap = String(repeating: " ", count: word.gap)
      if visibleWidth(current) + word.gap + visibleWidth(word.text) <= width {
        current += gap + word.text
      } else {
        lines.append(current)
        current = indent + word.text
      }
    }
    lines.append(current)
    return lines
  }

  /// A word of a line and the spaces before it; figures are one word ("162 MB").
  struct Word {
    var gap: Int
    var text: String
  }

  /// The line's leading blanks (with any colour codes among them), and its words.
  static func split(_ line: String) -> (lead: String, words: [Word]) {
    var lead = ""
    var rest = Substring(line)
    while let first = rest.first, first == " " || first == "\u{1B}" {
      let taken = first == " " ? 1 : escapeLength(rest)
      lead += rest.prefix(taken)
      rest = rest.dropFirst(taken)
    }
    var words: [Word] = []
    var gap = 0
    for piece in rest.split(separator: " ", omittingEmptySubsequences: false) {
      guard !piece.isEmpty else {
        gap += 1
        continue
      }
      let text = String(piece)
      if let last = words.last, gap == 1, joins(last.text, text) {
        words[words.count - 1].text += " " + text
      } else {
        words.append(Word(gap: words.isEmpty ? 0 : gap, text: text))
      }
      gap = 1
    }
    return (lead, words)
  }

  /// Whether two words are one figure: a number and its unit ("162 MB", "+3 %"), or a
  /// sign that qualifies the number after it ("≈ 70.8 MB", "± 300 kB").
  static func joins(_ previous: String, _ next: String) -> Bool {
    let plain = strippingEscapes(previous)
    if ["≈", "±", "~"].contains(plain) { return true }
    guard plain.last?.isNumber == true else { return false }
    return units.contains(strippingEscapes(next).trimmingCharacters(in: CharacterSet(charactersIn: ",;:.)")))
  }

  static let units: Set<String> = [
    "B", "kB", "KB", "MB", "GB", "TB", "KiB", "MiB", "GiB", "TiB", "%", "s", "ms", "bytes",
  ]

  /// Continuation lines sit under the line's text: after its indentation and, for a
  /// list item ("1.", "-", "+", "✗", "!", "|"), after its marker; a line of prose with
  /// no marker gets two more spaces, so that its continuation reads as one.
  static func continuationIndent(lead: String, first: String) -> Int {
    let indent = visibleWidth(lead)
    let marker = strippingEscapes(first)
    let isMarker =
      !marker.isEmpty && visibleWidth(marker) <= 3 && !marker.contains(where: \.isLetter)
      && (!marker.contains(where: \.isNumber) || marker.hasSuffix("."))
    return isMarker ? indent + visibleWidth(marker) + 1 : indent + 2
  }

  /// Columns the line takes on a terminal: colour codes take none.
  public static func visibleWidth(_ text: String) -> Int { displayWidth(strippingEscapes(text)) }

  static func strippingEscapes(_ text: String) -> String {
    guard text.contains("\u{1B}") else { return text }
    var out = ""
    var rest = Substring(text)
    while let first = rest.first {
      if first == "\u{1B}" {
        rest = rest.dropFirst(escapeLength(rest))
      } else {
        out.append(first)
        rest = rest.dropFirst()
      }
    }
    return out
  }

  /// The length of the escape sequence at the start of `text` ("ESC [ 1 ; 3 1 m").
  static func escapeLength(_ text: Substring) -> Int {
    var length = 1
    var rest = text.dropFirst()
    guard rest.first == "[" else { return length }
    length += 1
    rest = rest.dropFirst()
    for character in rest {
      length += 1
      if character.isLetter { break }
    }
    return length
  }
}
