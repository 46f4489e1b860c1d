import Analysis
import Model

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
    public var delta: Int64 { after - before }
    public var isEstimate: Bool { beforeEstimated == true || afterEstimated == true }
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
  }

  public struct PathChange: Sendable, Codable {
    public var path: String
    public var before: Int64
    public var after: Int64
    public var delta: Int64 { after - before }
  }

  public struct ForbiddenChange: Sendable, Codable {
    public var pattern: String
    public var filesBefore: Int
    public var filesAfter: Int
    public var bytesAfter: Int64
    public var examples: [PatternMatch.Example]
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
    public var delta: Int64 { after - before }
  }

  public static func between(_ old: ImageMeasurement, _ new: ImageMeasurement, pathLimit: Int = 20)
    -> MeasurementDiff
  {
    MeasurementDiff(
      compressed: Totals(
        before: old.compressedBytes, after: new.compressedBytes,
        beforeEstimated: old.compressedEstimated ? true : nil, afterEstimated: new.compressedEstimated ? true : nil),
      uncompressed: Totals(before: old.uncompressedBytes, after: new.uncompressedBytes),
      wasted: Totals(before: old.wastedBytes, after: new.wastedBytes),
      files: Totals(before: Int64(old.fileCount), after: Int64(new.fileCount)),
      layers: layerChanges(old, new), paths: pathChanges(old, new, limit: pathLimit),
      forbiddenAppeared: forbiddenChanges(old, new), packages: packageChanges(old, new))
  }

  /// Packages matched by ecosystem, name and location (a venv is its own place).
  static func packageChanges(_ old: ImageMeasurement, _ new: ImageMeasurement) -> [PackageChange] {
    let before = Dictionary(
      old.packages.filter { $0.ecosystem != "none" }.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    let after = Dictionary(
      new.packages.filter { $0.ecosystem != "none" }.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    var changes: [PackageChange] = []
    for key in Set(before.keys).union(after.keys) {
      let old = before[key]
      let new = after[key]
      let package = (new ?? old)!
      let kind: PackageChange.Kind = old == nil ? .added : new == nil ? .removed : .changed
      if kind == .changed && old!.bytes == new!.bytes && old!.version == new!.version { continue }
      changes.append(
        PackageChange(
          kind: kind, ecosystem: package.ecosystem, name: package.name, location: package.location,
          versionBefore: old?.version, versionAfter: new?.version, before: old?.bytes ?? 0, after: new?.bytes ?? 0))
    }
    return changes.sorted { (abs($0.delta), $1.name) > (abs($1.delta), $0.name) }
  }

  /// Layers are the same when their diff ids are (a rebuilt layer with the same
  /// content keeps its diff id even when its compressed blob differs).
  static func layerChanges(_ old: ImageMeasurement, _ new: ImageMeasurement) -> [LayerChange] {
    let oldIDs = Set(old.layers.compactMap(\.diffID))
    let newIDs = Set(new.layers.compactMap(\.diffID))
    var changes = new.layers.map { layer in
      LayerChange(
        kind: layer.diffID.map(oldIDs.contains) ?? false ? .unchanged : .added, index: layer.index,
        diffID: layer.diffID, compressedBytes: layer.compressedBytes, uncompressedBytes: layer.uncompressedBytes,
        createdBy: layer.createdBy, compressedEstimated: layer.compressedEstimated ? true : nil)
    }
    for layer in old.layers where !(layer.diffID.map(newIDs.contains) ?? false) {
      changes.append(
        LayerChange(
          kind: .removed, index: layer.index, diffID: layer.diffID, compressedBytes: layer.compressedBytes,
          uncompressedBytes: layer.uncompressedBytes, createdBy: layer.createdBy,
          compressedEstimated: layer.compressedEstimated ? true : nil))
    }
    return changes
  }

  static func pathChanges(_ old: ImageMeasurement, _ new: ImageMeasurement, limit: Int) -> [PathChange] {
    var before: [String: Int64] = [:]
    for row in old.paths { before[row.path] = row.bytes }
    var after: [String: Int64] = [:]
    for row in new.paths { after[row.path] = row.bytes }
    // A path missing from one side compares as 0 when that side would have recorded
    // it: within its depth, or (below it) because paths of 1 MB or more are always
    // kept, so a missing one held less (the change is then right to within 1 MB).
    let depth = min(old.pathDepth, new.pathDepth)
    let threshold = ImageMeasurement.deepPathThreshold
    var deltas: [String: Int64] = [:]
    for path in Set(before.keys).union(after.keys) {
      let levels = path == "/" ? 0 : path.split(separator: "/").count
      let present = max(before[path] ?? 0, after[path] ?? 0)
      let known = (before[path] != nil && after[path] != nil) || levels <= depth || present >= 2 * threshold
      guard known else { continue }
      let delta = (after[path] ?? 0) - (before[path] ?? 0)
      if delta != 0 { deltas[path] = delta }
    }
    // A path is shown unless its recorded children account for at least half of its
    // change: "/usr/lib/gcc +82 MB" says more than "/ +235 MB".
    var childSum: [String: Int64] = [:]
    for (path, delta) in deltas where path != "/" {
      childSum[parentPath(path), default: 0] += delta
    }
    let explaining = deltas.filter { path, delta in
      guard let children = childSum[path], children.signum() == delta.signum() else { return true }
      return abs(children) * 2 < abs(delta)
    }
    return explaining.map { PathChange(path: $0.key, before: before[$0.key] ?? 0, after: after[$0.key] ?? 0) }
      .sorted { (abs($0.delta), $1.path) > (abs($1.delta), $0.path) }
      .prefix(limit).map { $0 }
  }

  static func forbiddenChanges(_ old: ImageMeasurement, _ new: ImageMeasurement) -> [ForbiddenChange] {
    new.forbidden.compactMap { match in
      let previous = old.forbidden.first { $0.pattern == match.pattern }?.files ?? 0
      guard match.files > previous else { return nil }
      return ForbiddenChange(
        pattern: match.pattern, filesBefore: previous, filesAfter: match.files, bytesAfter: match.bytes,
        examples: Array(match.examples.prefix(5)))
    }
  }

  static func parentPath(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
    return String(path[..<slash])
  }
}
