import Analysis
import Budgets

/// Growth between two measurements split into what the base image brought and what
/// the image's own layers added. The base's layers are the first `BaseImage.layers`
/// of each measurement (from the builder's annotations or `base_image`), else the
/// layers both share from the start (`common prefix`, which cannot tell a rebuilt
/// base from own layers: then everything counts as own).
public struct GrowthSplit: Sendable, Codable, Equatable {
  public var baseName: String?
  public var baseDigestBefore: String?
  public var baseDigestAfter: String?
  /// How the base's layers were found (`annotations`, `base_image`, `common prefix`).
  public var how: String
  public var baseDelta: Int64
  public var ownDelta: Int64

  /// True when the base image itself changed: another digest, or other bytes.
  public var baseChanged: Bool {
    baseDelta != 0 || (baseDigestBefore != nil && baseDigestAfter != nil && baseDigestBefore != baseDigestAfter)
  }

  public var baseLabel: String { baseName ?? "the base image" }

  /// `base image python:3.11-slim +5.2 MB (rebuilt upstream), own layers +1 kB`.
  public var summary: String {
    let base = "base image \(baseLabel) \(ByteSize.formatDelta(baseDelta))" + (baseChanged ? " (rebuilt upstream)" : "")
    return "\(base), own layers \(ByteSize.formatDelta(ownDelta))"
  }

  /// `python:3.11-slim rebuilt upstream: +5.2 MB (sha256:ab… → sha256:cd…)`.
  public var baseLine: String? {
    guard baseChanged else { return nil }
    let digests =
      baseDigestBefore != nil || baseDigestAfter != nil
      ? " (\(short(baseDigestBefore)) → \(short(baseDigestAfter)))" : ""
    return "\(baseLabel) rebuilt upstream: \(ByteSize.formatDelta(baseDelta))\(digests)"
  }

  func short(_ digest: String?) -> String { digest.map { String($0.prefix(19)) } ?? "?" }

  public static func between(_ old: ImageMeasurement, _ new: ImageMeasurement, metric: Metric) -> GrowthSplit? {
    let shared = zip(old.layers, new.layers).prefix { $0.diffID != nil && $0.diffID == $1.diffID }.count
    let oldCount: Int
    let newCount: Int
    switch (old.baseImage?.layers, new.baseImage?.layers) {
    case (let before?, let after?): (oldCount, newCount) = (before, after)
    // One side was measured without the base known: only an unchanged base lets
    // its count stand for both.
    case (let known?, nil), (nil, let known?):
      guard shared >= known else { return nil }
      (oldCount, newCount) = (known, known)
    case (nil, nil):
      guard shared > 0 else { return nil }
      (oldCount, newCount) = (shared, shared)
    }
    func bytes(_ m: ImageMeasurement, _ count: Int) -> Int64 {
      m.layers.prefix(count).reduce(0) { $0 + (metric == .compressed ? $1.compressedBytes : $1.uncompressedBytes) }
    }
    let baseDelta = bytes(new, newCount) - bytes(old, oldCount)
    let totalDelta = new.bytes(for: metric.rawValue) - old.bytes(for: metric.rawValue)
    let known = new.baseImage ?? old.baseImage
    return GrowthSplit(
      baseName: known?.name, baseDigestBefore: old.baseImage?.digest, baseDigestAfter: new.baseImage?.digest,
      how: known?.how ?? "common prefix", baseDelta: baseDelta, ownDelta: totalDelta - baseDelta)
  }
}

extension ImageEvaluation {
  /// The growth against the base measurement, split into base image and own layers.
  public var growthSplit: GrowthSplit? {
    base.flatMap { GrowthSplit.between($0.measurement, measurement, metric: metric) }
  }
}
