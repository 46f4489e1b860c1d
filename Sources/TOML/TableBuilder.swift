/// The document's tables while they are being built, with the rules of TOML 1.0 on
/// who may define or extend a table. Reference semantics keep "the current table"
/// cheap to hold while later headers keep adding to the tree.
final class MutableTable {
  /// How a table came to exist; it decides what may still add to it.
  enum Origin {
    case root
    /// Named on the way to a deeper `[a.b.c]` header; a later `[a]` may still define it.
    case implicit
    /// Defined by its own `[header]` or as an element of `[[array]]`.
    case header
    /// Made by a dotted key (`a.b = 1`); only more dotted keys may extend it.
    case dotted
  }

  enum Entry {
    case value(TOMLNode)
    case table(MutableTable)
    case tableArray(TableArray)
  }

  var origin: Origin
  var position: TOMLPosition
  private(set) var order: [(key: String, position: TOMLPosition)] = []
  private(set) var entries: [String: Entry] = [:]

  init(origin: Origin, position: TOMLPosition) {
    self.origin = origin
    self.position = position
  }

  subscript(key: String) -> Entry? { entries[key] }

  func add(_ key: String, at position: TOMLPosition, _ entry: Entry) {
    precondition(entries[key] == nil, "add() called for an existing key")
    entries[key] = entry
    order.append((key, position))
  }

  /// Where a key was first written, for "first defined at" in messages.
  func keyPosition(_ key: String) -> TOMLPosition? {
    order.first { $0.key == key }?.position
  }

  /// The finished, immutable table.
  func freeze() -> TOMLTable {
    var table = TOMLTable()
    for (key, keyPosition) in order {
      switch entries[key]! {
      case .value(let node):
        table.set(key, node, keyPosition: keyPosition)
      case .table(let sub):
        table.set(key, TOMLNode(.table(sub.freeze()), at: sub.position), keyPosition: keyPosition)
      case .tableArray(let array):
        let elements = array.tables.map { TOMLNode(.table($0.freeze()), at: $0.position) }
        table.set(key, TOMLNode(.array(elements), at: array.position), keyPosition: keyPosition)
      }
    }
    return table
  }
}

/// An array of tables made by `[[name]]` headers; each header appends one table.
final class TableArray {
  var tables: [MutableTable]
  let position: TOMLPosition

  init(first: MutableTable, position: TOMLPosition) {
    self.tables = [first]
    self.position = position
  }
}

/// A key as written: its parts, each with where it starts.
struct DottedKey {
  var parts: [(name: String, position: TOMLPosition)]

  var text: String { parts.map { quotedIfNeeded($0.name) }.joined(separator: ".") }

  func prefix(_ count: Int) -> String {
    parts.prefix(count).map { quotedIfNeeded($0.name) }.joined(separator: ".")
  }
}

func quotedIfNeeded(_ key: String) -> String {
  let bare = !key.isEmpty && key.utf8.allSatisfy(isBareKeyByte)
  return bare ? key : "\"\(key)\""
}

func isBareKeyByte(_ byte: UInt8) -> Bool {
  switch byte {
  case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
    true
  default: false
  }
}

extension MutableTable.Entry {
  var kindDescription: String {
    switch self {
    case .value(let node): "\(node.value.typeNameWithArticle) value"
    case .table: "a table"
    case .tableArray: "an array of tables"
    }
  }
}

/// The rules for placing keys and headers, in one place.
enum TableRules {
  /// `a.b.c = value` inside `table`: intermediate tables are created or must have
  /// been created by dotted keys; the last key must be new.
  static func assign(_ node: TOMLNode, to key: DottedKey, in table: MutableTable) throws(TOMLError) {
    var current = table
    for (index, part) in key.parts.dropLast().enumerated() {
      if let existing = current[part.name] {
        guard case .table(let sub) = existing, sub.origin == .dotted else {
          throw TOMLError(
            "cannot add keys to '\(key.prefix(index + 1))' with a dotted key: it is already "
              + "\(existing.kindDescription)\(definedAt(current, part.name))",
            at: part.position)
        }
        current = sub
      } else {
        let sub = MutableTable(origin: .dotted, position: part.position)
        current.add(part.name, at: part.position, .table(sub))
        current = sub
      }
    }
    let last = key.parts[key.parts.count - 1]
    if let existing = current[last.name] {
      throw TOMLError(
        "duplicate key '\(key.text)': it is already \(existing.kindDescription)"
          + definedAt(current, last.name),
        at: last.position)
    }
    current.add(last.name, at: last.position, .value(node))
  }

  /// `[a.b.c]`: returns the table that the following key/value pairs go into.
  static func defineTable(_ key: DottedKey, in root: MutableTable, at position: TOMLPosition)
    throws(TOMLError) -> MutableTable
  {
    let parent = try walkToParent(of: key, from: root)
    let last = key.parts[key.parts.count - 1]
    guard let existing = parent[last.name] else {
      let table = MutableTable(origin: .header, position: position)
      parent.add(last.name, at: last.position, .table(table))
      return table
    }
    if case .table(let table) = existing, table.origin == .implicit {
      table.origin = .header
      table.position = position
      return table
    }
    let what: String
    switch existing {
    case .table(let table) where table.origin == .dotted:
      what = "table [\(key.text)] was already defined with dotted keys"
    case .table: what = "table [\(key.text)] is defined twice"
    case .tableArray: what = "[\(key.text)] is already an array of tables"
    case .value(let node): what = "'\(key.text)' is already \(node.value.typeNameWithArticle) value"
    }
    throw TOMLError(what + definedAt(parent, last.name), at: last.position)
  }

  /// `[[a.b.c]]`: appends a new table to the array and returns it.
  static func appendTable(_ key: DottedKey, in root: MutableTable, at position: TOMLPosition)
    throws(TOMLError) -> MutableTable
  {
    let parent = try walkToParent(of: key, from: root)
    let last = key.parts[key.parts.count - 1]
    let table = MutableTable(origin: .header, position: position)
    guard let existing = parent[last.name] else {
      parent.add(last.name, at: last.position, .tableArray(TableArray(first: table, position: position)))
      return table
    }
    guard case .tableArray(let array) = existing else {
      throw TOMLError(
        "cannot make '\(key.text)' an array of tables: it is already \(existing.kindDescription)"
          + definedAt(parent, last.name),
        at: last.position)
    }
    array.tables.append(table)
    return table
  }

  /// Follows a header's key up to its last part, creating implicit tables; an array of
  /// tables stands for its last element.
  private static func walkToParent(of key: DottedKey, from root: MutableTable) throws(TOMLError)
    -> MutableTable
  {
    var current = root
    for (index, part) in key.parts.dropLast().enumerated() {
      switch current[part.name] {
      case nil:
        let sub = MutableTable(origin: .implicit, position: part.position)
        current.add(part.name, at: part.position, .table(sub))
        current = sub
      case .table(let sub):
        current = sub
      case .tableArray(let array):
        current = array.tables[array.tables.count - 1]
      case .value(let node):
        throw TOMLError(
          "'\(key.prefix(index + 1))' is \(node.value.typeNameWithArticle) value, not a table"
            + definedAt(current, part.name),
          at: part.position)
      }
    }
    return current
  }

  private static func definedAt(_ table: MutableTable, _ key: String) -> String {
    table.keyPosition(key).map { " (at \($0))" } ?? ""
  }
}
