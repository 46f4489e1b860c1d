import Analysis

/// A package as an earlier measurement saw it: what prices a dependency line that
/// a push adds before any image holding it is built.
public struct PackageSighting: Sendable, Equatable {
  public var image: String
  public var commit: String
  public var ecosystem: String
  public var name: String
  public var version: String?
  /// Its files' bytes in that image, uncompressed.
  public var bytes: Int64
  public var measuredAt: String
  /// The whole image's compressed and uncompressed totals, for its compression ratio.
  public var imageCompressedBytes: Int64
  public var imageUncompressedBytes: Int64

  public init(
    image: String, commit: String, ecosystem: String, name: String, version: String?, bytes: Int64,
    measuredAt: String, imageCompressedBytes: Int64, imageUncompressedBytes: Int64
  ) {
    self.image = image
    self.commit = commit
    self.ecosystem = ecosystem
    self.name = name
    self.version = version
    self.bytes = bytes
    self.measuredAt = measuredAt
    self.imageCompressedBytes = imageCompressedBytes
    self.imageUncompressedBytes = imageUncompressedBytes
  }
}

extension MeasurementStore {
  /// Every stored sighting of these packages of one ecosystem, in any measurement of
  /// any image, newest first. Names compare as `PackageSighting.normalized` makes
  /// them (Python's `Typing_Extensions` is `typing-extensions`).
  public func sightings(ecosystem: String, names: Set<String>) throws(StoreError) -> [PackageSighting] {
    guard !names.isEmpty else { return [] }
    let wanted = Set(names.map(PackageSighting.normalized))
    var found: [PackageSighting] = []
    // The normalisation is done here rather than in SQL, so SQLite and PostgreSQL agree;
    // the scan reads one ecosystem's rows once.
    try database.prepare(
      """
      SELECT m.image, m.commit_oid, p.name, p.version, p.bytes, m.measured_at, m.compressed_bytes,
        m.uncompressed_bytes
      FROM packages p JOIN measurements m ON m.id = p.measurement_id
      WHERE p.ecosystem = ?
      """
    ).query([.text(ecosystem)]) { row in
      let name = row.string(2)
      guard wanted.contains(PackageSighting.normalized(name)) else { return }
      found.append(
        PackageSighting(
          image: row.string(0), commit: row.string(1), ecosystem: ecosystem, name: name, version: row.text(3),
          bytes: row.integer(4), measuredAt: row.string(5), imageCompressedBytes: row.integer(6),
          imageUncompressedBytes: row.integer(7)))
    }
    return found.sorted { ImageMeasurement.isLater($0.measuredAt, than: $1.measuredAt) }
  }
}

extension PackageSighting {
  /// Lower case, runs of `-`, `_` and `.` as one `-` (PEP 503; harmless for deb, apk, npm).
  public static func normalized(_ name: String) -> String {
    var out = ""
    var separator = false
    for character in name.lowercased() {
      if character == "-" || character == "_" || character == "." {
        separator = true
      } else {
        if separator && !out.isEmpty { out.append("-") }
        separator = false
        out.append(character)
      }
    }
    return out
  }
}
