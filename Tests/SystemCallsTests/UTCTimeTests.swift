import Foundation
import SystemCalls
import Testing

/// UTCTime against GNU `date -u`, the C library's calendar written by another program.
@Suite struct UTCTimeTests {
  /// Leap days, century years, the epoch and the seconds either side of it, times long
  /// before 1970 and long after 2038, then a spread of others.
  static let times: [Int64] = {
    var times: [Int64] = [
      0, -1, 1, 59, 60, 86_399, 86_400, -86_400, -86_401, 951_782_400, 951_868_799, 4_107_542_399,
      4_107_542_400, -2_208_988_800, -2_203_891_200, 2_147_483_647, 2_147_483_648, 1_764_613_824,
      253_402_300_799, -62_135_596_800,
    ]
    var generator = SplitMix(seed: 16)
    for _ in 0..<2_000 { times.append(Int64(generator.next() % 300_000_000_000) - 62_000_000_000) }
    return times
  }()

  @Test func secondsAreWrittenAsGNUDateWritesThem() throws {
    let expected = try gnuDate(Self.times, format: "%Y-%m-%dT%H:%M:%SZ|%Y-%m-%d %H:%M|%a, %d %b %Y %H:%M:%S +0000")
    for (time, line) in zip(Self.times, expected) {
      let fields = line.split(separator: "|").map(String.init)
      try #require(fields.count == 3, "date wrote \(line)")
      #expect(UTCTime.internetDateTime(seconds: time) == fields[0], "\(time)")
      #expect(UTCTime.internetDateTime(milliseconds: time * 1000, showingMilliseconds: false) == fields[0])
      #expect(UTCTime.dayAndMinute(time) == fields[1], "\(time)")
      #expect(UTCTime.day(time) == String(fields[1].prefix(10)), "\(time)")
      #expect(UTCTime.timeOfDay(time) == String(fields[0].dropFirst(11).prefix(8)), "\(time)")
      #expect(UTCTime.rfc5322(time) == fields[2], "\(time)")
    }
  }

  @Test func aDateIsItsMidnightAndOnlyRealDatesAreAccepted() throws {
    let days = Self.times.map { $0 - ((($0 % 86_400) + 86_400) % 86_400) }
    let expected = try gnuDate(days, format: "%Y %m %d")
    for (midnight, line) in zip(days, expected) {
      let parts = line.split(separator: " ").compactMap { Int64($0) }
      try #require(parts.count == 3, "date wrote \(line)")
      #expect(UTCTime.secondsSince1970(year: parts[0], month: parts[1], day: parts[2]) == midnight, "\(line)")
    }
    #expect(UTCTime.secondsSince1970(year: 2024, month: 2, day: 29) == 1_709_164_800)
    for (year, month, day) in [
      (2026, 2, 29), (2026, 2, 30), (1900, 2, 29), (2026, 4, 31), (2026, 13, 1), (2026, 0, 1), (1_000_001, 1, 1),
      (Int.min, 1, 1), (Int.max, 12, 31),
    ] {
      #expect(UTCTime.secondsSince1970(year: Int64(year), month: Int64(month), day: Int64(day)) == nil)
    }
  }

  @Test func theMillisecondWrittenIsTheOneUnderWay() {
    #expect(
      UTCTime.internetDateTime(milliseconds: 1_764_613_824_999, showingMilliseconds: true) == "2025-12-01T18:30:24.999Z"
    )
    #expect(
      UTCTime.internetDateTime(milliseconds: 1_764_613_824_999, showingMilliseconds: false) == "2025-12-01T18:30:24Z")
    #expect(UTCTime.internetDateTime(milliseconds: -500, showingMilliseconds: true) == "1969-12-31T23:59:59.500Z")
    #expect(UTCTime.internetDateTime(milliseconds: -1, showingMilliseconds: true) == "1969-12-31T23:59:59.999Z")
    #expect(UTCTime.internetDateTime(milliseconds: 0, showingMilliseconds: true) == "1970-01-01T00:00:00.000Z")
  }

  /// Any Int64 is a time (a commit's time is its author's to write): none traps.
  @Test func everyInt64IsWrittenWithoutTrapping() {
    for time in [Int64.min, Int64.min + 1, Int64.max, Int64.max - 1] {
      #expect(!UTCTime.internetDateTime(seconds: time).isEmpty)
      #expect(!UTCTime.internetDateTime(milliseconds: time, showingMilliseconds: true).isEmpty)
      #expect(!UTCTime.rfc5322(time).isEmpty)
      #expect(!UTCTime.dayAndMinute(time).isEmpty)
    }
  }

  @Test func theEndsOfInt64AreTheirDates() {
    #expect(UTCTime.internetDateTime(seconds: .max) == "292277026596-12-04T15:30:07Z")
    #expect(UTCTime.internetDateTime(seconds: .min) == "-292277022657-01-27T08:29:52Z")
  }

  @Test func doublesBecomeSecondsFlooredAndClamped() {
    #expect(UTCTime.seconds(1.9) == 1)
    #expect(UTCTime.seconds(-0.5) == -1)
    #expect(UTCTime.seconds(.nan) == 0)
    #expect(UTCTime.seconds(.infinity) == .max)
    #expect(UTCTime.seconds(-.infinity) == .min)
    #expect(UTCTime.seconds(1e300) == .max)
    #expect(UTCTime.seconds(-1e300) == .min)
    #expect(UTCTime.seconds(9_223_372_036_854_774_784) == 9_223_372_036_854_774_784)  // the largest Double under 2^63
    #expect(UTCTime.seconds(9_223_372_036_854_775_808) == .max)
    #expect(UTCTime.seconds(-9_223_372_036_854_775_808) == .min)
  }

  /// Foundation's clock and this one agree (the slack is for the truncation to milliseconds).
  @Test func nowIsTheSystemClock() {
    let before = Date().timeIntervalSince1970 * 1000
    let now = Double(UTCTime.millisecondsNow())
    let after = Date().timeIntervalSince1970 * 1000
    #expect(before - 2 <= now && now <= after + 2)
  }

  /// One `date` process for all the times: each line of its input is `@SECONDS`.
  private func gnuDate(_ times: [Int64], format: String) throws -> [String] {
    let input = FileManager.default.temporaryDirectory.appendingPathComponent("utc-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: input) }
    try times.map { "@\($0)\n" }.joined().write(to: input, atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["date", "-u", "-f", input.path, "+" + format]
    process.environment = ["LC_ALL": "C", "PATH": "/usr/bin:/bin"]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    #expect(lines.count == times.count)
    return lines
  }
}

/// A small seeded generator, so a failure names the same times on every run.
private struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
