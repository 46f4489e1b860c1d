import Analysis
import Model

/// Diffing two measurements (the data is Model's `MeasurementDiff`).
extension MeasurementDiff {
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
    return changes.sorted { ($0.delta.magnitude, $1.name) > ($1.delta.magnitude, $0.name) }
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
      let delta = (after[path] ?? 0).saturatingSubtracting(before[path] ?? 0)
      if delta != 0 { deltas[path] = delta }
    }
    // A path is shown unless its recorded children account for at least half of its
    // change: "/usr/lib/gcc +82 MB" says more than "/ +235 MB".
    var childSum: [String: Int64] = [:]
    for (path, delta) in deltas where path != "/" {
      childSum[parentPath(path), default: 0] = (childSum[parentPath(path)] ?? 0).saturatingAdding(delta)
    }
    let explaining = deltas.filter { path, delta in
      guard let children = childSum[path], children.signum() == delta.signum() else { return true }
      // magnitude, not abs: abs(Int64.min) traps. 2c < d ⇔ c < ⌈d / 2⌉.
      return children.magnitude < (delta.magnitude + 1) / 2
    }
    return explaining.map { PathChange(path: $0.key, before: before[$0.key] ?? 0, after: after[$0.key] ?? 0) }
      .sorted { ($0.delta.magnitude, $1.path) > ($1.delta.magnitude, $0.path) }
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

extension MeasurementDiff {
  /// The layer changes that are the image's own: with `baseLayers` (how many first
  /// layers of the old and the new measurement are the base image's) a rebuilt base's
  /// layers, added or gone, are left out; the growth split says the rebuild once.
  public func ownLayers(baseLayers: (old: Int, new: Int)?) -> [LayerChange] {
    guard let baseLayers else { return layers }
    return layers.filter { layer in
      switch layer.kind {
      case .added: layer.index >= baseLayers.new
      case .removed: layer.index >= baseLayers.old
      case .unchanged: true
      }
    }
  }
}
