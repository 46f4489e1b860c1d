import Analysis
import Budgets
import Model

/// The growth split's figures (Model's `GrowthSplit`) and its words: computed here
/// once for every output. The base's layers are the first `BaseImage.layers` of each
/// measurement (from the builder's annotations or `base_image`), else the layers both
/// share from the start (`common prefix`, which cannot tell a rebuilt base from own
/// layers: then everything counts as own).
extension GrowthSplit {
  func delta(_ bytes: Int64) -> String { ByteSize.formatDelta(bytes, estimated: estimated) }

  /// `base image python:3.11-slim +5.2 MB, own layers +1 kB`; whether the base was
  /// rebuilt is `baseLine`'s to say, once.
  /// With only a common prefix the base is not known, only the layers both share:
  /// `shared layers ±0 B, own layers +1 kB`.
  public var summary: String {
    let base = how == "common prefix" ? "shared layers" : "base image \(baseLabel)"
    return "\(base) \(delta(baseDelta)), own layers \(delta(ownDelta))"
  }

  /// `python:3.11-slim rebuilt upstream: +5.2 MB (sha256:ab… → sha256:cd…)`.
  public var baseLine: String? {
    guard baseChanged else { return nil }
    let digests =
      baseDigestBefore != nil || baseDigestAfter != nil
      ? " (\(short(baseDigestBefore)) → \(short(baseDigestAfter)))" : ""
    return "\(baseLabel) rebuilt upstream: \(delta(baseDelta))\(digests)"
  }

  func short(_ digest: String?) -> String { digest.map { String($0.prefix(19)) } ?? "?" }

  public static func between(_ old: ImageMeasurement, _ new: ImageMeasurement, metric: Metric) -> GrowthSplit? {
    guard let (oldCount, newCount) = baseLayerCounts(old, new) else { return nil }
    func bytes(_ m: ImageMeasurement, _ count: Int) -> Int64 {
      m.layers.prefix(count).reduce(0) {
        $0.saturatingAdding(metric == .compressed ? $1.compressedBytes : $1.uncompressedBytes)
      }
    }
    let baseDelta = bytes(new, newCount).saturatingSubtracting(bytes(old, oldCount))
    let totalDelta = new.bytes(for: metric.rawValue).saturatingSubtracting(old.bytes(for: metric.rawValue))
    let known = new.baseImage ?? old.baseImage
    var split = GrowthSplit(
      // Normalised as Docker does, also for measurements stored before names were (a
      // local source as written).
      baseName: known?.name.map(DockerReference.normalisedImageName), baseDigestBefore: old.baseImage?.digest,
      baseDigestAfter: new.baseImage?.digest,
      how: known?.how ?? "common prefix", baseDelta: baseDelta, ownDelta: totalDelta.saturatingSubtracting(baseDelta),
      baseChanged: baseLayersDiffer(
        old.layers.prefix(oldCount), new.layers.prefix(newCount), bytesDiffer: baseDelta != 0))
    split.estimated = metric == .compressed && (old.compressedEstimated || new.compressedEstimated)
    return split
  }

  /// How many of the first layers of each measurement are the base image's; nil when
  /// that is not known.
  public static func baseLayerCounts(_ old: ImageMeasurement, _ new: ImageMeasurement) -> (old: Int, new: Int)? {
    let shared = zip(old.layers, new.layers).prefix { $0.diffID != nil && $0.diffID == $1.diffID }.count
    switch (old.baseImage?.layers, new.baseImage?.layers) {
    case (let before?, let after?): return (before, after)
    // One side was measured without the base known: only an unchanged base lets
    // its count stand for both.
    case (let known?, nil), (nil, let known?): return shared >= known ? (known, known) : nil
    case (nil, nil): return shared > 0 ? (shared, shared) : nil
    }
  }

  /// Whether two bases are different images: their layers' diff IDs, in order. A
  /// layer without a diff ID (an estimate-only source) leaves only the bytes to tell.
  static func baseLayersDiffer(
    _ old: ArraySlice<LayerMeasurement>, _ new: ArraySlice<LayerMeasurement>, bytesDiffer: Bool
  )
    -> Bool
  {
    guard old.allSatisfy({ $0.diffID != nil }), new.allSatisfy({ $0.diffID != nil }) else { return bytesDiffer }
    return old.map(\.diffID) != new.map(\.diffID)
  }
}

extension ImageEvaluation {
  /// The growth against the base measurement, split into base image and own layers.
  public var growthSplit: GrowthSplit? {
    base.flatMap { GrowthSplit.between($0.measurement, measurement, metric: metric) }
  }

  /// How many first layers of the base measurement and of this one are the base
  /// image's: "what grew" leaves them to the growth split.
  public var baseLayerCounts: (old: Int, new: Int)? {
    base.flatMap { GrowthSplit.baseLayerCounts($0.measurement, measurement) }
  }
}
