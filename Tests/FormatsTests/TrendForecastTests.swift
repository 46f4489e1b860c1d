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
}
