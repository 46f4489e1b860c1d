/// Wall-clock times in UTC, read from the C library's clock and written by arithmetic.
///
/// Foundation's date formatters and calendars on Linux go through ICU: the first one a
/// process makes opens ICU's time-zone and calendar data, and on the big image of
/// issue 16 that was 3.3 MB of ICU data and about as much of its code resident in
/// every `measure`, for the two or three timestamps it writes. Every time this tool
/// writes is in UTC and in a fixed format, so none of that is needed. Times are whole
/// seconds or milliseconds (Int64), so no input can make a conversion trap.
public enum UTCTime {
  /// Milliseconds since 1970-01-01T00:00:00Z, from the real-time clock.
  public static func millisecondsNow() -> Int64 {
    var time = timespec()
    clock_gettime(CLOCK_REALTIME, &time)
    return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
  }

  /// Now, as `internetDateTime` writes it.
  public static func stampNow(withMilliseconds: Bool = false) -> String {
    internetDateTime(milliseconds: millisecondsNow(), showingMilliseconds: withMilliseconds)
  }

  /// RFC 3339 (ISO 8601's internet profile): `2026-12-01T18:50:24Z`, or with
  /// milliseconds `2026-12-01T18:50:24.123Z`. The millisecond is the one under way, never
  /// one that has not started (ICU rounded to the nearest).
  public static func internetDateTime(milliseconds: Int64, showingMilliseconds: Bool) -> String {
    let (seconds, fraction) = floorDivision(milliseconds, 1000)
    let fields = Fields(seconds)
    return "\(fields.date)T\(fields.time)" + (showingMilliseconds ? "." + padded(fraction, 3) : "") + "Z"
  }

  /// `internetDateTime` of a whole second.
  public static func internetDateTime(seconds: Int64) -> String {
    let fields = Fields(seconds)
    return "\(fields.date)T\(fields.time)Z"
  }

  /// Whole seconds of a `Date`'s or a `Double`'s time since 1970, floored; clamped to
  /// what an Int64 holds, and 0 for a time that is not a number.
  public static func seconds(_ sinceEpoch: Double) -> Int64 {
    Int64(clamping: sinceEpoch.rounded(.down))
  }

  /// `2026-12-01`.
  public static func day(_ seconds: Int64) -> String { Fields(seconds).date }

  /// `18:50:24`.
  public static func timeOfDay(_ seconds: Int64) -> String { Fields(seconds).time }

  /// `2026-12-01 18:50`.
  public static func dayAndMinute(_ seconds: Int64) -> String {
    let fields = Fields(seconds)
    return "\(fields.date) \(padded(fields.hour, 2)):\(padded(fields.minute, 2))"
  }

  /// RFC 5322's date for mail headers: `Tue, 01 Dec 2026 18:50:24 +0000`.
  public static func rfc5322(_ seconds: Int64) -> String {
    let fields = Fields(seconds)
    let weekday = weekdays[Int(floorDivision(fields.days, 7).1)]
    return "\(weekday), \(padded(fields.day, 2)) \(months[Int(fields.month - 1)]) \(padded(fields.year, 4)) "
      + "\(fields.time) +0000"
  }

  /// Midnight UTC of a calendar day, or nil when there is no such day (2026-02-30). Years
  /// are bounded to a million either side of 0, which keeps the day arithmetic and the
  /// product in seconds far from overflowing.
  public static func secondsSince1970(year: Int64, month: Int64, day: Int64) -> Int64? {
    guard (1...12).contains(month), (1...31).contains(day), (-1_000_000...1_000_000).contains(year) else {
      return nil
    }
    let days = daysSince1970(year: year, month: month, day: day)
    let (roundYear, roundMonth, roundDay) = civilDate(daysSince1970: days)
    guard roundYear == year, roundMonth == month, roundDay == day else { return nil }
    return days * 86_400
  }

  private static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
  private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

  /// A time's calendar fields.
  private struct Fields {
    let days, year, month, day, hour, minute, second: Int64

    init(_ seconds: Int64) {
      let (days, secondOfDay) = floorDivision(seconds, 86_400)
      self.days = days
      (year, month, day) = civilDate(daysSince1970: days)
      hour = secondOfDay / 3600
      minute = secondOfDay / 60 % 60
      second = secondOfDay % 60
    }

    var date: String { "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))" }
    var time: String { "\(padded(hour, 2)):\(padded(minute, 2)):\(padded(second, 2))" }
  }

  /// Howard Hinnant's `civil_from_days`: the proleptic Gregorian date of a day number.
  static func civilDate(daysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthPrime = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
    let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }

  /// Howard Hinnant's `days_from_civil`, the inverse of `civilDate`.
  static func daysSince1970(year: Int64, month: Int64, day: Int64) -> Int64 {
    let shiftedYear = month <= 2 ? year - 1 : year
    let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
    let yearOfEra = shiftedYear - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  /// Quotient and remainder rounded towards minus infinity (times before 1970).
  private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
    let remainder = value % divisor
    return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
  }

  private static func padded(_ value: Int64, _ width: Int) -> String {
    let digits = String(value.magnitude)
    let zeros = String(repeating: "0", count: max(0, width - digits.count))
    return (value < 0 ? "-" : "") + zeros + digits
  }
}
