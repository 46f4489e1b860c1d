/// How far apart measurements of one commit and image came out: builds that are not
/// reproducible (timestamps, pip's wheel order, build ids) make the same commit a few
/// kB bigger or smaller each time, and a tight growth rule would flap on that.
public struct MeasurementNoise: Sendable, Codable, Equatable {
  /// The largest difference seen between two measurements of the commit.
  public var compressedBytes: Int64
  /// Nil when either measurement read only a manifest (no uncompressed sizes).
  public var uncompressedBytes: Int64?
  /// Layers made by the same instruction whose digests differed between two
  /// measurements: the nondeterministic steps of the build.
  public var layers: [Int]

  public init(compressedBytes: Int64, uncompressedBytes: Int64?, layers: [Int]) {
    self.compressedBytes = compressedBytes
    self.uncompressedBytes = uncompressedBytes
    self.layers = layers
  }

  public func bytes(for metric: String) -> Int64? { metric == "uncompressed" ? uncompressedBytes : compressedBytes }

  /// What a new measurement of the same commit adds to what was seen before. Nil
  /// when the two are not comparable (one read only a manifest, one compressed size
  /// is an estimate and the other exact), since their difference is not noise.
  public static func observed(previous: ImageMeasurement, new: ImageMeasurement) -> MeasurementNoise? {
    guard previous.image == new.image, previous.commit == new.commit, previous.layersRead == new.layersRead,
      previous.compressedEstimated == new.compressedEstimated
    else { return previous.noise }
    let changedLayers = zip(previous.layers, new.layers).filter { old, new in
      old.createdBy == new.createdBy && old.diffID != nil && new.diffID != nil && old.diffID != new.diffID
    }.map { $0.1.index }
    let seen = MeasurementNoise(
      compressedBytes: abs(new.compressedBytes - previous.compressedBytes),
      uncompressedBytes: new.layersRead ? abs(new.uncompressedBytes - previous.uncompressedBytes) : nil,
      layers: changedLayers)
    guard let before = previous.noise else { return seen.isEmpty ? nil : seen }
    return MeasurementNoise(
      compressedBytes: max(before.compressedBytes, seen.compressedBytes),
      uncompressedBytes: seen.uncompressedBytes.map { max($0, before.uncompressedBytes ?? 0) },
      layers: Array(Set(before.layers).union(seen.layers)).sorted())
  }

  var isEmpty: Bool { compressedBytes == 0 && (uncompressedBytes ?? 0) == 0 && layers.isEmpty }
}
