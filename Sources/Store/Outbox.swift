/// One event for one endpoint, as the outbox keeps it.
public struct OutboxEntry: Sendable, Equatable {
  public enum Status: String, Sendable { case pending, sending, delivered, failed }

  public var id: String
  public var endpoint: String
  public var type: String
  public var body: String
  public var createdAt: Int64
  public var status: Status
  public var attempts: Int
  public var nextAttemptAt: Int64
  public var lastStatus: Int?
  public var lastError: String?
  public var deliveredAt: Int64?

  /// One row of the outbox: an event goes to each endpoint as a row of its own.
  public var key: String { Self.key(id: id, endpoint: endpoint) }
  public static func key(id: String, endpoint: String) -> String { id + "\n" + endpoint }
}

/// The outbox of webhook events. An event is written here before any attempt to send
/// it; a sender claims it (so two processes never send the same event at once), and
/// a claim that outlives its sender (killed mid-send) expires and the event is due
/// again: delivered at least once, never lost.
extension MeasurementStore {
  public func enqueue(id: String, endpoints: [String], type: String, body: String, now: Int64) throws(StoreError) {
    try database.writeTransaction { () throws(StoreError) in
      let insert = try database.prepare(
        "INSERT INTO outbox (id, endpoint, type, body, created_at, status, next_attempt_at) VALUES (?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT DO NOTHING"
      )
      for endpoint in endpoints {
        try insert.run([.text(id), .text(endpoint), .text(type), .text(body), .integer(now), .integer(now)])
      }
    }
  }

  /// An event queued again after it failed for good (a job re-run once its token was
  /// fixed) is tried afresh; a delivered or pending one is left as it is.
  public func requeueFailed(id: String, now: Int64) throws(StoreError) {
    try database.writeTransaction { () throws(StoreError) in
      try database.prepare(
        "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, claimed_until = 0 WHERE id = ? AND status = 'failed'"
      ).run([.integer(now), .text(id)])
    }
  }

  /// Claims up to `limit` due entries (pending and due, or sending with an expired
  /// claim) for `lease` seconds, in one write transaction. `forge`: only the forge
  /// deliveries (endpoints `forge:…`, true) or only the webhooks (false).
  public func claimDue(
    now: Int64, lease: Int64, limit: Int, keys: Set<String>? = nil, ignoringBackoff: Bool = false, forge: Bool? = nil
  ) throws(StoreError) -> [OutboxEntry] {
    let kind =
      switch forge {
      case true?: " AND endpoint LIKE 'forge:%'"
      case false?: " AND endpoint NOT LIKE 'forge:%'"
      case nil: ""
      }
    return try database.writeTransaction { () throws(StoreError) -> [OutboxEntry] in
      var due: [OutboxEntry] = []
      try database.prepare(
        """
        SELECT id, endpoint, type, body, created_at, status, attempts, next_attempt_at, last_status, last_error,
          delivered_at FROM outbox
        WHERE ((status = 'pending' AND (next_attempt_at <= ? OR ? = 1)) OR (status = 'sending' AND claimed_until <= ?))\(kind)
        ORDER BY created_at, id LIMIT ?\(database.dialect.claimRows)
        """
      ).query([.integer(now), .bool(ignoringBackoff), .integer(now), .int(keys == nil ? limit : 1_000_000)]) { row in
        due.append(Self.entry(row))
      }
      if let keys { due = Array(due.filter { keys.contains($0.key) }.prefix(limit)) }
      let claim = try database.prepare(
        "UPDATE outbox SET status = 'sending', claimed_until = ? WHERE id = ? AND endpoint = ?")
      for entry in due { try claim.run([.integer(now + lease), .text(entry.id), .text(entry.endpoint)]) }
      return due
    }
  }

  /// Records an attempt's result: delivered, failed for good, or pending again at
  /// `nextAttemptAt`.
  public func finish(
    _ entry: OutboxEntry, status: OutboxEntry.Status, httpStatus: Int?, error: String?, nextAttemptAt: Int64,
    now: Int64
  ) throws(StoreError) {
    try database.writeTransaction { () throws(StoreError) in
      try database.prepare(
        """
        UPDATE outbox SET status = ?, attempts = attempts + 1, last_status = ?, last_error = ?, next_attempt_at = ?,
          claimed_until = 0, delivered_at = ? WHERE id = ? AND endpoint = ?
        """
      ).run([
        .text(status.rawValue), httpStatus.map { .int($0) } ?? .null, .optional(error), .integer(nextAttemptAt),
        status == .delivered ? .integer(now) : .null, .text(entry.id), .text(entry.endpoint),
      ])
    }
  }

  /// Every entry, newest first (for `notify --list`).
  public func outbox(limit: Int = 200) throws(StoreError) -> [OutboxEntry] {
    var entries: [OutboxEntry] = []
    try database.prepare(
      """
      SELECT id, endpoint, type, body, created_at, status, attempts, next_attempt_at, last_status, last_error,
        delivered_at FROM outbox ORDER BY created_at DESC, id LIMIT ?
      """
    ).query([.int(limit)]) { row in entries.append(Self.entry(row)) }
    return entries
  }

  static func entry(_ row: any Row) -> OutboxEntry {
    OutboxEntry(
      id: row.string(0), endpoint: row.string(1), type: row.string(2), body: row.string(3), createdAt: row.integer(4),
      status: OutboxEntry.Status(rawValue: row.string(5)) ?? .pending, attempts: row.int(6),
      nextAttemptAt: row.integer(7), lastStatus: row.text(8).flatMap { Int($0) }, lastError: row.text(9),
      deliveredAt: row.text(10).flatMap { Int64($0) })
  }
}
