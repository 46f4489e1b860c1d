extension Int64 {
  /// A Double as Int64, truncated and clamped to the range (Int64(_:) traps outside
  /// it); NaN is 0. Sizes, times and waits come from input, so no conversion may trap.
  public init(clamping value: Double) {
    if value.isNaN {
      self = 0
    } else if value >= 9_223_372_036_854_775_807.0 {
      self = .max
    } else if value <= -9_223_372_036_854_775_808.0 {
      self = .min
    } else {
      self = Int64(value)
    }
  }
}
