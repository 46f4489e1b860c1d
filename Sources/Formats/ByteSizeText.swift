import Budgets
import Evaluation

/// Human sizes for the command-line front end, which does not import Budgets itself.
public enum ByteSizeText {
  public static func format(_ bytes: Int64) -> String { ByteSize.format(bytes) }

  /// "≈104 MB" for an estimate (`ByteSize.format(_:estimated:)`).
  public static func format(_ bytes: Int64, estimated: Bool) -> String {
    ByteSize.format(bytes, estimated: estimated)
  }

  public static func formatDelta(_ bytes: Int64, estimated: Bool) -> String {
    ByteSize.formatDelta(bytes, estimated: estimated)
  }

  /// What "≈" means, for a footnote beside figures that carry it.
  public static let estimateNote =
    "≈ an estimate: the compressed size of layers stored uncompressed (a docker-archive), "
    + "within about ±\(Comparability.estimateErrorPercent) %"
}
