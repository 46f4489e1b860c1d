/// An image's sizes over a period, for the weekly report: the measured points. What
/// follows from them (change, headroom, the date the budget is reached) is computed in
/// Evaluation (`Trend.swift`), and written to JSON by Formats.
public struct ImageTrend: Sendable {
  /// One measured commit in the period.
  public struct Point: Sendable, Encodable {
    public var commit: String
    public var subject: String
    public var author: String
    /// Seconds since 1970 (the author date).
    public var time: Int64
    public var size: Int64
    /// First-parent commits since the previous point (1: its direct parent was measured).
    public var gap: Int
    /// The size is an estimate (the compressed size of a docker-archive).
    public var estimated: Bool

    public init(
      commit: String, subject: String, author: String, time: Int64, size: Int64, gap: Int = 1, estimated: Bool = false
    ) {
      self.commit = commit
      self.subject = subject
      self.author = author
      self.time = time
      self.size = size
      self.gap = gap
      self.estimated = estimated
    }
  }

  /// A change from the previous measured commit.
  public struct Growth: Sendable, Encodable {
    public var commit: String
    public var subject: String
    public var author: String
    public var delta: Int64
    /// The previous measured commit; when `gap` > 1 the growth came from one of the
    /// commits in between (`sizebudget bisect` names it).
    public var since: String
    public var gap: Int
    /// The rise involves an estimate on either side (shown with "≈").
    public var estimated: Bool

    public init(
      commit: String, subject: String, author: String, delta: Int64, since: String, gap: Int, estimated: Bool = false
    ) {
      self.commit = commit
      self.subject = subject
      self.author = author
      self.delta = delta
      self.since = since
      self.gap = gap
      self.estimated = estimated
    }
  }

  public var image: String
  public var metric: String
  /// Sizes along the period, oldest first (the first may come from before it: the
  /// size the period started with).
  public var points: [Point]
  public var measuredInPeriod: Int
  public var max: Int64?
  public var warn: Int64?

  public init(image: String, metric: String, points: [Point], measuredInPeriod: Int, max: Int64?, warn: Int64?) {
    self.image = image
    self.metric = metric
    self.points = points
    self.measuredInPeriod = measuredInPeriod
    self.max = max
    self.warn = warn
  }
}
