/// What changed between two measurements of an image: the view people built by hand
/// in the seed investigations (docker history side by side, du in both containers).
public struct MeasurementDiff: Sendable, Codable {
  public struct Totals: Sendable, Codable {
    public var before: Int64
    public var after: Int64
    /// True when that side is an estimate (a docker-archive's compressed size); left
    /// out of JSON when false.
    public var beforeEstimated: Bool? = nil
    public var afterEstimated: Bool? = nil
    public var delta: Int64 { after.saturatingSubtracting(before) }
    public var isEstimate: Bool { beforeEstimated == true || afterEstimated == true }

    public init(before: Int64, after: Int64, beforeEstimated: Bool? = nil, afterEstimated: Bool? = nil) {
      self.before = before
      self.after = after
      self.beforeEstimated = beforeEstimated
      self.afterEstimated = afterEstimated
    }
  }

  public struct LayerChange: Sendable, Codable {
    public enum Kind: String, Sendable, Codable { case added, removed, unchanged }
    public var kind: Kind
    public var index: Int
    public var diffID: String?
    public var compressedBytes: Int64
    public var uncompressedBytes: Int64
    public var createdBy: String?
    /// True when `compressedBytes` is an estimate; left out of JSON when false.
    public var compressedEstimated: Bool? = nil

    public init(
      kind: Kind, index: Int, diffID: String?, compressedBytes: Int64, uncompressedBytes: Int64, createdBy: String?,
      compressedEstimated: Bool? = nil
    ) {
      self.kind = kind
      self.index = index
      self.diffID = diffID
      self.compressedBytes = compressedBytes
      self.uncompressedBytes = uncompressedBytes
      self.createdBy = createdBy
      self.compressedEstimated = compressedEstimated
    }
  }

  public struct PathChange: Sendable, Codable {
    public var path: String
    public var before: Int64
    public var after: Int64
    public var delta: Int64 { after.saturatingSubtracting(before) }

    public init(path: String, before: Int64, after: Int64) {
      self.path = path
      self.before = before
      self.after = after
    }
  }

  public struct ForbiddenChange: Sendable, Codable {
    public var pattern: String
    public var filesBefore: Int
    public var filesAfter: Int
    public var bytesAfter: Int64
    public var examples: [PatternMatch.Example]

    public init(pattern: String, filesBefore: Int, filesAfter: Int, bytesAfter: Int64, examples: [PatternMatch.Example])
    {
      self.pattern = pattern
      self.filesBefore = filesBefore
      self.filesAfter = filesAfter
      self.bytesAfter = bytesAfter
      self.examples = examples
    }
  }

  public var compressed: Totals
  public var uncompressed: Totals
  public var wasted: Totals
  public var files: Totals
  /// The new image's layers in order (kept or added), then the old layers it dropped.
  public var layers: [LayerChange]
  /// Paths that grew or shrank, largest change first; a parent whose change is mostly
  /// its children's is left out, so the list names where the bytes went.
  public var paths: [PathChange]
  /// Forbidden patterns that match more files than before.
  public var forbiddenAppeared: [ForbiddenChange]
  /// Packages added, removed or changed in size or version, the largest change first.
  public var packages: [PackageChange] = []

  public init(
    compressed: Totals, uncompressed: Totals, wasted: Totals, files: Totals, layers: [LayerChange], paths: [PathChange],
    forbiddenAppeared: [ForbiddenChange], packages: [PackageChange] = []
  ) {
    self.compressed = compressed
    self.uncompressed = uncompressed
    self.wasted = wasted
    self.files = files
    self.layers = layers
    self.paths = paths
    self.forbiddenAppeared = forbiddenAppeared
    self.packages = packages
  }

  public struct PackageChange: Sendable, Codable {
    public enum Kind: String, Sendable, Codable { case added, removed, changed }
    public var kind: Kind
    public var ecosystem: String
    public var name: String
    public var location: String?
    public var versionBefore: String?
    public var versionAfter: String?
    public var before: Int64
    public var after: Int64
    public var delta: Int64 { after.saturatingSubtracting(before) }

    public init(
      kind: Kind, ecosystem: String, name: String, location: String?, versionBefore: String?, versionAfter: String?,
      before: Int64, after: Int64
    ) {
      self.kind = kind
      self.ecosystem = ecosystem
      self.name = name
      self.location = location
      self.versionBefore = versionBefore
      self.versionAfter = versionAfter
      self.before = before
      self.after = after
    }
  }
}
