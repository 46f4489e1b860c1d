import Analysis
import CSQLite
import Foundation
import Model
import TestHooks

/// Measurements in a SQL database: by default a SQLite file per clone
/// (`.git/sizebudget.sqlite`, WAL mode, shared safely by several processes), or one
/// PostgreSQL database for a fleet (`postgres://host/db`). A measurement is written
/// in one transaction, with all its layers and paths, or not at all.
public final class MeasurementStore {
  let database: any SQLDatabase
  public var path: String { database.path }
  /// Whether the store is a shared server (PostgreSQL) rather than a file of this clone.
  public var isShared: Bool { database.dialect == .postgres }
  private var existsStatement: (any SQLStatement)?
  private var noiseStatement: (any SQLStatement)?

  /// What `save` did, so `measure` can say so.
  public enum SaveOutcome: Sendable, Equatable {
    case inserted
    /// The (commit, image) had a measurement, taken at this time; it was replaced.
    case replaced(previousMeasuredAt: String)
  }

  /// Opens (creating it if need be) the store at `path`: a SQLite file, or a
  /// `postgres://` URL; brings its schema up to date.
  public init(path: String) throws(StoreError) {
    database =
      PostgresDatabase.isURL(path) ? try PostgresDatabase(url: path) : try SQLiteDatabase(path: path)
    try Migrations.migrate(database)
  }

  /// Whether `location` names a PostgreSQL store.
  public static func isServer(_ location: String) -> Bool { PostgresDatabase.isURL(location) }

  // MARK: Writing

  /// Saves a measurement, with its commit's metadata when known, in one transaction.
  @discardableResult
  public func save(_ measurement: ImageMeasurement, commit: CommitRecord? = nil) throws(StoreError) -> SaveOutcome {
    try database.writeTransaction { () throws(StoreError) -> SaveOutcome in try write(measurement, commit: commit) }
  }

  /// The measured time of the stored measurement of (image, commit), if any.
  public func measuredAt(image: String, commit: String) throws(StoreError) -> String? {
    var found: String? = nil
    try database.prepare("SELECT measured_at FROM measurements WHERE image = ? AND commit_oid = ?")
      .query([.text(image), .text(commit)]) { row in found = row.string(0) }
    return found
  }

  /// Writes a measurement, replacing any of the same (commit, image); the caller
  /// holds the transaction.
  /// `observingNoise` is false for imported notes: the note's own noise (if any) is
  /// kept as is, so every clone that imports it records the same.
  func write(_ measurement: ImageMeasurement, commit: CommitRecord?, observingNoise: Bool = true) throws(StoreError)
    -> SaveOutcome
  {
    // Imported notes are checked when decoded; this is the last line before the
    // figures every command reads.
    if let problem = measurement.sizeProblem {
      throw StoreError(
        "the measurement of \(measurement.image) at \(measurement.commit.prefix(12)) is refused: \(problem)")
    }
    // Two writers of the same (commit, image) on PostgreSQL: one waits for the other.
    try database.lock("measurement \(measurement.image) \(measurement.commit)")
    if let commit { try upsert(commit) }
    let previous = try measuredAt(image: measurement.image, commit: measurement.commit)
    var measurement = measurement
    if observingNoise, previous != nil,
      let stored = try readMeasurement(image: measurement.image, commit: measurement.commit)
    {
      // Measured again: what differs from before is the build's noise.
      measurement.noise = MeasurementNoise.observed(previous: stored, new: measurement)
    }
    if previous != nil { try deleteMeasurement(image: measurement.image, commit: measurement.commit) }
    let id = try insertMeasurement(measurement)
    try insertLayers(measurement.layers, id)
    // Debug builds only (what the tests run): a release binary never reads
    // SIZEBUDGET_TEST_PAUSE_AT. A closure injected from the tests cannot reach the
    // separate process they start, so the hook is compiled out instead.
    #if DEBUG
      FaultInjection.pauseIfAsked("mid-write")
    #endif
    try insertPaths(measurement.paths, id)
    try insertWasted(measurement.wasted, id)
    try insertPatterns(measurement, id)
    try insertPackages(measurement.packages, id)
    try insertCategories(measurement.categories, id)
    return previous.map { .replaced(previousMeasuredAt: $0) } ?? .inserted
  }

  /// Replaces the noise recorded with the measurement of (image, commit); the caller
  /// holds the transaction.
  func setNoise(_ noise: MeasurementNoise?, image: String, commit: String) throws(StoreError) {
    try database.prepare(
      "UPDATE measurements SET noise_compressed = ?, noise_uncompressed = ?, noise_layers = ? "
        + "WHERE image = ? AND commit_oid = ?"
    ).run([
      noise.map { .integer($0.compressedBytes) } ?? .null, noise?.uncompressedBytes.map { .integer($0) } ?? .null,
      .optional(noise.map { $0.layers.map(String.init).joined(separator: ",") }), .text(image), .text(commit),
    ])
  }

  /// Widens the noise recorded with the measurement of (image, commit) by `noise`;
  /// the caller holds the transaction.
  func widenNoise(_ noise: MeasurementNoise, image: String, commit: String) throws(StoreError) {
    let stored = try recordedNoise(image: image, commit: commit)
    let widened = MeasurementNoise.union([stored, noise].compactMap { $0 })
    if widened != stored { try setNoise(widened, image: image, commit: commit) }
  }

  /// The noise recorded with the measurement of (image, commit), without reading its
  /// layers and paths: growth rules read it for several recent commits. Nil when
  /// there is no measurement or it has seen none.
  public func recordedNoise(image: String, commit: String) throws(StoreError) -> MeasurementNoise? {
    try measuredNoise(image: image, commit: commit).noise
  }

  /// Whether `image` was measured at `commit`, and the noise recorded with it, in one
  /// indexed query: the noise walk asks both of every commit it passes.
  public func measuredNoise(image: String, commit: String) throws(StoreError)
    -> (measured: Bool, noise: MeasurementNoise?)
  {
    if noiseStatement == nil {
      noiseStatement = try database.prepare(
        "SELECT noise_compressed, noise_uncompressed, noise_layers FROM measurements WHERE image = ? AND commit_oid = ?"
      )
    }
    var measured = false
    var stored: MeasurementNoise? = nil
    try noiseStatement!.query([.text(image), .text(commit)]) { row in
      measured = true
      if let layers = row.text(2) {
        stored = MeasurementNoise(
          compressedBytes: row.integer(0), uncompressedBytes: row.text(1).flatMap { Int64($0) },
          layers: layers.split(separator: ",").compactMap { Int($0) })
      }
    }
    return (measured, stored)
  }

  /// Removes the measurement of (image, commit) with its layers and paths; the
  /// caller holds the transaction.
  func deleteMeasurement(image: String, commit: String) throws(StoreError) {
    try database.prepare("DELETE FROM measurements WHERE image = ? AND commit_oid = ?")
      .run([.text(image), .text(commit)])
  }

  /// Removes the measurement of (image, commit) (`sizebudget forget` on a store with
  /// no notes: PostgreSQL, or outside a repository). Returns whether there was one.
  @discardableResult
  public func remove(image: String, commit: String) throws(StoreError) -> Bool {
    try database.writeTransaction { () throws(StoreError) -> Bool in
      guard try measuredAt(image: image, commit: commit) != nil else { return false }
      try deleteMeasurement(image: image, commit: commit)
      return true
    }
  }

  /// The names of every image the store has a measurement of, sorted.
  public func imageNames() throws(StoreError) -> [String] {
    var names: [String] = []
    try database.prepare("SELECT DISTINCT image FROM measurements ORDER BY image").query { row in
      names.append(row.string(0))
    }
    return names
  }

  private func insertMeasurement(_ m: ImageMeasurement) throws(StoreError) -> Int64 {
    var id: Int64 = 0
    try database.prepare(
      """
      INSERT INTO measurements (image, commit_oid, source, platform, manifest_digest, config_digest,
        compressed_bytes, compressed_estimated, uncompressed_bytes, wasted_bytes, file_count, path_depth,
        tool_version, measured_at, host, layers_read, base_name, base_digest, base_layers, base_how,
        noise_compressed, noise_uncompressed, noise_layers)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
      """
    ).query([
      .text(m.image), .text(m.commit), .text(m.source), .text(m.platform), .optional(m.manifestDigest),
      .optional(m.configDigest), .integer(m.compressedBytes), .bool(m.compressedEstimated),
      .integer(m.uncompressedBytes), .integer(m.wastedBytes), .int(m.fileCount), .int(m.pathDepth),
      .text(m.toolVersion), .text(m.measuredAt), .text(m.host), .bool(m.layersRead),
      .optional(m.baseImage?.name), .optional(m.baseImage?.digest), m.baseImage.map { .int($0.layers) } ?? .null,
      .optional(m.baseImage?.how), m.noise.map { .integer($0.compressedBytes) } ?? .null,
      m.noise?.uncompressedBytes.map { .integer($0) } ?? .null,
      .optional(m.noise.map { $0.layers.map(String.init).joined(separator: ",") }),
    ]) { row in id = row.integer(0) }
    return id
  }

  private func insertLayers(_ layers: [LayerMeasurement], _ id: Int64) throws(StoreError) {
    let insert = try database.prepare("INSERT INTO layers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    for layer in layers {
      try insert.run([
        .integer(id), .int(layer.index), .optional(layer.digest), .optional(layer.diffID), .optional(layer.mediaType),
        .text(layer.compression), .integer(layer.compressedBytes), .bool(layer.compressedEstimated),
        .integer(layer.uncompressedBytes), .int(layer.fileCount), .optional(layer.createdBy),
      ])
    }
  }

  private func insertPaths(_ paths: [PathSize], _ id: Int64) throws(StoreError) {
    let insert = try database.prepare("INSERT INTO paths VALUES (?, ?, ?, ?)")
    for path in paths {
      try insert.run([.integer(id), .text(path.path), .integer(path.bytes), .int(path.files)])
    }
  }

  private func insertWasted(_ files: [WastedFile], _ id: Int64) throws(StoreError) {
    let insert = try database.prepare("INSERT INTO wasted_files VALUES (?, ?, ?, ?, ?, ?, ?)")
    for (rank, file) in files.enumerated() {
      try insert.run([
        .integer(id), .int(rank), .text(file.path), .integer(file.bytes), .int(file.addedIn), .int(file.hiddenIn),
        .text(file.reason.rawValue),
      ])
    }
  }

  private func insertPatterns(_ m: ImageMeasurement, _ id: Int64) throws(StoreError) {
    let insert = try database.prepare("INSERT INTO pattern_matches VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
    for (position, match) in m.forbidden.enumerated() {
      try insert.run([
        .integer(id), .text("forbid"), .int(position), .text(match.pattern), .int(match.files), .integer(match.bytes),
        .bool(true),
        .text(encode(match.examples)),
      ])
    }
    for (position, required) in m.required.enumerated() {
      try insert.run([
        .integer(id), .text("require"), .int(position), .text(required.path), .int(required.present ? 1 : 0),
        .integer(required.bytes), .bool(required.present), .text("[]"),
      ])
    }
  }

  private func insertPackages(_ packages: [PackageSize], _ id: Int64) throws(StoreError) {
    let insert = try database.prepare("INSERT INTO packages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
    for (position, package) in packages.enumerated() {
      try insert.run([
        .integer(id), .int(position), .text(package.ecosystem), .text(package.name), .optional(package.version),
        .optional(package.location), .integer(package.bytes), .int(package.files),
        package.layer.map { .int($0) } ?? .null,
      ])
    }
  }

  private func insertCategories(_ categories: [PatternMatch], _ id: Int64) throws(StoreError) {
    let insert = try database.prepare("INSERT INTO categories VALUES (?, ?, ?, ?, ?)")
    for category in categories {
      try insert.run([
        .integer(id), .text(category.pattern), .int(category.files), .integer(category.bytes),
        .text(encode(category.examples)),
      ])
    }
  }

  private func upsert(_ commit: CommitRecord) throws(StoreError) {
    try database.prepare(
      """
      INSERT INTO commits VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (oid) DO UPDATE SET subject = excluded.subject,
        author_name = excluded.author_name, author_email = excluded.author_email, time = excluded.time,
        size_budget_reasons = excluded.size_budget_reasons
      """
    ).run([
      .text(commit.oid), .text(commit.subject), .text(commit.authorName), .text(commit.authorEmail),
      .integer(commit.time), .text(encode(commit.sizeBudgetReasons)),
    ])
  }

  // MARK: Reading

  /// Metadata of measured commits, by oid.
  public func commits(_ oids: some Sequence<String>) throws(StoreError) -> [String: CommitRecord] {
    var found: [String: CommitRecord] = [:]
    let select = try database.prepare(
      "SELECT oid, subject, author_name, author_email, time, size_budget_reasons FROM commits WHERE oid = ?")
    for oid in Set(oids) {
      try select.query([.text(oid)]) { row throws(StoreError) in
        found[oid] = CommitRecord(
          oid: row.string(0), subject: row.string(1), authorName: row.string(2), authorEmail: row.string(3),
          time: row.integer(4), sizeBudgetReasons: try decode([String].self, row.string(5)))
      }
    }
    return found
  }

  /// Whether `image` was measured at `commit` (an indexed lookup, for walks that
  /// stop at the first measured commit).
  public func hasMeasurement(image: String, commit: String) throws(StoreError) -> Bool {
    if existsStatement == nil {
      existsStatement = try database.prepare("SELECT 1 FROM measurements WHERE image = ? AND commit_oid = ?")
    }
    var found = false
    try existsStatement!.query([.text(image), .text(commit)]) { _ in found = true }
    return found
  }

  /// Headline figures of the measurements of these commits (every image, or one).
  public func summaries(commits: some Sequence<String>, image: String? = nil) throws(StoreError)
    -> [MeasurementSummary]
  {
    var result: [MeasurementSummary] = []
    let select = try database.prepare(
      """
      SELECT image, commit_oid, compressed_bytes, uncompressed_bytes, wasted_bytes, measured_at, source,
        compressed_estimated
      FROM measurements WHERE commit_oid = ? \(image == nil ? "" : "AND image = ?")
      """)
    for commit in commits {
      try select.query([.text(commit)] + (image.map { [.text($0)] } ?? [])) { row in
        result.append(summary(row))
      }
    }
    return result
  }

  private func summary(_ row: any Row) -> MeasurementSummary {
    MeasurementSummary(
      image: row.string(0), commit: row.string(1), compressedBytes: row.integer(2), uncompressedBytes: row.integer(3),
      wastedBytes: row.integer(4), measuredAt: row.string(5), source: row.string(6), compressedEstimated: row.bool(7))
  }

  /// The measurement of `image` at `commit` (a full oid), if there is one.
  public func measurement(image: String, commit: String) throws(StoreError) -> ImageMeasurement? {
    // The headline and its details in one snapshot: a concurrent re-measure replaces
    // the rows (new id), which a second snapshot would find without layers.
    try database.readTransaction { () throws(StoreError) in try readMeasurement(image: image, commit: commit) }
  }

  private func readMeasurement(image: String, commit: String) throws(StoreError) -> ImageMeasurement? {
    var found: (Int64, ImageMeasurement)? = nil
    try database.prepare(
      """
      SELECT id, image, commit_oid, source, platform, manifest_digest, config_digest, compressed_bytes,
        compressed_estimated, uncompressed_bytes, wasted_bytes, file_count, path_depth, tool_version,
        measured_at, host, layers_read, base_name, base_digest, base_layers, base_how, noise_compressed,
        noise_uncompressed, noise_layers
      FROM measurements WHERE image = ? AND commit_oid = ?
      """
    ).query([.text(image), .text(commit)]) { row in
      var measurement =
        ImageMeasurement(
          image: row.string(1), commit: row.string(2), source: row.string(3), platform: row.string(4),
          manifestDigest: row.text(5), configDigest: row.text(6), compressedBytes: row.integer(7),
          compressedEstimated: row.bool(8), uncompressedBytes: row.integer(9), wastedBytes: row.integer(10),
          fileCount: row.int(11), pathDepth: row.int(12), toolVersion: row.string(13), measuredAt: row.string(14),
          host: row.string(15), layers: [], paths: [], wasted: [], forbidden: [], required: [])
      measurement.layersRead = row.bool(16)
      if let how = row.text(20) {
        measurement.baseImage = BaseImage(name: row.text(17), digest: row.text(18), layers: row.int(19), how: how)
      }
      if let layers = row.text(23) {
        measurement.noise = MeasurementNoise(
          compressedBytes: row.integer(21), uncompressedBytes: row.text(22).flatMap { Int64($0) },
          layers: layers.split(separator: ",").compactMap { Int($0) })
      }
      found = (row.integer(0), measurement)
    }
    guard let (id, headline) = found else { return nil }
    var measurement = headline
    try loadDetails(id, into: &measurement)
    return measurement
  }

  /// Every measurement's headline figures, newest first (no layers or paths).
  public func summaries(image: String? = nil) throws(StoreError) -> [MeasurementSummary] {
    var result: [MeasurementSummary] = []
    let filter = image == nil ? "" : "WHERE image = ?"
    try database.prepare(
      """
      SELECT image, commit_oid, compressed_bytes, uncompressed_bytes, wasted_bytes, measured_at, source,
        compressed_estimated
      FROM measurements \(filter) ORDER BY measured_at\(database.dialect.byteOrder) DESC, id DESC
      """
    ).query(image.map { [.text($0)] } ?? []) { row in result.append(summary(row)) }
    return result
  }

  private func loadDetails(_ id: Int64, into m: inout ImageMeasurement) throws(StoreError) {
    var layers: [LayerMeasurement] = []
    try database.prepare(
      """
      SELECT position, digest, diff_id, media_type, compression, compressed_bytes, compressed_estimated,
        uncompressed_bytes, file_count, created_by FROM layers WHERE measurement_id = ? ORDER BY position
      """
    ).query([.integer(id)]) { row in
      layers.append(
        LayerMeasurement(
          index: row.int(0), digest: row.text(1), diffID: row.text(2), mediaType: row.text(3),
          compression: row.string(4), compressedBytes: row.integer(5), compressedEstimated: row.bool(6),
          uncompressedBytes: row.integer(7), fileCount: row.int(8), createdBy: row.text(9)))
    }
    var paths: [PathSize] = []
    try database.prepare(
      "SELECT path, bytes, files FROM paths WHERE measurement_id = ? ORDER BY path\(database.dialect.byteOrder)"
    )
    .query([.integer(id)]) { row in
      paths.append(PathSize(path: row.string(0), bytes: row.integer(1), files: row.int(2)))
    }
    var wasted: [WastedFile] = []
    try database.prepare(
      "SELECT path, bytes, added_in, hidden_in, reason FROM wasted_files WHERE measurement_id = ? ORDER BY rank"
    ).query([.integer(id)]) { row in
      wasted.append(
        WastedFile(
          path: row.string(0), bytes: row.integer(1), addedIn: row.int(2), hiddenIn: row.int(3),
          reason: WastedFile.Reason(rawValue: row.string(4)) ?? .overwritten))
    }
    var forbidden: [PatternMatch] = []
    var required: [RequiredPath] = []
    try database.prepare(
      "SELECT kind, pattern, files, bytes, present, examples FROM pattern_matches WHERE measurement_id = ? ORDER BY kind\(database.dialect.byteOrder), position"
    ).query([.integer(id)]) { row throws(StoreError) in
      if row.string(0) == "forbid" {
        forbidden.append(
          PatternMatch(
            pattern: row.string(1), files: row.int(2), bytes: row.integer(3),
            examples: try decode([PatternMatch.Example].self, row.string(5))))
      } else {
        required.append(RequiredPath(path: row.string(1), present: row.bool(4), bytes: row.integer(3)))
      }
    }
    var packages: [PackageSize] = []
    try database.prepare(
      "SELECT ecosystem, name, version, location, bytes, files, layer FROM packages WHERE measurement_id = ? ORDER BY position"
    ).query([.integer(id)]) { row in
      packages.append(
        PackageSize(
          ecosystem: row.string(0), name: row.string(1), version: row.text(2), location: row.text(3),
          bytes: row.integer(4), files: row.int(5), layer: row.text(6).flatMap { Int($0) }))
    }
    var categories: [PatternMatch] = []
    try database.prepare(
      "SELECT name, files, bytes, examples FROM categories WHERE measurement_id = ? ORDER BY name\(database.dialect.byteOrder)"
    )
    .query([.integer(id)]) { row throws(StoreError) in
      categories.append(
        PatternMatch(
          pattern: row.string(0), files: row.int(1), bytes: row.integer(2),
          examples: try decode([PatternMatch.Example].self, row.string(3))))
    }
    m.packages = packages
    m.categories = categories
    m.layers = layers
    m.paths = paths
    m.wasted = wasted
    m.forbidden = forbidden
    m.required = required
  }

  /// Compressed-size estimates made before for these uncompressed layers, by diff id:
  /// one made of a tar of the layer's size where there is one (the only kind the
  /// measurer uses), else any, for its refusal to say what differs.
  public func knownEstimates(for layers: [(diffID: String, tarBytes: Int64?)]) throws(StoreError)
    -> [String: KnownEstimate]
  {
    var estimates: [String: KnownEstimate] = [:]
    let sized = try database.prepare(
      """
      SELECT compressed_bytes, uncompressed_bytes FROM layers
      WHERE diff_id = ? AND uncompressed_bytes = ? AND compressed_estimated = 1 LIMIT 1
      """)
    let any = try database.prepare(
      "SELECT compressed_bytes, uncompressed_bytes FROM layers WHERE diff_id = ? AND compressed_estimated = 1 LIMIT 1")
    for (diffID, tarBytes) in layers where estimates[diffID] == nil {
      let found = { (row: any Row) in
        estimates[diffID] = KnownEstimate(compressedBytes: row.integer(0), tarBytes: row.integer(1))
      }
      if let tarBytes { try sized.query([.text(diffID), .integer(tarBytes)], found) }
      if estimates[diffID] == nil { try any.query([.text(diffID)], found) }
    }
    return estimates
  }

  /// `PRAGMA integrity_check`: "ok", or what is wrong (a PostgreSQL server checks
  /// itself: "ok").
  public func integrityCheck() throws(StoreError) -> String {
    if database.dialect == .postgres { return "ok" }
    var lines: [String] = []
    try database.prepare("PRAGMA integrity_check").query { row in lines.append(row.string(0)) }
    return lines.joined(separator: "\n")
  }

  private func encode<T: Encodable>(_ value: T) -> String {
    (try? JSONEncoder().encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
  }

  private func decode<T: Decodable>(_ type: T.Type, _ text: String) throws(StoreError) -> T {
    do {
      return try JSONDecoder().decode(type, from: Data(text.utf8))
    } catch {
      throw StoreError("\(path): a stored list of examples is unreadable: \(error)")
    }
  }
}

/// A measured commit's metadata, kept so that log and reports need no clone.
public struct CommitRecord: Sendable, Equatable {
  public var oid: String
  public var subject: String
  public var authorName: String
  public var authorEmail: String
  /// Seconds since 1970, the author date.
  public var time: Int64
  public var sizeBudgetReasons: [String]

  public init(
    oid: String, subject: String, authorName: String, authorEmail: String, time: Int64, sizeBudgetReasons: [String]
  ) {
    self.oid = oid
    self.subject = subject
    self.authorName = authorName
    self.authorEmail = authorEmail
    self.time = time
    self.sizeBudgetReasons = sizeBudgetReasons
  }
}

/// A measurement's headline figures, for lists.
public struct MeasurementSummary: Sendable, Equatable {
  public var image: String
  public var commit: String
  public var compressedBytes: Int64
  public var uncompressedBytes: Int64
  public var wastedBytes: Int64
  public var measuredAt: String
  public var source: String
  /// The compressed size is an estimate (layers stored uncompressed).
  public var compressedEstimated: Bool

  public func bytes(for metric: String) -> Int64 { metric == "uncompressed" ? uncompressedBytes : compressedBytes }
}
