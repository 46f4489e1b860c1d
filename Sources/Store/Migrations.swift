import Foundation
import SystemCalls

/// The store's schema, as numbered steps. A store is brought up to date when it is
/// opened; each step runs once, in its own transaction, recorded in
/// `schema_migrations`. Add steps at the end; never edit one that has shipped.
enum Migrations {
  static let steps: [String] = [
    // 1: measurements and what they hold.
    """
    CREATE TABLE measurements (
      id INTEGER PRIMARY KEY,
      image TEXT NOT NULL,
      commit_oid TEXT NOT NULL,
      source TEXT NOT NULL,
      platform TEXT NOT NULL,
      manifest_digest TEXT,
      config_digest TEXT,
      compressed_bytes INTEGER NOT NULL,
      compressed_estimated INTEGER NOT NULL,
      uncompressed_bytes INTEGER NOT NULL,
      wasted_bytes INTEGER NOT NULL,
      file_count INTEGER NOT NULL,
      path_depth INTEGER NOT NULL,
      tool_version TEXT NOT NULL,
      measured_at TEXT NOT NULL,
      host TEXT NOT NULL,
      UNIQUE (image, commit_oid)
    );
    -- "every image of commit X" must not scan (the unique index leads with image)
    CREATE INDEX measurements_by_commit ON measurements (commit_oid);
    CREATE TABLE layers (
      measurement_id INTEGER NOT NULL REFERENCES measurements (id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      digest TEXT,
      diff_id TEXT,
      media_type TEXT,
      compression TEXT NOT NULL,
      compressed_bytes INTEGER NOT NULL,
      compressed_estimated INTEGER NOT NULL,
      uncompressed_bytes INTEGER NOT NULL,
      file_count INTEGER NOT NULL,
      created_by TEXT,
      PRIMARY KEY (measurement_id, position)
    ) WITHOUT ROWID;
    -- estimates of uncompressed layers are reused by diff id
    CREATE INDEX layers_by_diff_id ON layers (diff_id);
    CREATE TABLE paths (
      measurement_id INTEGER NOT NULL REFERENCES measurements (id) ON DELETE CASCADE,
      path TEXT NOT NULL,
      bytes INTEGER NOT NULL,
      files INTEGER NOT NULL,
      PRIMARY KEY (measurement_id, path)
    ) WITHOUT ROWID;
    CREATE TABLE wasted_files (
      measurement_id INTEGER NOT NULL REFERENCES measurements (id) ON DELETE CASCADE,
      rank INTEGER NOT NULL,
      path TEXT NOT NULL,
      bytes INTEGER NOT NULL,
      added_in INTEGER NOT NULL,
      hidden_in INTEGER NOT NULL,
      reason TEXT NOT NULL,
      PRIMARY KEY (measurement_id, rank)
    ) WITHOUT ROWID;
    -- the commits measured, so that log and reports work from the store alone
    CREATE TABLE commits (
      oid TEXT PRIMARY KEY,
      subject TEXT NOT NULL,
      author_name TEXT NOT NULL,
      author_email TEXT NOT NULL,
      time INTEGER NOT NULL,
      size_budget_reasons TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE pattern_matches (
      measurement_id INTEGER NOT NULL REFERENCES measurements (id) ON DELETE CASCADE,
      kind TEXT NOT NULL CHECK (kind IN ('forbid', 'require')),
      position INTEGER NOT NULL,
      pattern TEXT NOT NULL,
      files INTEGER NOT NULL,
      bytes INTEGER NOT NULL,
      present INTEGER NOT NULL,
      examples TEXT NOT NULL,
      PRIMARY KEY (measurement_id, kind, position)
    ) WITHOUT ROWID;
    """,
    // 2: the outbox of webhook events: written before sending, so nothing is lost.
    """
    CREATE TABLE outbox (
      id TEXT NOT NULL,
      endpoint TEXT NOT NULL,
      type TEXT NOT NULL,
      body TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL,
      claimed_until INTEGER NOT NULL DEFAULT 0,
      last_status INTEGER,
      last_error TEXT,
      delivered_at INTEGER,
      PRIMARY KEY (id, endpoint)
    ) WITHOUT ROWID;
    CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
    """,
    // 3: measurements taken from a registry's manifest alone (no layers read).
    """
    ALTER TABLE measurements ADD COLUMN layers_read INTEGER NOT NULL DEFAULT 1;
    """,
    // 4: packages and file categories (caches, bytecode, tests, unstripped binaries).
    """
    CREATE TABLE packages (
      measurement_id INTEGER NOT NULL REFERENCES measurements (id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      ecosystem TEXT NOT NULL,
      name TEXT NOT NULL,
      version TEXT,
      location TEXT,
      bytes INTEGER NOT NULL,
      files INTEGER NOT NULL,
      layer INTEGER,
      PRIMARY KEY (measurement_id, position)
    ) WITHOUT ROWID;
    CREATE TABLE categories (
      measurement_id INTEGER NOT NULL REFERENCES measurements (id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      files INTEGER NOT NULL,
      bytes INTEGER NOT NULL,
      examples TEXT NOT NULL,
      PRIMARY KEY (measurement_id, name)
    ) WITHOUT ROWID;
    """,
    // 5: what this store knows of the shared notes (refs/notes/sizebudget): the note
    // blob last imported per commit, so sync reads only notes that changed, and the
    // measurement time of each (commit, image) the notes hold, so sync exports only
    // what the notes lack or hold older.
    """
    CREATE TABLE note_blobs (
      commit_oid TEXT PRIMARY KEY,
      blob_oid TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE note_images (
      commit_oid TEXT NOT NULL,
      image TEXT NOT NULL,
      measured_at TEXT NOT NULL,
      PRIMARY KEY (commit_oid, image)
    ) WITHOUT ROWID;
    """,
    // 6: the notes commit last imported, so a sync diffs from it instead of reading
    // every note again.
    """
    CREATE TABLE sync_state (
      name TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
    // 7: the base image a measurement was built from and how many of its first
    // layers are the base's (growth split into base image and own layers).
    """
    ALTER TABLE measurements ADD COLUMN base_name TEXT;
    ALTER TABLE measurements ADD COLUMN base_digest TEXT;
    ALTER TABLE measurements ADD COLUMN base_layers INTEGER;
    ALTER TABLE measurements ADD COLUMN base_how TEXT;
    """,
    // 8: the spread between measurements of one commit (nondeterministic builds).
    """
    ALTER TABLE measurements ADD COLUMN noise_compressed INTEGER;
    ALTER TABLE measurements ADD COLUMN noise_uncompressed INTEGER;
    ALTER TABLE measurements ADD COLUMN noise_layers TEXT;
    """,
    // 9: whole layer scans by diff id and stored size, so a layer measured before is
    // not read again (`StoredLayerScan`); used_at orders what is pruned first.
    """
    CREATE TABLE layer_scans (
      diff_id TEXT NOT NULL,
      stored_bytes INTEGER NOT NULL,
      scan TEXT NOT NULL,
      used_at TEXT NOT NULL,
      PRIMARY KEY (diff_id, stored_bytes)
    ) WITHOUT ROWID;
    """,
  ]

  /// Brings the schema up to date. On SQLite, `PRAGMA user_version` mirrors the
  /// newest step, so an up-to-date store (every run but the first) costs one read, no
  /// write lock; on PostgreSQL, one query of `schema_migrations`.
  static func migrate(_ database: any SQLDatabase) throws(StoreError) {
    if try current(database) == steps.count { return }
    // Under the lock: on PostgreSQL two first runs racing on CREATE TABLE IF NOT
    // EXISTS can both pass the check and one fails on the catalog's unique index.
    try database.writeTransaction { () throws(StoreError) in
      try database.lock("sizebudget migrations")
      try database.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
    }
    for (offset, sql) in steps.enumerated() {
      let version = offset + 1
      try database.writeTransaction { () throws(StoreError) in
        // Checked inside the transaction (holding the lock): another process may have
        // just applied it.
        try database.lock("sizebudget migrations")
        var applied = false
        try database.prepare("SELECT 1 FROM schema_migrations WHERE version = ?").query([.int(version)]) { _ in
          applied = true
        }
        if !applied {
          try database.execute(translated(sql, for: database.dialect))
          try database.prepare("INSERT INTO schema_migrations VALUES (?, ?)").run([.int(version), .text(now())])
        }
        if database.dialect == .sqlite { try database.execute("PRAGMA user_version = \(version)") }
      }
    }
    var newest = 0
    try database.prepare("SELECT MAX(version) FROM schema_migrations").query { row in newest = row.int(0) }
    if newest > steps.count { throw newer(database, newest) }
  }

  /// The schema version: SQLite's user_version, PostgreSQL's newest migration (0 for
  /// an empty database).
  private static func current(_ database: any SQLDatabase) throws(StoreError) -> Int {
    var version = 0
    switch database.dialect {
    case .sqlite:
      try database.prepare("PRAGMA user_version").query { row in version = row.int(0) }
    case .postgres:
      var exists = false
      try database.prepare("SELECT to_regclass('schema_migrations') IS NOT NULL").query { row in
        exists = row.bool(0)
      }
      if exists {
        try database.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").query { row in
          version = row.int(0)
        }
      }
    }
    if version > steps.count { throw newer(database, version) }
    return version
  }

  private static func newer(_ database: any SQLDatabase, _ version: Int) -> StoreError {
    StoreError(
      "\(database.path) was written by a newer sizebudget (schema \(version), this one knows \(steps.count)): upgrade sizebudget"
    )
  }

  /// The steps are written for SQLite; PostgreSQL gets 64-bit integers, an identity
  /// column for the row id, and no `WITHOUT ROWID`.
  static func translated(_ sql: String, for dialect: SQLDialect) -> String {
    guard dialect == .postgres else { return sql }
    return
      sql
      .replacingOccurrences(
        of: "id INTEGER PRIMARY KEY,", with: "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
      )
      .replacingOccurrences(of: " WITHOUT ROWID", with: "")
      .replacingOccurrences(of: " INTEGER", with: " BIGINT")
  }

  private static func now() -> String { UTCTime.stampNow() }
}
