import Testing

@testable import SizeBudgetKit

/// `report --since/--until`: a period back from now, or a calendar day at midnight UTC.
@Suite struct ReportPeriodTests {
  let now: Int64 = 1_764_613_824  // 2025-12-01T18:30:24Z

  @Test func periodsCountBackFromNow() throws {
    #expect(try Report.parseTime("12h", now: now, option: "--since") == now - 12 * 3600)
    #expect(try Report.parseTime("7d", now: now, option: "--since") == now - 7 * 86_400)
    #expect(try Report.parseTime("2w", now: now, option: "--since") == now - 14 * 86_400)
  }

  @Test func aDateIsItsMidnightInUTC() throws {
    #expect(try Report.parseTime("2024-02-29", now: now, option: "--since") == 1_709_164_800)
    #expect(try Report.parseTime("1970-01-01", now: now, option: "--until") == 0)
  }

  /// Days that do not exist, stray parts and periods too long to count were either
  /// moved to another day, read past, or a crash (an overflow trap).
  @Test func whatIsNotADateOrAPeriodIsAUsageError() {
    for text in [
      "2026-02-30", "2026-13-01", "2026-04-31", "-2026-01-01", "2026-x-01-05", "2026--01", "2026-01-01-",
      "99999999999999999d", "9223372036854775807w", "-5d", "d", "",
    ] {
      #expect(throws: CommandError.self, "\(text)") { try Report.parseTime(text, now: now, option: "--since") }
    }
  }
}
