/// An image's sizes over a period, summed up for the weekly report.
public struct ImageTrend: Sendable, Encodable {
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

  enum CodingKeys: String, CodingKey {
    case image, metric, points, measuredInPeriod, max, warn
    case start, end, change, percent, minimum, maximum, headroom, budgetHitAt, topGrowth, violations
  }

  /// The stored figures and what follows from them, so that JSON readers (and the
  /// `sizebudget.report` webhook) get what the text shows without recomputing it.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(image, forKey: .image)
    try container.encode(metric, forKey: .metric)
    try container.encode(points, forKey: .points)
    try container.encode(measuredInPeriod, forKey: .measuredInPeriod)
    try container.encodeIfPresent(max, forKey: .max)
    try container.encodeIfPresent(warn, forKey: .warn)
    try container.encodeIfPresent(start, forKey: .start)
    try container.encodeIfPresent(end, forKey: .end)
    try container.encode(change, forKey: .change)
    try container.encodeIfPresent(percent.map { ($0 * 100).rounded() / 100 }, forKey: .percent)
    try container.encodeIfPresent(minimum, forKey: .minimum)
    try container.encodeIfPresent(maximum, forKey: .maximum)
    try container.encodeIfPresent(headroom, forKey: .headroom)
    try container.encodeIfPresent(budgetHitAt, forKey: .budgetHitAt)
    try container.encode(Array(topGrowth.prefix(10)), forKey: .topGrowth)
    try container.encode(violations, forKey: .violations)
  }

  public var startEstimated: Bool { points.first?.estimated ?? false }
  public var endEstimated: Bool { points.last?.estimated ?? false }
  public var start: Int64? { points.first?.size }
  public var end: Int64? { points.last?.size }
  public var change: Int64 { (end ?? 0) - (start ?? 0) }
  public var percent: Double? {
    guard let start, start > 0 else { return nil }
    return Double(change) / Double(start) * 100
  }
  public var minimum: Int64? { points.map(\.size).min() }
  public var maximum: Int64? { points.map(\.size).max() }
  public var headroom: Int64? { max.flatMap { limit in end.map { limit - $0 } } }

  /// The commits that grew the image most, largest first.
  public var topGrowth: [Growth] {
    zip(points, points.dropFirst()).compactMap { previous, point in
      let delta = point.size - previous.size
      return delta > 0
        ? Growth(
          commit: point.commit, subject: point.subject, author: point.author, delta: delta, since: previous.commit,
          gap: point.gap) : nil
    }.sorted { $0.delta > $1.delta }
  }

  /// Measured commits over `max` in the period.
  public var violations: [Point] {
    guard let max else { return [] }
    return points.dropFirst(points.count - measuredInPeriod).filter { $0.size > max }
  }

  /// Bytes per day, by least squares over the points (nil with fewer than two
  /// distinct times).
  public var slopePerDay: Double? {
    guard points.count >= 2 else { return nil }
    let xs = points.map { Double($0.time) / 86_400 }
    let ys = points.map { Double($0.size) }
    let meanX = xs.reduce(0, +) / Double(xs.count)
    let meanY = ys.reduce(0, +) / Double(ys.count)
    let spread = xs.reduce(0) { $0 + ($1 - meanX) * ($1 - meanX) }
    guard spread > 0 else { return nil }
    return zip(xs, ys).reduce(0) { $0 + ($1.0 - meanX) * ($1.1 - meanY) } / spread
  }

  /// When the budget is hit if the trend goes on (seconds since 1970), nil when the
  /// image is not growing, has no `max`, is over it already, or would reach it only
  /// after the year 9999 (a near-zero slope: no date to show, and none that fits).
  public var budgetHitAt: Int64? {
    guard let slope = slopePerDay, slope > 0, let headroom, headroom > 0, let last = points.last else { return nil }
    let seconds = Double(headroom) / slope * 86_400
    let latest = 253_402_300_799.0  // 9999-12-31T23:59:59Z
    guard seconds.isFinite, Double(last.time) + seconds <= latest else { return nil }
    return last.time + Int64(seconds)
  }
}
