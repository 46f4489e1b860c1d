import Analysis
import Budgets
import Model

/// Whether two measurements of an image give figures of the same kind, so that their
/// difference is growth. A docker-archive stores layers uncompressed and its
/// compressed size is an estimate; a registry or OCI size is exact; a registry
/// manifest alone has no uncompressed size. Growth rules consult this before judging.
public enum Comparability: Sendable, Equatable {
  /// Same kind on both sides: the difference is the growth.
  case exact
  /// One side is an estimate, the other exact: a difference up to `bound` bytes may be
  /// the estimate's error. `note` says which side is which, for the message.
  case estimated(bound: Int64, note: String)
  /// One side lacks the figure altogether; `reason` says what to do.
  case unknown(reason: String)

  /// The estimator's error bound, in percent of the estimated bytes. Measured against
  /// the gzip blobs Go's gzip wrote for the same layers (umoci, skopeo): −1.6 % on a
  /// 4.4 GB image and −1.8 % on its biggest layer, +0.5 % and +1.7 % on the fixture
  /// images, but up to +7.4 % on small layers; 5 % covers an image, whose size is
  /// dominated by its big layers, without hiding real growth (docs/json-schema.md).
  public static let estimateErrorPercent: Int64 = 5

  public static func isEstimate(_ measurement: ImageMeasurement, _ metric: Metric) -> Bool {
    metric == .compressed && measurement.compressedEstimated
  }

  public static func between(_ measurement: ImageMeasurement, base: ImageMeasurement, metric: Metric)
    -> Comparability
  {
    if metric == .uncompressed {
      if !base.layersRead {
        return .unknown(
          reason: "the base was measured from its registry manifest alone, so its uncompressed size is not known: "
            + "measure it again with --paths")
      }
      if !measurement.layersRead {
        return .unknown(
          reason: "this measurement read only the registry manifest, so its uncompressed size is not known: "
            + "measure again with --paths")
      }
      return .exact
    }
    switch (measurement.compressedEstimated, base.compressedEstimated) {
    case (true, false):
      return .estimated(
        bound: errorBound(measurement), note: "this size is an estimate (layers stored uncompressed), the base's exact")
    case (false, true):
      return .estimated(
        bound: errorBound(base), note: "the base's size is an estimate (layers stored uncompressed), this one exact")
    default:
      // Both exact, or both estimated by the same estimator (shared layers reuse one estimate).
      return .exact
    }
  }

  /// The error the estimate may carry: a share of the estimated layers' bytes only.
  static func errorBound(_ measurement: ImageMeasurement) -> Int64 {
    let estimatedBytes = measurement.layers.filter(\.compressedEstimated).reduce(Int64(0)) {
      $0 + $1.compressedBytes
    }
    return estimatedBytes / 100 * estimateErrorPercent
  }
}
