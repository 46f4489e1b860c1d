import Analysis
import Foundation
import SystemCalls

/// Whole layer scans kept between runs (see `StoredLayerScan`): a cache beside the
/// measurements, bounded to the most recently used `layerScanLimit`.
extension MeasurementStore {
  /// Enough for the layers of a few dozen images; a base layer reused by every run
  /// stays, as each reuse marks it used.
  public static let layerScanLimit = 256

  /// The scans kept for these layers (diff id and stored size), by diff id.
  public func layerScans(for layers: [(diffID: String, storedBytes: Int64)]) throws(StoreError)
    -> [String: StoredLayerScan]
  {
    var scans: [String: StoredLayerScan] = [:]
    let select = try database.prepare("SELECT scan FROM layer_scans WHERE diff_id = ? AND stored_bytes = ?")
    for layer in layers where scans[layer.diffID] == nil {
      try select.query([.text(layer.diffID), .integer(layer.storedBytes)]) { row in
        scans[layer.diffID] = StoredLayerScan(
          diffID: layer.diffID, storedBytes: layer.storedBytes, encoded: row.string(0))
      }
    }
    return scans
  }

  /// Keeps the new scans, marks the reused ones used, and drops the least recently
  /// used beyond the limit; one transaction.
  public func keepLayerScans(_ new: [StoredLayerScan], reused: [(diffID: String, storedBytes: Int64)])
    throws(StoreError)
  {
    guard !new.isEmpty || !reused.isEmpty else { return }
    let now = Self.scanTime()
    try database.writeTransaction { () throws(StoreError) in
      let insert = try database.prepare(
        "INSERT INTO layer_scans VALUES (?, ?, ?, ?) ON CONFLICT (diff_id, stored_bytes) "
          + "DO UPDATE SET scan = excluded.scan, used_at = excluded.used_at")
      for scan in new {
        try insert.run([.text(scan.diffID), .integer(scan.storedBytes), .text(scan.encoded), .text(now)])
      }
      let touch = try database.prepare("UPDATE layer_scans SET used_at = ? WHERE diff_id = ? AND stored_bytes = ?")
      for layer in reused { try touch.run([.text(now), .text(layer.diffID), .integer(layer.storedBytes)]) }
      try database.prepare(
        "DELETE FROM layer_scans WHERE (diff_id, stored_bytes) NOT IN "
          + "(SELECT diff_id, stored_bytes FROM layer_scans ORDER BY used_at DESC LIMIT ?)"
      ).run([.integer(Int64(Self.layerScanLimit))])
    }
  }

  /// Milliseconds, so the scans of one run sort after those of the run before.
  private static func scanTime() -> String { UTCTime.stampNow(withMilliseconds: true) }
}
