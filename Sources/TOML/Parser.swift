/// A single-pass TOML 1.0 parser over UTF-8 bytes.
///
/// It keeps the line and the offset where the line starts as it goes, so every key
/// and value gets its position without a second pass. Nesting of arrays and inline
/// tables is bounded so that no input can exhaust the stack.
struct Parser: ~Copyable {
  static let maxNesting = 128

  let bytes: UnsafeBufferPointer<UInt8>
  var offset = 0
  var line = 1
  var lineStart = 0

  init(bytes: UnsafeBufferPointer<UInt8>) {
    self.bytes = bytes
  }

  // MARK: Document

  mutating func parseDocument() throws(TOMLError) -> TOMLTable {
    try UTF8Validation.check(bytes)
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
      offset = 3
      lineStart = 3
    }
    let root = MutableTable(origin: .root, position: TOMLPosition(line: 1, column: 1))
    var current = root
    while true {
      skipWhitespace()
      guard let byte = peek() else { break }
      switch byte {
      case UInt8(ascii: "#"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
        break
      case UInt8(ascii: "["):
        current = try parseHeader(root: root)
      default:
        try parseKeyValue(into: current)
      }
      try expectEndOfLine()
    }
    return root.freeze()
  }

  /// `[table]` or `[[array-of-tables]]`.
  private mutating func parseHeader(root: MutableTable) throws(TOMLError) -> MutableTable {
    let position = here()
    offset += 1
    let isArray = peek() == UInt8(ascii: "[")
    if isArray { offset += 1 }
    skipWhitespace()
    let key = try parseKey()
    skipWhitespace()
    let closing = isArray ? "]]" : "]"
    guard peek() == UInt8(ascii: "]"), !isArray || peek(1) == UInt8(ascii: "]") else {
      throw error("expected '\(closing)' to close the table header [\(key.text)]")
    }
    offset += isArray ? 2 : 1
    return isArray
      ? try TableRules.appendTable(key, in: root, at: position)
      : try TableRules.defineTable(key, in: root, at: position)
  }

  private mutating func parseKeyValue(into table: MutableTable) throws(TOMLError) {
    let key = try parseKey()
    skipWhitespace()
    guard peek() == UInt8(ascii: "=") else {
      throw error("expected '=' after the key '\(key.text)'")
    }
    offset += 1
    skipWhitespace()
    let node = try parseValue(depth: 0)
    try TableRules.assign(node, to: key, in: table)
  }

  /// After a statement only whitespace and a comment may follow on the line.
  private mutating func expectEndOfLine() throws(TOMLError) {
    skipWhitespace()
    if peek() == UInt8(ascii: "#") { try skipComment() }
    guard let byte = peek() else { return }
    if try consumeNewline() { return }
    throw error("expected a new line or a comment, found \(describe(byte))")
  }

  // MARK: Keys

  mutating func parseKey() throws(TOMLError) -> DottedKey {
    var parts: [(name: String, position: TOMLPosition)] = []
    while true {
      let position = here()
      parts.append((try parseSimpleKey(), position))
      skipWhitespace()
      guard peek() == UInt8(ascii: ".") else { return DottedKey(parts: parts) }
      if parts.count >= Self.maxNesting {
        throw error("a dotted key may have at most \(Self.maxNesting) parts")
      }
      offset += 1
      skipWhitespace()
    }
  }

  private mutating func parseSimpleKey() throws(TOMLError) -> String {
    switch peek() {
    case UInt8(ascii: "\""):
      if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") {
        throw error("a key cannot be a multi-line string")
      }
      return try parseBasicString()
    case UInt8(ascii: "'"):
      if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") {
        throw error("a key cannot be a multi-line string")
      }
      return try parseLiteralString()
    case let byte? where isBareKeyByte(byte):
      let start = offset
      while let next = peek(), isBareKeyByte(next) { offset += 1 }
      return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
    case let byte?:
      throw error("expected a key (letters, digits, '_', '-', or a quoted string), found \(describe(byte))")
    case nil:
      throw error("expected a key, found the end of the file")
    }
  }

  // MARK: Values

  mutating func parseValue(depth: Int) throws(TOMLError) -> TOMLNode {
    let position = here()
    let start = offset
    guard let byte = peek() else {
      throw error("expected a value, found the end of the file")
    }
    let value: TOMLValue
    switch byte {
    case UInt8(ascii: "\""):
      let multiline = peek(1) == UInt8(ascii: "\"") && peek(2) == UInt8(ascii: "\"")
      value = .string(multiline ? try parseMultilineBasicString() : try parseBasicString())
    case UInt8(ascii: "'"):
      let multiline = peek(1) == UInt8(ascii: "'") && peek(2) == UInt8(ascii: "'")
      value = .string(multiline ? try parseMultilineLiteralString() : try parseLiteralString())
    case UInt8(ascii: "t"):
      try expectWord("true")
      value = .boolean(true)
    case UInt8(ascii: "f"):
      try expectWord("false")
      value = .boolean(false)
    case UInt8(ascii: "["):
      value = .array(try parseArray(depth: depth + 1))
    case UInt8(ascii: "{"):
      value = .table(try parseInlineTable(depth: depth + 1))
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"),
      UInt8(ascii: "i"), UInt8(ascii: "n"):
      value = try parseNumberOrDate()
    default:
      throw error(
        "expected a value (a string, number, boolean, date, array or inline table), found \(describe(byte))"
      )
    }
    return TOMLNode(value, at: position, span: start..<offset)
  }

  private mutating func expectWord(_ word: StaticString) throws(TOMLError) {
    let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
    for (index, byte) in expected.enumerated() where peek(index) != byte {
      throw error("expected a value; did you mean \(word)? (true and false are lower case, strings need quotes)")
    }
    offset += expected.count
  }

  private mutating func parseArray(depth: Int) throws(TOMLError) -> [TOMLNode] {
    try checkNesting(depth)
    let opened = here()
    offset += 1
    var elements: [TOMLNode] = []
    while true {
      try skipWhitespaceCommentsAndNewlines()
      if peek() == UInt8(ascii: "]") {
        offset += 1
        return elements
      }
      elements.append(try parseValue(depth: depth))
      try skipWhitespaceCommentsAndNewlines()
      switch peek() {
      case UInt8(ascii: ","): offset += 1
      case UInt8(ascii: "]"):
        offset += 1
        return elements
      case let byte?: throw error("expected ',' or ']' in the array, found \(describe(byte))")
      case nil: throw error("the array opened at \(opened) is not closed: expected ']' before the end of the file")
      }
    }
  }

  /// `{ a = 1, b.c = 2 }`: on one line, no trailing comma, fully defined once closed.
  private mutating func parseInlineTable(depth: Int) throws(TOMLError) -> TOMLTable {
    try checkNesting(depth)
    let table = MutableTable(origin: .root, position: here())
    offset += 1
    skipWhitespace()
    if peek() == UInt8(ascii: "}") {
      offset += 1
      return table.freeze()
    }
    while true {
      skipWhitespace()
      if peek() == UInt8(ascii: "}") { throw error("a trailing comma is not allowed in an inline table") }
      if peek() == nil || peek() == UInt8(ascii: "\n") || peek() == UInt8(ascii: "\r") {
        throw error("an inline table must be on one line: expected a key and '}' before the line ends")
      }
      let key = try parseKey()
      skipWhitespace()
      guard peek() == UInt8(ascii: "=") else { throw error("expected '=' after the key '\(key.text)'") }
      offset += 1
      skipWhitespace()
      let node = try parseValue(depth: depth)
      try TableRules.assign(node, to: key, in: table)
      skipWhitespace()
      switch peek() {
      case UInt8(ascii: ","): offset += 1
      case UInt8(ascii: "}"):
        offset += 1
        return table.freeze()
      case UInt8(ascii: "\n"), UInt8(ascii: "\r"), nil:
        throw error("an inline table must be on one line: expected ',' or '}' before the line ends")
      case let byte?:
        throw error("expected ',' or '}' in the inline table, found \(describe(byte))")
      }
    }
  }

  private func checkNesting(_ depth: Int) throws(TOMLError) {
    if depth > Self.maxNesting {
      throw error("arrays and inline tables are nested more than \(Self.maxNesting) levels deep")
    }
  }

  // MARK: Whitespace, comments, newlines

  mutating func skipWhitespace() {
    while let byte = peek(), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { offset += 1 }
  }

  private mutating func skipWhitespaceCommentsAndNewlines() throws(TOMLError) {
    while true {
      skipWhitespace()
      if peek() == UInt8(ascii: "#") { try skipComment() }
      if try !consumeNewline() { return }
    }
  }

  /// A comment runs to the end of the line and may hold any character but controls.
  private mutating func skipComment() throws(TOMLError) {
    offset += 1
    while let byte = peek() {
      if byte == UInt8(ascii: "\n") || (byte == UInt8(ascii: "\r") && peek(1) == UInt8(ascii: "\n")) { return }
      if isControl(byte) && byte != UInt8(ascii: "\t") {
        throw error("\(describe(byte)) is not allowed in a comment")
      }
      offset += 1
    }
  }

  /// Consumes `\n` or `\r\n` and moves to the next line; a lone `\r` is an error.
  mutating func consumeNewline() throws(TOMLError) -> Bool {
    switch peek() {
    case UInt8(ascii: "\n"):
      offset += 1
    case UInt8(ascii: "\r"):
      guard peek(1) == UInt8(ascii: "\n") else {
        throw error("a carriage return must be followed by a line feed")
      }
      offset += 2
    default:
      return false
    }
    line += 1
    lineStart = offset
    return true
  }

  // MARK: Helpers

  func peek(_ ahead: Int = 0) -> UInt8? {
    let index = offset + ahead
    return index < bytes.count ? bytes[index] : nil
  }

  /// The position of the current offset.
  func here() -> TOMLPosition { position(of: offset) }

  func position(of index: Int) -> TOMLPosition {
    var column = 1
    var cursor = lineStart
    while cursor < index && cursor < bytes.count {
      if bytes[cursor] & 0xC0 != 0x80 { column += 1 }
      cursor += 1
    }
    return TOMLPosition(line: line, column: column)
  }

  func error(_ message: String) -> TOMLError {
    TOMLError(message, at: here())
  }

  func error(_ message: String, at index: Int) -> TOMLError {
    TOMLError(message, at: position(of: index))
  }
}

func isControl(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x7F }

/// A byte as a person would name it in a message.
func describe(_ byte: UInt8) -> String {
  switch byte {
  case UInt8(ascii: "\n"): return "a new line"
  case UInt8(ascii: "\r"): return "a carriage return"
  case UInt8(ascii: "\t"): return "a tab"
  case 0x20: return "a space"
  case 0x21...0x7E: return "'\(Character(Unicode.Scalar(byte)))'"
  case 0x00..<0x20, 0x7F:
    let hex = String(byte, radix: 16, uppercase: true)
    return "the control character U+\(String(repeating: "0", count: 4 - hex.count))\(hex)"
  default: return "a non-ASCII character"
  }
}
