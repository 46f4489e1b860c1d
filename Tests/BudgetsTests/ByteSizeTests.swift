import Budgets
import Testing

@Suite struct ByteSizeTests {
  @Test(arguments: [
    ("450 MB", Int64(450_000_000)), ("450MB", 450_000_000), ("1.5 GB", 1_500_000_000), ("2 kB", 2000), ("2 KB", 2000),
    ("1 KiB", 1024), ("1.5 MiB", 1_572_864), ("1 GiB", 1_073_741_824), ("1 TiB", 1_099_511_627_776),
    ("3 TB", 3_000_000_000_000), ("300", 300), ("300 B", 300), (" 7 MB ", 7_000_000),
  ])
  func parsesSizes(text: String, bytes: Int64) throws {
    #expect(try ByteSize.parse(text).get() == ByteSize(bytes))
  }

  @Test(arguments: [
    (
      "450 mb",
      "unknown unit \"mb\" in \"450 mb\": did you mean \"MB\"? use B, kB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024)"
    ),
    ("MB", "\"MB\" is not a size: expected a number and a unit, like \"450 MB\""),
    ("1.2.3 MB", "\"1.2.3 MB\" is not a size: \"1.2.3\" is not a number, or it is too large"),
    ("99999999999 TB", "\"99999999999 TB\" is not a size: \"99999999999\" is not a number, or it is too large"),
    ("", "\"\" is not a size: expected a number and a unit, like \"450 MB\""),
  ])
  func rejectsBadSizes(text: String, message: String) {
    #expect(throws: SizeSyntaxError(message)) { try ByteSize.parse(text).get() }
  }

  @Test(arguments: [
    (Int64(0), "0 B"), (999, "999 B"), (1000, "1 kB"), (1234, "1.23 kB"), (42_300_000, "42.3 MB"),
    (423_456_789, "423 MB"), (4_230_000_000, "4.23 GB"), (999_999_999, "1 GB"), (20_000_000, "20 MB"),
    (-3_500_000, "-3.5 MB"),
  ])
  func formatsInDecimalUnits(bytes: Int64, text: String) {
    #expect(ByteSize.format(bytes) == text)
  }

  @Test func formatsDeltasWithASign() {
    #expect(ByteSize.formatDelta(12_400_000) == "+12.4 MB")
    #expect(ByteSize.formatDelta(-12_400_000) == "-12.4 MB")
    #expect(ByteSize.formatDelta(0) == "±0 B")
  }

  /// Issue 13 item 9: configuration that would overflow is refused with a message,
  /// never a trap converting Double to Int64.
  @Test func aHugeGrowthIsRefusedAndAllowancesClamp() throws {
    guard case .failure(let error) = Growth.parse("+1e30%") else {
      Issue.record("+1e30% was accepted")
      return
    }
    #expect(error.message.contains("+1e30%"), "\(error.message)")
    #expect(error.message.contains("at most"), "\(error.message)")
    #expect(Growth.percent(1_000_000).allowance(over: Int64.max / 2) == Int64.max)
    #expect(try Growth.parse("+1000000%").get().description == "+1000000%")
  }

  @Test func parsesGrowth() throws {
    #expect(try Growth.parse("+5%").get() == .percent(5))
    #expect(try Growth.parse("+0.5 %").get() == .percent(0.5))
    #expect(try Growth.parse("+20 MB").get() == .bytes(ByteSize(20_000_000)))
    #expect(try Growth.parse("20 MB").get() == .bytes(ByteSize(20_000_000)))
    #expect(Growth.percent(5).allowance(over: 400_000_000) == 20_000_000)
    #expect(throws: SizeSyntaxError.self) { try Growth.parse("-5%").get() }
    #expect(throws: SizeSyntaxError.self) { try Growth.parse("+five%").get() }
  }

  /// One helper for every "N thing(s)" in the outputs: never "1 files" or "1 row inherit".
  @Test func countsAgreeWithTheirNouns() {
    #expect(counted(1, "file") == "1 file")
    #expect(counted(2_351, "file") == "2,351 files")
    #expect(counted(0, "file") == "0 files")
    #expect(counted(1, "redundant copy", "redundant copies") == "1 redundant copy")
    #expect(counted(3, "redundant copy", "redundant copies") == "3 redundant copies")
    #expect(inflected(1, "matches", "match") == "matches" && inflected(2, "matches", "match") == "match")
  }
}
