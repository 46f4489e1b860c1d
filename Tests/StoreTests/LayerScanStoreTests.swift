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
}
