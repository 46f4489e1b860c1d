/// Where something is in a TOML document: 1-based line and column.
///
/// Columns count Unicode scalars, not bytes, so that an editor's cursor lands on the
/// character an error message points at.
public struct TOMLPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var line: Int
  public var column: Int

  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }

  public var description: String { "\(line):\(column)" }

  public static func < (a: TOMLPosition, b: TOMLPosition) -> Bool {
    (a.line, a.column) < (b.line, b.column)
  }
}

/// A calendar date as written in TOML (`1979-05-27`).
public struct TOMLDate: Sendable, Hashable {
  public var year: Int
  public var month: Int
  public var day: Int

  public init(year: Int, month: Int, day: Int) {
    self.year = year
    self.month = month
    self.day = day
  }
}

/// A time of day as written in TOML (`07:32:00.999999`). The fraction keeps its
/// digits as written, so no precision is lost to a fixed-width representation.
public struct TOMLTime: Sendable, Hashable {
  public var hour: Int
  public var minute: Int
  public var second: Int
  /// Decimal digits after the point, as written; empty when there is none.
  public var fraction: String

  public init(hour: Int, minute: Int, second: Int, fraction: String = "") {
    self.hour = hour
    self.minute = minute
    self.second = second
    self.fraction = fraction
  }
}

/// A value of a TOML document.
public enum TOMLValue: Sendable, Equatable {
  case string(String)
  case integer(Int64)
  case float(Double)
  case boolean(Bool)
  /// A date-time with an offset from UTC, in minutes (`Z` is 0).
  case offsetDateTime(TOMLDate, TOMLTime, offsetMinutes: Int)
  case localDateTime(TOMLDate, TOMLTime)
  case localDate(TOMLDate)
  case localTime(TOMLTime)
  case array([TOMLNode])
  case table(TOMLTable)

  /// The type's name as a person reads it in an error message.
  public var typeName: String {
    switch self {
    case .string: "string"
    case .integer: "integer"
    case .float: "float"
    case .boolean: "boolean"
    case .offsetDateTime: "offset date-time"
    case .localDateTime: "local date-time"
    case .localDate: "local date"
    case .localTime: "local time"
    case .array: "array"
    case .table: "table"
    }
  }

  /// "an integer", "a string": the type's name with its article.
  public var typeNameWithArticle: String {
    let name = typeName
    return ("aeiou".contains(name.first!) ? "an " : "a ") + name
  }
}

/// A value together with the position of its first character.
public struct TOMLNode: Sendable, Equatable {
  public var value: TOMLValue
  public var position: TOMLPosition
  /// The byte offsets of the value as written in the parsed bytes, delimiters
  /// included (`"450 MB"` with its quotes), so that a tool can replace exactly
  /// those bytes and leave the rest of the file as it was. Nil for tables made by a
  /// `[header]` or `[[header]]`, which are not written in one place.
  public var span: Range<Int>?

  public init(_ value: TOMLValue, at position: TOMLPosition, span: Range<Int>? = nil) {
    self.value = value
    self.position = position
    self.span = span
  }
}

/// A table: keys in the order they were first written, each with its position.
public struct TOMLTable: Sendable, Equatable {
  public struct Entry: Sendable, Equatable {
    public var key: String
    /// Where the key is written (for a table made by a `[header]`, the header's key).
    public var keyPosition: TOMLPosition
    public var node: TOMLNode
  }

  public private(set) var entries: [Entry] = []
  private var indexByKey: [String: Int] = [:]

  public init() {}

  public var keys: [String] { entries.map(\.key) }
  public var isEmpty: Bool { entries.isEmpty }
  public var count: Int { entries.count }

  public subscript(key: String) -> TOMLNode? {
    indexByKey[key].map { entries[$0].node }
  }

  public func entry(_ key: String) -> Entry? {
    indexByKey[key].map { entries[$0] }
  }

  /// Adds a key, or replaces the value of one that exists (keeping its place).
  public mutating func set(_ key: String, _ node: TOMLNode, keyPosition: TOMLPosition) {
    if let index = indexByKey[key] {
      entries[index] = Entry(key: key, keyPosition: keyPosition, node: node)
    } else {
      indexByKey[key] = entries.count
      entries.append(Entry(key: key, keyPosition: keyPosition, node: node))
    }
  }

  public static func == (a: TOMLTable, b: TOMLTable) -> Bool { a.entries == b.entries }
}
