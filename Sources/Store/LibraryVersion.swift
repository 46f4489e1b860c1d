import CLibPQ
import CSQLite

/// The SQLite linked in and the libpq this process opens (not the headers it was
/// built against), for `sizebudget --version` and bug reports.
public enum StoreLibraries {
  public static var sqliteVersion: String { String(cString: sqlite3_libversion()) }

  /// libpq reports 150013 for 15.13 (since PostgreSQL 10: major * 10000 + minor).
  public static var libpqVersion: String {
    if let reason = libpqLoadFailure { return "not loaded (\(reason))" }
    let number = sb_PQlibVersion()
    return number >= 100_000 ? "\(number / 10_000).\(number % 10_000)" : "\(number)"
  }

  /// Loads libpq on first use (see CLibPQ.h); nil when it is loaded, otherwise the
  /// dynamic loader's reason.
  static var libpqLoadFailure: String? {
    var reason = [CChar](repeating: 0, count: 512)
    guard sb_pq_load(&reason, reason.count) != 0 else { return nil }
    return reason.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
  }
}
