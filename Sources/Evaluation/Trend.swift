import Model

/// What follows from a trend's points (the data is Model's `ImageTrend`).
extension ImageTrend {
  public var startEstimated: Bool { points.first?.estimated ?? false }
  public var endEstimated: Bool { points.last?.estimated ?? false }
  public var start: Int64? { points.first?.size }
  public var end: Int64? { points.last?.size }
  public var change: Int64 { (end ?? 0).saturatingSubtracting(start ?? 0) }
  public var percent: Double? {
    guard let start, start > 0 else { return nil }
    return Double(change) / Double(start) * 100
  }
  public var minimum: Int64? { points.map(\.size).min() }
  public var maximum: Int64? { points.map(\.size).max() }
  /// Whether the smallest (largest) size is an estimate: the first point of that size.
  public var minimumEstimated: Bool { points.first { $0.size == minimum }?.estimated ?? false }
  public var maximumEstimated: Bool { points.first { $0.size == maximum }?.estimated ?? false }
  public var headroom: Int64? { max.flatMap { limit in end.map { limit.saturatingSubtracting($0) } } }

  /// The commits that grew the image most, largest first.
  public var topGrowth: [Growth] {
    zip(points, points.dropFirst()).compactMap { previous, point in
      let delta = point.size.saturatingSubtracting(previous.size)
      return delta > 0
        ? Growth(
          commit: point.commit, subject: point.subject, author: point.author, delta: delta, since: previous.commit,
          gap: point.gap, estimated: point.estimated || previous.estimated) : nil
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
    // A crafted commit time far before 1970 leaves room under 9999 for more seconds than
    // an Int64 holds: those are no date either.
    guard seconds.isFinite, seconds < 1e18, Double(last.time) + seconds <= latest else { return nil }
    return last.time + Int64(seconds)
  }
}
