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
  /// what an Int64 holds (a trap on its top label), and a stored size near Int64.min
  /// overflowed the headroom.
  @Test func extremeBudgetsAndSizesDrawWithoutTrapping() {
    let points = (0..<5).map {
      SitePoint(
        commit: "c\($0)", subject: "", author: "", time: Int64($0) * 86_400, compressed: 100 + Int64($0),
        uncompressed: 200)
    }
    for (max, sizes) in [
      (Int64(9_000_000_000_000_000_000), points), (.max, points),
      (
        1000,
        points.map {
          var point = $0
          point.compressed = .min + 1
          return point
        }
      ),
    ] {
      let image = SiteImage(
        name: "api", owner: nil, metric: "compressed", max: max, warn: nil, points: sizes, latest: nil, status: nil,
        findings: [])
      #expect(TrendChart.render(image, prefix: "").contains("id=\"trend-yaxis\""))
    }
  }
}
