import CLibPQ
import CSQLite

/// The SQLite and libpq this process runs with (not the headers it was built
/// against), for `sizebudget --version` and bug reports.
public enum StoreLibraries {
  public static var sqliteVersion: String { String(cString: sqlite3_libversion()) }

  /// libpq reports 150013 for 15.13 (since PostgreSQL 10: major * 10000 + minor).
  public static var libpqVersion: String {
    let number = PQlibVersion()
    return number >= 100_000 ? "\(number / 10_000).\(number % 10_000)" : "\(number)"
  }
}
