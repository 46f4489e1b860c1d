/// The trend report: each image over a period.
public struct WeeklyReport: Sendable {
  public struct Image: Sendable {
    public var trend: ImageTrend
    /// What changed from the period's first measurement to its last.
    public var diff: MeasurementDiff?
    /// The judgement at the period's last measurement, as `check` gives it there.
    public var verdict: Verdict
    /// The period's growth (first measurement to last) split into base image and own
    /// layers, in the image's metric.
    public var growthSplit: GrowthSplit?

    public init(trend: ImageTrend, diff: MeasurementDiff?, verdict: Verdict, growthSplit: GrowthSplit? = nil) {
      self.trend = trend
      self.diff = diff
      self.verdict = verdict
      self.growthSplit = growthSplit
    }
  }

  public var schema = "sizebudget.report/v1"
  public var repository: String?
  public var branch: String
  /// Seconds since 1970.
  public var since: Int64
  public var until: Int64
  public var images: [Image]

  public init(repository: String?, branch: String, since: Int64, until: Int64, images: [Image]) {
    self.repository = repository
    self.branch = branch
    self.since = since
    self.until = until
    self.images = images
  }
}
