import Testing

@testable import Site

/// The site's forecast date: when the budget is reached at the last commits' pace.
@Suite struct TrendForecastTests {
  static func window(_ times: [Int64]) -> [SitePoint] {
    times.map { SitePoint(commit: "c", subject: "", author: "", time: $0, compressed: 1, uncompressed: 1) }
  }

  @Test func theDateFollowsThePaceOfTheWindow() {
    // Three commits a day apart: ten more land ten days after the last.
    let date = TrendChart.date(after: Self.window([0, 86_400, 172_800]), commits: 10)
    #expect(date == 1_036_800, "\(String(describing: date))")
    // Equal or reversed times tell nothing.
    #expect(TrendChart.date(after: Self.window([5, 5, 5]), commits: 10) == nil)
    #expect(TrendChart.date(after: Self.window([9, 5, 1]), commits: 10) == nil)
  }

  /// Commit times are their authors' to write: times at the ends of Int64 overflowed
  /// the span (a trap), and a far date overflowed its conversion.
  @Test func craftedTimesGiveNoDateAndDoNotTrap() {
    #expect(TrendChart.date(after: Self.window([.min, 0, .max]), commits: 10) == nil)
    #expect(
      TrendChart.date(after: Self.window([-4_000_000_000_000_000_000, 5_000_000_000_000_000_000]), commits: 10) == nil)
    #expect(TrendChart.date(after: Self.window([0, 1_000_000_000]), commits: 1_000_000) == nil)  // after 9999
    // More seconds ahead than an Int64 holds, yet landing before 9999 from a start near Int64.min.
    #expect(TrendChart.date(after: Self.window([.min, .min + 100_000_000_000]), commits: 92_233_721) == nil)
  }

  /// budgets.toml is a contributor's to write: a `max` near Int64.max ran the axis past
  /// what an Int64 holds, and its top label's conversion trapped. The label now says
  /// the most an Int64 holds.
  @Test func aBudgetNearInt64MaxDrawsWithoutTrapping() {
    let points = (0..<5).map {
      SitePoint(
        commit: "c\($0)", subject: "", author: "", time: Int64($0) * 86_400, compressed: 100 + Int64($0),
        uncompressed: 200)
    }
    for max in [Int64(9_000_000_000_000_000_000), .max] {
      let image = SiteImage(
        name: "api", owner: nil, metric: "compressed", max: max, warn: nil, points: points, latest: nil, status: nil,
        findings: [])
      let svg = TrendChart.render(image, prefix: "")
      #expect(svg.contains(">9.22 EB</text>"), "\(svg)")
    }
  }

  /// Stored sizes are bounded (1 PiB) when they enter the store, so this is defence in
  /// depth: a size just above Int64.min, growing, put more headroom under a budget than
  /// an Int64 holds, and the subtraction trapped. It saturates: no forecast that far.
  @Test func theForecastsHeadroomSaturates() {
    let points = (0..<5).map {
      SitePoint(
        commit: "c\($0)", subject: "", author: "", time: Int64($0) * 86_400, compressed: .min + Int64($0) * 200,
        uncompressed: 200)
    }
    let image = SiteImage(
      name: "api", owner: nil, metric: "compressed", max: 1000, warn: nil, points: points, latest: nil, status: nil,
      findings: [])
    #expect(TrendChart.forecast(image) == nil)
  }

  @Test func axisBytesAreWholeAndClamped() {
    #expect(TrendChart.wholeBytes(1.9) == 1)
    #expect(TrendChart.wholeBytes(.nan) == 0)
    #expect(TrendChart.wholeBytes(.infinity) == 0)
    #expect(TrendChart.wholeBytes(9.3e18) == .max)
    #expect(TrendChart.wholeBytes(-9.3e18) == .min)
    #expect(TrendChart.wholeBytes(9_223_372_036_854_774_784) == 9_223_372_036_854_774_784)
  }
}
