import Analysis
import Foundation
import Store
import TestSupport
import Testing

/// The store's cache of whole layer scans: keyed by diff id and stored size, bounded
/// to the most recently used.
@Suite struct LayerScanStoreTests {
  func scan(_ number: Int, bytes: Int64 = 100) -> StoredLayerScan {
    StoredLayerScan(diffID: "sha256:\(number)", storedBytes: bytes, encoded: "scan \(number)")
  }

  /// A SQLite file, and a database of the test run's PostgreSQL server.
  static func stores(in directory: TemporaryDirectory) throws -> [MeasurementStore] {
    [
      try MeasurementStore(path: directory.url.appendingPathComponent("s.sqlite").path),
      try MeasurementStore(path: try LocalPostgres.shared.get().createDatabase()),
    ]
  }

  @Test func keepsScansByDiffIDAndStoredSize() throws {
    let directory = try TemporaryDirectory()
    for store in try Self.stores(in: directory) {
      try store.keepLayerScans([scan(1), scan(2, bytes: 7)], reused: [])
      let found = try store.layerScans(for: [("sha256:1", 100), ("sha256:2", 100), ("sha256:3", 100)])
      #expect(found == ["sha256:1": scan(1)], "sha256:2 was kept for another stored size")
    }
  }

  @Test func dropsTheLeastRecentlyUsedBeyondTheLimit() throws {
    let directory = try TemporaryDirectory()
    for store in try Self.stores(in: directory) {
      let limit = MeasurementStore.layerScanLimit
      try store.keepLayerScans((0..<limit).map { scan($0) }, reused: [])
      // Layer 0 is reused (a base layer), then more new layers than the limit leaves room for.
      Thread.sleep(forTimeInterval: 0.005)  // used_at has milliseconds
      try store.keepLayerScans([], reused: [("sha256:0", 100)])
      Thread.sleep(forTimeInterval: 0.005)
      try store.keepLayerScans((limit..<limit + 10).map { scan($0) }, reused: [])
      let all = try store.layerScans(for: (0..<limit + 10).map { ("sha256:\($0)", 100) })
      #expect(all.count == limit)
      #expect(all["sha256:0"] != nil)
      #expect(all["sha256:\(limit + 9)"] != nil)
    }
  }

  /// A store written before layer scans (schema 6, main before them; or 8, with the
  /// base image and noise columns) gains them when opened, keeping its measurements.
  @Test func anOlderStoreMigratesToLayerScans() throws {
    let directory = try TemporaryDirectory()
    let sqlite = directory.url.appendingPathComponent("s.sqlite").path
    let postgres = LocalPostgres.shared
    for (path, version) in [
      (sqlite, 6), (try postgres.get().createDatabase(), 6), (sqlite + "8", 8),
      (try postgres.get().createDatabase(), 8),
    ] {
      let sample = MeasurementStoreTests.sample()
      try MeasurementStore(path: path).save(sample)
      try Self.rewind(path, to: version)
      let store = try MeasurementStore(path: path)
      #expect(try store.measurement(image: "api", commit: sample.commit) == sample)
      try store.keepLayerScans([scan(1)], reused: [])
      #expect(try store.layerScans(for: [("sha256:1", 100)]) == ["sha256:1": scan(1)])
    }
  }

  /// Undoes the migrations after `version`, as if the store had been written then.
  static func rewind(_ path: String, to version: Int) throws {
    var sql = ["DROP TABLE layer_scans", "DELETE FROM schema_migrations WHERE version > \(version)"]
    if version < 8 {
      sql += ["noise_compressed", "noise_uncompressed", "noise_layers"].map {
        "ALTER TABLE measurements DROP COLUMN \($0)"
      }
    }
    if version < 7 {
      sql += ["base_name", "base_digest", "base_layers", "base_how"].map {
        "ALTER TABLE measurements DROP COLUMN \($0)"
      }
    }
    guard path.hasPrefix("postgres://") else {
      let result = try CLI.run(
        [path, (sql + ["PRAGMA user_version = \(version)"]).joined(separator: "; ")], product: "/usr/bin/sqlite3")
      #expect(result.status == 0, "\(result.stderr)")
      return
    }
    _ = try LocalPostgres.shared.get().query(path, sql.joined(separator: "; "))
  }
}
