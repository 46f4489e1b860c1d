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

  /// What a new measurement of the same commit adds to what was seen before. Keeps
  /// what was seen when the two are not comparable (one read only a manifest, one
  /// compressed size is an estimate and the other exact). Nil when the new one is
  /// another image (a correction: other layers or instructions), whose difference is
  /// a mistake put right, not the build's noise.
  public static func observed(previous: ImageMeasurement, new: ImageMeasurement) -> MeasurementNoise? {
    combined(new, with: previous)
  }

  /// The noise `kept`, the measurement that stays, carries after meeting `other`, a
  /// measurement of the same commit and image taken elsewhere or earlier (measured
  /// again here, or by another clone and met in a sync): the spread between the
  /// two, and what each had already seen. Symmetric in what it counts, so that
  /// clones that meet the same measurements in any order record the same noise.
  /// A correction (`other` is another image) leaves `kept`'s own noise only; two
  /// that are not comparable (one read only a manifest, one compressed size an
  /// estimate) add nothing between them.
  public static func combined(_ kept: ImageMeasurement, with other: ImageMeasurement) -> MeasurementNoise? {
    guard isRebuild(other, kept) else { return kept.noise }
    var noises = [kept.noise, other.noise].compactMap { $0 }
    if other.layersRead == kept.layersRead, other.compressedEstimated == kept.compressedEstimated {
      let changedLayers = zip(other.layers, kept.layers).filter { old, new in
        old.createdBy == new.createdBy && old.diffID != nil && new.diffID != nil && old.diffID != new.diffID
      }.map { $0.1.index }
      noises.append(
        MeasurementNoise(
          compressedBytes: abs(kept.compressedBytes - other.compressedBytes),
          uncompressedBytes: kept.layersRead ? abs(kept.uncompressedBytes - other.uncompressedBytes) : nil,
          layers: changedLayers))
    }
    return union(noises)
  }

  /// The widest of several observations: the largest spreads, every changed layer.
  /// Nil when nothing was seen.
  public static func union(_ noises: [MeasurementNoise]) -> MeasurementNoise? {
    guard let first = noises.first else { return nil }
    let merged = noises.dropFirst().reduce(first) { a, b in
      MeasurementNoise(
        compressedBytes: max(a.compressedBytes, b.compressedBytes),
        uncompressedBytes: a.uncompressedBytes.map { max($0, b.uncompressedBytes ?? 0) } ?? b.uncompressedBytes,
        layers: Array(Set(a.layers).union(b.layers)).sorted())
    }
    return merged.isEmpty ? nil : merged
  }

  /// Whether `new` is the same commit's image built again: as many layers, each made
  /// by the same instruction (history `created_by`).
  public static func isRebuild(_ previous: ImageMeasurement, _ new: ImageMeasurement) -> Bool {
    previous.image == new.image && previous.commit == new.commit && previous.layers.count == new.layers.count
      && zip(previous.layers, new.layers).allSatisfy { $0.createdBy == $1.createdBy }
  }

  /// The noise that bears on a growth judgement: the largest spread, in `metric`,
  /// among `observed` (the image's recent measurements, each with its commit), and
  /// where it was seen. Nil when none saw any.
  public static func bearingOn(_ observed: [(commit: String, noise: MeasurementNoise)], metric: String)
    -> (commit: String, bytes: Int64)?
  {
    observed.compactMap { seen in seen.noise.bytes(for: metric).map { (seen.commit, $0) } }
      .filter { $0.1 > 0 }.max { $0.1 < $1.1 }
  }

  var isEmpty: Bool { compressedBytes == 0 && (uncompressedBytes ?? 0) == 0 && layers.isEmpty }
}
