import CLibPQ
import Endpoints
import Foundation

/// The store on a PostgreSQL server, through libpq, PostgreSQL's own client library:
/// it reads the credentials from where PostgreSQL users keep them (`PGPASSWORD`,
/// `~/.pgpass`, `PGSSLMODE`, service files), and is synchronous like the rest of the
/// store. (A Swift client such as postgres-nio would add minutes to every clean
/// build and an event loop to a store that does not need one.)
///
/// Statements are written with SQLite's `?` placeholders and numbered here (`$1`…);
/// values go as text, which PostgreSQL converts to the column's type.
final class PostgresDatabase: SQLDatabase {
  private let connection: OpaquePointer
  let path: String
  let dialect = SQLDialect.postgres

  /// `url` is `postgres://[user@]host[:port]/database[?options]`. A password in the
  /// URL is refused: it would end up in shell history, CI logs and budgets.toml.
  init(url: String) throws(StoreError) {
    path = Endpoint.redacted(url)
    if Self.hasPassword(url) {
      throw StoreError(
        "\(path): the store URL holds a password; remove it and set PGPASSWORD (or use ~/.pgpass) instead")
    }
    if let reason = StoreLibraries.libpqLoadFailure {
      throw StoreError(
        "\(path): libpq, PostgreSQL's client library, could not be loaded (\(reason)); install it (Debian: apt-get install libpq5)"
      )
    }
    // A server that does not answer must not hang a CI job or the pre-push hook.
    var conninfo = url
    if !url.contains("connect_timeout=") { conninfo += (url.contains("?") ? "&" : "?") + "connect_timeout=10" }
    guard let connection = sb_PQconnectdb(conninfo) else { throw StoreError("\(path): out of memory") }
    // Checked before `self.connection` is set: a throwing init that has set every
    // property runs deinit, which would close the connection a second time.
    guard sb_PQstatus(connection) == CONNECTION_OK else {
      let message = Self.message(connection)
      sb_PQfinish(connection)
      throw StoreError(
        "cannot connect to the store \(path): \(message) (check the URL, that the server runs, and PGPASSWORD)",
        unreachable: Self.isUnreachable(message) ? "the store \(path)" : nil)
    }
    self.connection = connection
    // Notices (e.g. "relation already exists, skipping") are not for the user.
    _ = sb_PQsetNoticeProcessor(connection, { _, _ in }, nil)
  }

  deinit { sb_PQfinish(connection) }

  func execute(_ sql: String) throws(StoreError) {
    let result = sb_PQexec(connection, sql)
    defer { sb_PQclear(result) }
    try check(result, sql)
  }

  func prepare(_ sql: String) throws(StoreError) -> any SQLStatement {
    PostgresStatement(sql: Self.numberPlaceholders(sql), database: self)
  }

  var inTransaction: Bool { sb_PQtransactionStatus(connection) != PQTRANS_IDLE }

  func lock(_ key: String) throws(StoreError) {
    try prepare("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))").run([.text(key)])
  }

  /// Runs one statement with text parameters.
  func run(_ sql: String, _ values: [SQLValue]) throws(StoreError) -> OpaquePointer? {
    let texts: [String?] = values.map {
      switch $0 {
      case .null: nil
      case .integer(let number): String(number)
      case .text(let text): text
      }
    }
    // Keep the C strings alive for the call.
    let pointers = texts.map { $0.map { strdup($0) } ?? nil }
    defer { for pointer in pointers { free(pointer) } }
    let result = pointers.map { UnsafePointer($0) }.withUnsafeBufferPointer { buffer in
      sb_PQexecParams(connection, sql, Int32(buffer.count), nil, buffer.baseAddress, nil, nil, 0)
    }
    do {
      try check(result, sql)
    } catch {
      sb_PQclear(result)
      throw error
    }
    return result
  }

  private func check(_ result: OpaquePointer?, _ sql: String) throws(StoreError) {
    let status = sb_PQresultStatus(result)
    guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
      let message =
        result.flatMap { sb_PQresultErrorMessage($0) }.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        ?? Self.message(connection)
      throw StoreError(
        "\(path): \(message.trimmingCharacters(in: .whitespacesAndNewlines))",
        unreachable: isTransient(result, message) ? "the store \(path)" : nil)
    }
  }

  /// A failure after the store was open that retrying may cure: the connection lost
  /// (server restarted, backend terminated), a lock or statement timeout, a deadlock
  /// or serialization failure, too many clients. By SQLSTATE where the server gave
  /// one (class 08 connection, 57P admin shutdown, 55P03 lock, 57014 timeout, 40
  /// rollback, 53 resources), else by libpq's connection state and words.
  private func isTransient(_ result: OpaquePointer?, _ message: String) -> Bool {
    if sb_PQstatus(connection) == CONNECTION_BAD { return true }
    if let result, let field = sb_PQresultErrorField(result, Int32(UInt8(ascii: "C"))) {
      let code = String(cString: field)
      let transient = ["08", "57P", "55P03", "57014", "40", "53"]
      if transient.contains(where: code.hasPrefix) { return true }
    }
    return Self.isUnreachable(message)
  }

  private static func message(_ connection: OpaquePointer) -> String {
    String(cString: sb_PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// `?` → `$1`, `$2`… outside quoted text.
  static func numberPlaceholders(_ sql: String) -> String {
    var out = ""
    var count = 0
    var quoted = false
    for character in sql {
      if character == "'" { quoted.toggle() }
      if character == "?" && !quoted {
        count += 1
        out += "$\(count)"
      } else {
        out.append(character)
      }
    }
    return out
  }

  static func isURL(_ location: String) -> Bool {
    location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
  }

  /// libpq's words for a server that is down, starting, overloaded or not answering,
  /// as against a wrong password, user or database (which retrying cannot fix).
  static func isUnreachable(_ message: String) -> Bool {
    let lowered = message.lowercased()
    let configuration = [
      "authentication failed", "does not exist", "pg_hba.conf", "no password supplied", "permission denied",
    ]
    if configuration.contains(where: lowered.contains) { return false }
    let transient = [
      "connection refused", "timeout expired", "timed out", "could not translate host name", "no route to host",
      "network is unreachable", "server closed the connection", "the database system is starting up",
      "the database system is shutting down", "too many clients", "no such file or directory", "connection reset",
    ]
    return transient.contains(where: lowered.contains)
  }

  /// In the user part (`user:secret@`) or as a `password=` option.
  static func hasPassword(_ url: String) -> Bool {
    guard let scheme = url.range(of: "://") else { return false }
    let authority = url[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" }
    if let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") { return true }
    guard let question = url.firstIndex(of: "?") else { return false }
    return url[url.index(after: question)...].split(separator: "&").contains(where: isPasswordOption)
  }

  static func isPasswordOption(_ option: Substring) -> Bool {
    option.lowercased().hasPrefix("password=")
  }
}

final class PostgresStatement: SQLStatement {
  let sql: String
  unowned let database: PostgresDatabase

  init(sql: String, database: PostgresDatabase) {
    self.sql = sql
    self.database = database
  }

  func run(_ values: [SQLValue]) throws(StoreError) {
    sb_PQclear(try database.run(sql, values))
  }

  func query(_ values: [SQLValue], _ row: (any Row) throws(StoreError) -> Void) throws(StoreError) {
    let result = try database.run(sql, values)
    defer { sb_PQclear(result) }
    for index in 0..<sb_PQntuples(result) { try row(PostgresRow(result: result, row: index)) }
  }
}

struct PostgresRow: Row {
  let result: OpaquePointer?
  let row: Int32

  func text(_ column: Int32) -> String? {
    guard sb_PQgetisnull(result, row, column) == 0, let value = sb_PQgetvalue(result, row, column) else { return nil }
    return String(cString: value)
  }

  /// Integers arrive as text; booleans (`t`/`f`) too, from expressions.
  func integer(_ column: Int32) -> Int64 {
    guard let text = text(column) else { return 0 }
    if text == "t" { return 1 }
    if text == "f" { return 0 }
    return Int64(text) ?? 0
  }
}
