/// What the store needs of a SQL database, so that one store runs on SQLite (a file
/// per clone) or PostgreSQL (one database for a fleet): statements with positional
/// `?` parameters, write transactions, and the few things the two do differently.
protocol SQLDatabase: AnyObject {
  /// How errors name the database: a file path, or a URL without its password.
  var path: String { get }
  var dialect: SQLDialect { get }
  func execute(_ sql: String) throws(StoreError)
  func prepare(_ sql: String) throws(StoreError) -> any SQLStatement
  /// Inside a write transaction, waits until no other transaction holds `key`.
  /// (SQLite's write transactions already exclude each other.)
  func lock(_ key: String) throws(StoreError)
  /// Whether a transaction is open on this connection (reads inside a write
  /// transaction already see one state).
  var inTransaction: Bool { get }
}

extension SQLDatabase {
  /// Runs `body` in a write transaction: all of it is committed, or none. SQLite
  /// takes its write lock at the start (`BEGIN IMMEDIATE`), so two writers never
  /// both read and then fail to upgrade; PostgreSQL locks rows as it goes.
  func writeTransaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
    try transaction(begin: dialect == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN", body)
  }

  /// Runs `body`'s reads against one state of the database, so that a reader never
  /// sees a measurement's totals from one write and its layers from another (or
  /// none, after a concurrent replace). SQLite: a deferred transaction holds one
  /// WAL snapshot from its first read; PostgreSQL: REPEATABLE READ holds one
  /// snapshot for the transaction (READ COMMITTED, the default, takes one per
  /// statement). Inside a transaction already open, `body` just runs.
  func readTransaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
    if inTransaction { return try body() }
    return try transaction(
      begin: dialect == .sqlite ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
  }

  /// `begin`, then `body`, committed whole or rolled back.
  private func transaction<T>(begin: String, _ body: () throws(StoreError) -> T) throws(StoreError) -> T {
    try execute(begin)
    do {
      let result = try body()
      try execute("COMMIT")
      return result
    } catch {
      try? execute("ROLLBACK")
      throw error
    }
  }
}

enum SQLDialect: Sendable {
  case sqlite, postgres

  /// A `SELECT` that claims the rows it reads until the transaction ends, skipping
  /// rows another transaction claimed.
  var claimRows: String { self == .postgres ? " FOR UPDATE SKIP LOCKED" : "" }

  /// After a text column in ORDER BY: byte order on both, so that a PostgreSQL
  /// database made with a language collation (en_US…) lists paths and names as
  /// SQLite does.
  var byteOrder: String { self == .postgres ? " COLLATE \"C\"" : "" }
}

/// A prepared statement; values bind by position, from 1.
protocol SQLStatement: AnyObject {
  /// Runs a statement that returns no rows.
  func run(_ values: [SQLValue]) throws(StoreError)
  /// Calls `row` for each result row.
  func query(_ values: [SQLValue], _ row: (any Row) throws(StoreError) -> Void) throws(StoreError)
}

extension SQLStatement {
  func run() throws(StoreError) { try run([]) }
  func query(_ row: (any Row) throws(StoreError) -> Void) throws(StoreError) { try query([], row) }
}

/// One result row; columns by position, from 0.
protocol Row {
  func text(_ column: Int32) -> String?
  func integer(_ column: Int32) -> Int64
}

extension Row {
  func int(_ column: Int32) -> Int { Int(integer(column)) }
  func bool(_ column: Int32) -> Bool { integer(column) != 0 }
  func string(_ column: Int32) -> String { text(column) ?? "" }
}

enum SQLValue {
  case null
  case integer(Int64)
  case text(String)

  static func optional(_ text: String?) -> SQLValue { text.map { .text($0) } ?? .null }
  static func int(_ value: Int) -> SQLValue { .integer(Int64(value)) }
  static func bool(_ value: Bool) -> SQLValue { .integer(value ? 1 : 0) }
}
