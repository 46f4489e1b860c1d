/// The four kinds of TOML strings: basic and literal, each on one line or several.
extension Parser {
  private static let quote = UInt8(ascii: "\"")
  private static let apostrophe = UInt8(ascii: "'")
  private static let backslash = UInt8(ascii: "\\")

  /// `"…"` with escapes, on one line.
  mutating func parseBasicString() throws(TOMLError) -> String {
    offset += 1
    var out: [UInt8] = []
    while true {
      guard let byte = peek() else { throw error("the string is not closed: expected '\"' before the end of the file") }
      switch byte {
      case Self.quote:
        offset += 1
        return String(decoding: out, as: UTF8.self)
      case Self.backslash:
        try parseEscape(into: &out)
      case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
        throw error("the string is not closed: expected '\"' before the end of the line")
      default:
        try checkStringByte(byte)
        out.append(byte)
        offset += 1
      }
    }
  }

  /// `'…'`, taken as written, on one line.
  mutating func parseLiteralString() throws(TOMLError) -> String {
    offset += 1
    let start = offset
    while true {
      guard let byte = peek() else {
        throw error("the string is not closed: expected \"'\" before the end of the file")
      }
      switch byte {
      case Self.apostrophe:
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
        offset += 1
        return text
      case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
        throw error("the string is not closed: expected \"'\" before the end of the line")
      default:
        try checkStringByte(byte)
        offset += 1
      }
    }
  }

  /// `"""…"""`: escapes, newlines, and a backslash at a line's end joins lines.
  mutating func parseMultilineBasicString() throws(TOMLError) -> String {
    offset += 3
    _ = try consumeNewline()  // a newline right after the opening delimiter is trimmed
    var out: [UInt8] = []
    while true {
      guard let byte = peek() else {
        throw error("the multi-line string is not closed: expected '\"\"\"' before the end of the file")
      }
      switch byte {
      case Self.quote:
        if try closeMultiline(Self.quote, into: &out) { return String(decoding: out, as: UTF8.self) }
      case Self.backslash:
        if try skipLineEndingBackslash() { continue }
        try parseEscape(into: &out)
      case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
        _ = try consumeNewline()
        out.append(UInt8(ascii: "\n"))
      default:
        try checkStringByte(byte)
        out.append(byte)
        offset += 1
      }
    }
  }

  /// `'''…'''`: taken as written, newlines included.
  mutating func parseMultilineLiteralString() throws(TOMLError) -> String {
    offset += 3
    _ = try consumeNewline()
    var out: [UInt8] = []
    while true {
      guard let byte = peek() else {
        throw error("the multi-line string is not closed: expected \"'''\" before the end of the file")
      }
      switch byte {
      case Self.apostrophe:
        if try closeMultiline(Self.apostrophe, into: &out) { return String(decoding: out, as: UTF8.self) }
      case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
        _ = try consumeNewline()
        out.append(UInt8(ascii: "\n"))
      default:
        try checkStringByte(byte)
        out.append(byte)
        offset += 1
      }
    }
  }

  /// At a run of delimiter characters: three or more close the string, and up to two
  /// before them belong to its content (`""""` is one quote, then the end).
  private mutating func closeMultiline(_ delimiter: UInt8, into out: inout [UInt8]) throws(TOMLError) -> Bool {
    var run = 0
    while peek(run) == delimiter { run += 1 }
    if run < 3 {
      out.append(contentsOf: repeatElement(delimiter, count: run))
      offset += run
      return false
    }
    if run > 5 {
      throw error(
        "too many quotes: a multi-line string may end with at most two quotes before its closing delimiter",
        at: offset + 5)
    }
    out.append(contentsOf: repeatElement(delimiter, count: run - 3))
    offset += run
    return true
  }

  /// A backslash followed only by whitespace up to the end of the line removes that
  /// newline and all whitespace after it.
  private mutating func skipLineEndingBackslash() throws(TOMLError) -> Bool {
    var ahead = 1
    while let byte = peek(ahead), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { ahead += 1 }
    guard
      peek(ahead) == UInt8(ascii: "\n") || (peek(ahead) == UInt8(ascii: "\r") && peek(ahead + 1) == UInt8(ascii: "\n"))
    else { return false }
    offset += ahead
    while true {
      skipWhitespace()
      if try !consumeNewline() { return true }
    }
  }

  private mutating func parseEscape(into out: inout [UInt8]) throws(TOMLError) {
    let start = offset
    guard let kind = peek(1) else { throw error("the string ends inside an escape sequence") }
    offset += 2
    switch kind {
    case UInt8(ascii: "b"): out.append(0x08)
    case UInt8(ascii: "t"): out.append(0x09)
    case UInt8(ascii: "n"): out.append(0x0A)
    case UInt8(ascii: "f"): out.append(0x0C)
    case UInt8(ascii: "r"): out.append(0x0D)
    case Self.quote: out.append(Self.quote)
    case Self.backslash: out.append(Self.backslash)
    case UInt8(ascii: "u"): try appendUnicodeEscape(digits: 4, from: start, into: &out)
    case UInt8(ascii: "U"): try appendUnicodeEscape(digits: 8, from: start, into: &out)
    default:
      throw error(
        "invalid escape sequence \\\(describeEscape(kind)): use \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX or \\UXXXXXXXX",
        at: start)
    }
  }

  private func describeEscape(_ byte: UInt8) -> String {
    (0x21...0x7E).contains(byte) ? String(Character(Unicode.Scalar(byte))) : "followed by \(describe(byte))"
  }

  private mutating func appendUnicodeEscape(digits: Int, from start: Int, into out: inout [UInt8]) throws(TOMLError) {
    var code: UInt32 = 0
    for _ in 0..<digits {
      guard let byte = peek(), let digit = hexValue(byte) else {
        throw error("\\\(digits == 4 ? "u" : "U") must be followed by \(digits) hexadecimal digits", at: start)
      }
      code = code << 4 | UInt32(digit)
      offset += 1
    }
    guard let scalar = Unicode.Scalar(code) else {
      throw error(
        "escape \\\(digits == 4 ? "u" : "U") names U+\(String(code, radix: 16, uppercase: true)), which is not a Unicode scalar value",
        at: start)
    }
    out.append(contentsOf: Array(String(Character(scalar)).utf8))
  }

  private func checkStringByte(_ byte: UInt8) throws(TOMLError) {
    if isControl(byte) && byte != UInt8(ascii: "\t") {
      throw error("\(describe(byte)) is not allowed in a string; write it as an escape like \\u0001")
    }
  }
}

func hexValue(_ byte: UInt8) -> UInt8? {
  switch byte {
  case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
  case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
  case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
  default: nil
  }
}
