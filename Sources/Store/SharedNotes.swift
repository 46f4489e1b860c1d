import Analysis
import Model

/// The store's side of sharing through git notes: importing measurements from notes
/// (newer ones win), and knowing which local measurements the notes lack.
extension MeasurementStore {
  /// A note as sync hands it over: the commit, its blob, and its measurements.
  public struct SharedNote: Sendable {
    public var commit: String
    public var blob: String
    public var commitRecord: CommitRecord?
    public var measurements: [ImageMeasurement]
    /// Images whose measurement in the note was just written from the store: known
    /// to be the store's, so not compared again (that would load each in full).
    public var fromStore: Set<String>
    /// Measurements `sizebudget forget` removed: per image, the measured time of the
    /// one forgotten; the store drops its measurement of that image when it is no later.
    public var forgotten: [String: String]

    public init(
      commit: String, blob: String, commitRecord: CommitRecord?, measurements: [ImageMeasurement],
      fromStore: Set<String> = [], forgotten: [String: String] = [:]
    ) {
      self.commit = commit
      self.blob = blob
      self.commitRecord = commitRecord
      self.measurements = measurements
      self.fromStore = fromStore
      self.forgotten = forgotten
    }
  }

  /// The note blob last imported or exported, per commit.
  public func sharedNoteBlobs() throws(StoreError) -> [String: String] {
    var blobs: [String: String] = [:]
    try database.prepare("SELECT commit_oid, blob_oid FROM note_blobs").query { row in
      blobs[row.string(0)] = row.string(1)
    }
    return blobs
  }

  /// Imports notes in one transaction: a measurement is written when the store has
  /// none for its (commit, image) or an older one (`prefers` decides ties); either way
  /// the store learns what the note holds. Returns how many measurements were written.
  /// With `importedTip`, also records that everything up to that notes commit is
  /// imported (in the same transaction).
  @discardableResult
  public func importNotes(
    _ notes: [SharedNote], importedTip: String? = nil, prefers: (ImageMeasurement, ImageMeasurement) -> Bool
  ) throws(StoreError) -> Int {
    try database.writeTransaction { () throws(StoreError) -> Int in
      if let importedTip { try setSyncState("imported_tip", importedTip) }
      var written = 0
      for note in notes {
        for measurement in note.measurements {
          if try importMeasurement(measurement, of: note, prefers: prefers) { written += 1 }
        }
        for (image, forgottenAt) in note.forgotten {
          guard let local = try measuredAt(image: image, commit: note.commit),
            !ImageMeasurement.isLater(local, than: forgottenAt)
          else { continue }
          try deleteMeasurement(image: image, commit: note.commit)
        }
        try recordShared(note.commit, blob: note.blob, images: note.measurements.map { ($0.image, $0.measuredAt) })
      }
      return written
    }
  }

  /// One measurement of a note: written when the store has none for its (commit,
  /// image) or an older one, else kept out. Either way the one that stays carries the
  /// spread between the two as noise (two clones measured the commit), so that every
  /// clone judges growth with the same noise. Returns whether it was written.
  private func importMeasurement(
    _ measurement: ImageMeasurement, of note: SharedNote, prefers: (ImageMeasurement, ImageMeasurement) -> Bool
  ) throws(StoreError) -> Bool {
    let (image, commit) = (measurement.image, measurement.commit)
    if note.fromStore.contains(image) {
      // The store's own, just written to the note, with what the note had met.
      if let noise = measurement.noise { try widenNoise(noise, image: image, commit: commit) }
      return false
    }
    guard let local = try measuredAt(image: image, commit: commit),
      let stored = try self.measurement(image: image, commit: commit)
    else {
      _ = try write(measurement, commit: note.commitRecord, observingNoise: false)
      return true
    }
    let wins =
      local == measurement.measuredAt
      ? prefers(measurement, stored) : ImageMeasurement.isLater(measurement.measuredAt, than: local)
    guard wins else {
      let noise = MeasurementNoise.combined(stored, with: measurement)
      if noise != stored.noise { try setNoise(noise, image: image, commit: commit) }
      return false
    }
    var kept = measurement
    kept.noise = MeasurementNoise.combined(measurement, with: stored)
    _ = try write(kept, commit: note.commitRecord, observingNoise: false)
    return true
  }

  /// The notes commit everything was imported up to, if any.
  public func importedNotesTip() throws(StoreError) -> String? {
    var value: String? = nil
    try database.prepare("SELECT value FROM sync_state WHERE name = 'imported_tip'").query { row in
      value = row.string(0)
    }
    return value
  }

  /// How many commits' notes the store has seen.
  public func sharedCommitCount() throws(StoreError) -> Int {
    var count = 0
    try database.prepare("SELECT count(*) FROM note_blobs").query { row in count = row.int(0) }
    return count
  }

  private func setSyncState(_ name: String, _ value: String) throws(StoreError) {
    try database.prepare(
      "INSERT INTO sync_state VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value"
    ).run([.text(name), .text(value)])
  }

  private func recordShared(_ commit: String, blob: String, images: [(image: String, measuredAt: String)])
    throws(StoreError)
  {
    try database.prepare(
      "INSERT INTO note_blobs VALUES (?, ?) ON CONFLICT (commit_oid) DO UPDATE SET blob_oid = excluded.blob_oid"
    ).run([.text(commit), .text(blob)])
    try database.prepare("DELETE FROM note_images WHERE commit_oid = ?").run([.text(commit)])
    let insert = try database.prepare("INSERT INTO note_images VALUES (?, ?, ?)")
    for (image, measuredAt) in images { try insert.run([.text(commit), .text(image), .text(measuredAt)]) }
  }

  /// Measurements the notes lack, or hold in an older (or another) version: what sync
  /// must export. (commit, image) pairs, by commit.
  public func unsharedMeasurements() throws(StoreError) -> [(commit: String, image: String)] {
    var found: [(String, String)] = []
    try database.prepare(
      """
      SELECT m.commit_oid, m.image FROM measurements m
      LEFT JOIN note_images n ON n.commit_oid = m.commit_oid AND n.image = m.image
      WHERE n.measured_at IS NULL OR n.measured_at <> m.measured_at
      ORDER BY m.commit_oid\(database.dialect.byteOrder), m.image\(database.dialect.byteOrder)
      """
    ).query { row in found.append((row.string(0), row.string(1))) }
    return found
  }

  /// Empties the store of measurements and of what it knew of the notes (for `sync
  /// --rebuild`); the webhook outbox stays.
  public func removeAllMeasurements() throws(StoreError) {
    try database.writeTransaction { () throws(StoreError) in
      try database.execute(
        "DELETE FROM measurements; DELETE FROM note_blobs; DELETE FROM note_images; DELETE FROM sync_state;")
    }
  }
}
