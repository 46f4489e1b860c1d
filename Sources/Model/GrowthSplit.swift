/// Growth between two measurements split into what the base image brought and what
/// the image's own layers added. The figures only: Evaluation computes them
/// (`GrowthSplit.between`, the one place they come from) and words them
/// (`summary`, `baseLine`); they live here so that every output's data (a log row,
/// the weekly report) can carry them.
public struct GrowthSplit: Sendable, Codable, Equatable {
  public var baseName: String?
  public var baseDigestBefore: String?
  public var baseDigestAfter: String?
  /// How the base's layers were found (`annotations`, `base_image`, `common prefix`).
  public var how: String
  public var baseDelta: Int64
  public var ownDelta: Int64
  /// Either side's compressed sizes are estimates: both deltas are shown with "≈".
  public var estimated = false
  /// True when the base image itself changed: the layers counted as the base's on
  /// each side have other diff IDs. Not the annotation digest: a builder writes a
  /// new one for the same base layers (buildah does between a single- and a
  /// multi-stage build of one base); nor the bytes alone: an estimate against an
  /// exact size of the same layers differs without a rebuild.
  public var baseChanged: Bool

  public init(
    baseName: String?, baseDigestBefore: String?, baseDigestAfter: String?, how: String, baseDelta: Int64,
    ownDelta: Int64, baseChanged: Bool
  ) {
    self.baseName = baseName
    self.baseDigestBefore = baseDigestBefore
    self.baseDigestAfter = baseDigestAfter
    self.how = how
    self.baseDelta = baseDelta
    self.ownDelta = ownDelta
    self.baseChanged = baseChanged
  }

  public var baseLabel: String { baseName ?? "the base image" }
}
