import CSQLite

/// A store problem: the file, what went wrong, what to do.
public struct StoreError: Error, Sendable, CustomStringConvertible {
  public var message: String
  /// The database server that could not be reached (down, refused, timed out): a
  /// transient failure, not a wrong setting.
  public var unreachable: String? = nil
  public init(_ message: String, unreachable: String? = nil) {
    self.message = message
    self.unreachable = unreachable
  }
  public var description: String { message }
}

/// A thin layer over SQLite's C API: one connection, prepared statements, and
/// write transactions that take the lock up front (`BEGIN IMMEDIATE`), so that
/// concurrent writers queue on `busy_timeout` instead of failing with SQLITE_BUSY.
final class SQLiteDatabase: SQLDatabase {
  let handle: OpaquePointer
  let path: String
  let dialect = SQLDialect.sqlite

  init(path: String, busyTimeoutMilliseconds: Int32 = 60_000) throws(StoreError) {
    var handle: OpaquePointer?
    let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
    guard sqlite3_open_v2(path, &handle, flags, nil) == SQLITE_OK, let handle else {
      let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
      sqlite3_close(handle)
      throw StoreError(
        "cannot open the store \(path): \(message) (check that its directory exists and is writable, or pass --store PATH)"
      )
    }
    self.handle = handle
    self.path = path
    // Before any statement: the busy timeout must govern even the first lock.
    sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
    // WAL lets readers go on while one process writes; it is a property of the file,
    // so only a new file needs it set.
    var mode = ""
    try prepare("PRAGMA journal_mode").query { row in mode = row.string(0) }
    if mode != "wal" { try execute("PRAGMA journal_mode = WAL") }
    try execute("PRAGMA synchronous = NORMAL")
    try execute("PRAGMA foreign_keys = ON")
  }

  deinit { sqlite3_close_v2(handle) }

  func execute(_ sql: String) throws(StoreError) {
    var message: UnsafeMutablePointer<CChar>?
    let status = sqlite3_exec(handle, sql, nil, nil, &message)
    guard status == SQLITE_OK else {
      let text = message.map { String(cString: $0) } ?? lastError
      sqlite3_free(message)
      throw failure(status, text)
    }
  }

  func prepare(_ sql: String) throws(StoreError) -> any SQLStatement {
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
      throw StoreError("\(path): cannot prepare a statement: \(lastError)")
    }
    return SQLiteStatement(statement, database: self)
  }

  func lock(_ key: String) {}

  var inTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

  var lastError: String { String(cString: sqlite3_errmsg(handle)) }

  /// A failed step: still locked after `busy_timeout` (another writer held on) is
  /// transient, exit 4; anything else is what it says.
  func failure(_ status: Int32, _ text: String? = nil) -> StoreError {
    let locked = status & 0xff == SQLITE_BUSY || status & 0xff == SQLITE_LOCKED
    return StoreError("\(path): \(text ?? lastError)", unreachable: locked ? "the store \(path) (locked)" : nil)
  }
}

final class SQLiteStatement: SQLStatement {
  private let statement: OpaquePointer
  private unowned let database: SQLiteDatabase

  init(_ statement: OpaquePointer, database: SQLiteDatabase) {
    self.statement = statement
    self.database = database
  }

  deinit { sqlite3_finalize(statement) }

  private func bind(_ values: [SQLValue]) {
    sqlite3_reset(statement)
    sqlite3_clear_bindings(statement)
    for (offset, value) in values.enumerated() {
      let index = Int32(offset + 1)
      switch value {
      case .null: sqlite3_bind_null(statement, index)
      case .integer(let number): sqlite3_bind_int64(statement, index, number)
      case .text(let text): sqlite3_bind_text(statement, index, text, -1, csqlite_transient())
      }
    }
  }

  func run(_ values: [SQLValue]) throws(StoreError) {
    bind(values)
    let status = sqlite3_step(statement)
    guard status == SQLITE_DONE || status == SQLITE_ROW else { throw database.failure(status) }
  }

  func query(_ values: [SQLValue], _ row: (any Row) throws(StoreError) -> Void) throws(StoreError) {
    bind(values)
    while true {
      let status = sqlite3_step(statement)
      if status == SQLITE_DONE { return }
      guard status == SQLITE_ROW else { throw database.failure(status) }
      try row(SQLiteRow(statement: statement))
    }
  }
}

struct SQLiteRow: Row {
  let statement: OpaquePointer

  func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

  func text(_ column: Int32) -> String? {
    guard let pointer = sqlite3_column_text(statement, column) else { return nil }
    return String(cString: pointer)
  }
}
