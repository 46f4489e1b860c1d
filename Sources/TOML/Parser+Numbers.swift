#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Integers, floats and the four date/time forms, which share their first characters.
extension Parser {
  private static let underscore = UInt8(ascii: "_")

  mutating func parseNumberOrDate() throws(TOMLError) -> TOMLValue {
    if looksLikeDate() { return try parseDateOrDateTime() }
    if looksLikeTime() { return .localTime(try parseTime()) }
    return try parseNumber()
  }

  private func looksLikeDate() -> Bool {
    (0..<4).allSatisfy { isDigit(peek($0)) } && peek(4) == UInt8(ascii: "-")
  }

  private func looksLikeTime() -> Bool {
    isDigit(peek(0)) && isDigit(peek(1)) && peek(2) == UInt8(ascii: ":")
  }

  // MARK: Numbers

  private mutating func parseNumber() throws(TOMLError) -> TOMLValue {
    let start = offset
    var sign: UInt8? = nil
    if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") {
      sign = peek()
      offset += 1
    }
    if let special = matchSpecialFloat() {
      return .float(sign == UInt8(ascii: "-") ? -special : special)
    }
    if peek() == UInt8(ascii: "0"), let radix = radixPrefix(peek(1)) {
      if sign != nil { throw error("hexadecimal, octal and binary integers cannot have a sign", at: start) }
      offset += 2
      return .integer(try parseRadixInteger(radix: radix, start: start))
    }
    guard isDigit(peek()) else {
      guard let sign else {
        throw error("expected a value (a string, number, boolean, date, array or inline table); strings need quotes")
      }
      throw error("expected a number, inf or nan after '\(Character(Unicode.Scalar(sign)))'")
    }
    let leadingZero = peek() == UInt8(ascii: "0")
    var text: [UInt8] = sign.map { [$0] } ?? []
    let integerDigits = try scanDigits(into: &text, what: "number")
    if leadingZero && integerDigits > 1 {
      throw error("leading zeros are not allowed in a number (write 7, not 07)", at: start)
    }
    var isFloat = false
    if peek() == UInt8(ascii: ".") {
      isFloat = true
      text.append(UInt8(ascii: "."))
      offset += 1
      guard isDigit(peek()) else { throw error("expected a digit after the decimal point") }
      _ = try scanDigits(into: &text, what: "fraction")
    }
    if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
      isFloat = true
      text.append(UInt8(ascii: "e"))
      offset += 1
      if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") {
        text.append(peek()!)
        offset += 1
      }
      guard isDigit(peek()) else { throw error("expected a digit in the exponent") }
      _ = try scanDigits(into: &text, what: "exponent")
    }
    if isFloat { return .float(parseDouble(text)) }
    return .integer(try parseDecimalInteger(text, start: start))
  }

  /// `inf` and `nan`, after an optional sign.
  private mutating func matchSpecialFloat() -> Double? {
    for (word, value) in [("inf", Double.infinity), ("nan", Double.nan)] {
      let utf8 = Array(word.utf8)
      if (0..<3).allSatisfy({ peek($0) == utf8[$0] }) {
        offset += 3
        return value
      }
    }
    return nil
  }

  private func radixPrefix(_ byte: UInt8?) -> Int? {
    switch byte {
    case UInt8(ascii: "x"): 16
    case UInt8(ascii: "o"): 8
    case UInt8(ascii: "b"): 2
    default: nil
    }
  }

  /// Digits with single underscores between them; returns how many digits there were.
  private mutating func scanDigits(into text: inout [UInt8], what: String) throws(TOMLError) -> Int {
    var count = 0
    while let byte = peek() {
      if isDigit(byte) {
        text.append(byte)
        count += 1
        offset += 1
      } else if byte == Self.underscore {
        guard count > 0, isDigit(peek(1)) else {
          throw error("an underscore in a \(what) must be between two digits")
        }
        offset += 1
      } else {
        break
      }
    }
    return count
  }

  private mutating func parseRadixInteger(radix: Int, start: Int) throws(TOMLError) -> Int64 {
    let name = radix == 16 ? "hexadecimal" : radix == 8 ? "octal" : "binary"
    var value: Int64 = 0
    var digits = 0
    while let byte = peek() {
      if byte == Self.underscore {
        guard digits > 0, let next = peek(1), digitValue(next, radix: radix) != nil else {
          throw error("an underscore in a \(name) integer must be between two digits")
        }
        offset += 1
        continue
      }
      guard let digit = digitValue(byte, radix: radix) else { break }
      let (shifted, overflow1) = value.multipliedReportingOverflow(by: Int64(radix))
      let (sum, overflow2) = shifted.addingReportingOverflow(Int64(digit))
      if overflow1 || overflow2 {
        throw error("the integer does not fit in 64 bits (largest is 9223372036854775807)", at: start)
      }
      value = sum
      digits += 1
      offset += 1
    }
    if digits == 0 { throw error("expected \(name) digits after the prefix") }
    if let byte = peek(), isDigit(byte) || hexValue(byte) != nil {
      throw error("\(describe(byte)) is not a valid digit in a \(name) integer")
    }
    return value
  }

  private func digitValue(_ byte: UInt8, radix: Int) -> Int? {
    guard let value = hexValue(byte), Int(value) < radix else { return nil }
    return Int(value)
  }

  private func parseDecimalInteger(_ text: [UInt8], start: Int) throws(TOMLError) -> Int64 {
    guard let value = Int64(String(decoding: text, as: UTF8.self)) else {
      throw error(
        "the integer does not fit in 64 bits (between -9223372036854775808 and 9223372036854775807)", at: start)
    }
    return value
  }

  private func parseDouble(_ text: [UInt8]) -> Double {
    // The grammar was checked above, so strtod only converts.
    var cString = text
    cString.append(0)
    return cString.withUnsafeBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) { strtod($0.baseAddress!, nil) }
    }
  }

  // MARK: Dates and times

  private mutating func parseDateOrDateTime() throws(TOMLError) -> TOMLValue {
    let date = try parseDate()
    let separator = peek()
    let hasTime: Bool
    switch separator {
    case UInt8(ascii: "T"), UInt8(ascii: "t"): hasTime = true
    // A space separates date and time only when a time follows; else it ends the value.
    case UInt8(ascii: " "): hasTime = isDigit(peek(1)) && isDigit(peek(2)) && peek(3) == UInt8(ascii: ":")
    default: hasTime = false
    }
    guard hasTime else { return .localDate(date) }
    offset += 1
    let time = try parseTime()
    guard let offsetMinutes = try parseOffset() else { return .localDateTime(date, time) }
    return .offsetDateTime(date, time, offsetMinutes: offsetMinutes)
  }

  private mutating func parseDate() throws(TOMLError) -> TOMLDate {
    let start = offset
    let year = try fixedDigits(4, "year")
    try expect(UInt8(ascii: "-"), "'-' between year and month (YYYY-MM-DD)")
    let month = try fixedDigits(2, "month")
    try expect(UInt8(ascii: "-"), "'-' between month and day (YYYY-MM-DD)")
    let day = try fixedDigits(2, "day")
    guard (1...12).contains(month) else { throw error("month \(month) is out of range (01 to 12)", at: start) }
    let days = daysIn(month: month, year: year)
    guard (1...days).contains(day) else {
      throw error("day \(day) is out of range for \(year)-\(pad(month)) (01 to \(days))", at: start)
    }
    if let byte = peek(), isDigit(byte) { throw error("unexpected digit after the date") }
    return TOMLDate(year: year, month: month, day: day)
  }

  private mutating func parseTime() throws(TOMLError) -> TOMLTime {
    let start = offset
    let hour = try fixedDigits(2, "hour")
    try expect(UInt8(ascii: ":"), "':' between hour and minute (HH:MM:SS)")
    let minute = try fixedDigits(2, "minute")
    try expect(UInt8(ascii: ":"), "':' and seconds (TOML times are HH:MM:SS)")
    let second = try fixedDigits(2, "second")
    guard hour < 24 else { throw error("hour \(hour) is out of range (00 to 23)", at: start) }
    guard minute < 60 else { throw error("minute \(minute) is out of range (00 to 59)", at: start) }
    guard second <= 60 else { throw error("second \(second) is out of range (00 to 60)", at: start) }
    var fraction = ""
    if peek() == UInt8(ascii: ".") {
      offset += 1
      let digitsStart = offset
      while isDigit(peek()) { offset += 1 }
      guard offset > digitsStart else { throw error("expected digits after the decimal point in the time") }
      fraction = String(decoding: UnsafeBufferPointer(rebasing: bytes[digitsStart..<offset]), as: UTF8.self)
    }
    if let byte = peek(), isDigit(byte) { throw error("unexpected digit after the time") }
    return TOMLTime(hour: hour, minute: minute, second: second, fraction: fraction)
  }

  /// `Z` or `±HH:MM`; nil for a local date-time.
  private mutating func parseOffset() throws(TOMLError) -> Int? {
    switch peek() {
    case UInt8(ascii: "Z"), UInt8(ascii: "z"):
      offset += 1
      return 0
    case UInt8(ascii: "+"), UInt8(ascii: "-"):
      let negative = peek() == UInt8(ascii: "-")
      let start = offset
      offset += 1
      let hours = try fixedDigits(2, "offset hour")
      try expect(UInt8(ascii: ":"), "':' in the offset (±HH:MM)")
      let minutes = try fixedDigits(2, "offset minute")
      guard hours < 24, minutes < 60 else { throw error("the offset is out of range (-23:59 to +23:59)", at: start) }
      return (hours * 60 + minutes) * (negative ? -1 : 1)
    default:
      return nil
    }
  }

  private mutating func fixedDigits(_ count: Int, _ what: String) throws(TOMLError) -> Int {
    var value = 0
    for _ in 0..<count {
      guard let byte = peek(), isDigit(byte) else {
        throw error("expected \(count) digits for the \(what)")
      }
      value = value * 10 + Int(byte - UInt8(ascii: "0"))
      offset += 1
    }
    return value
  }

  private mutating func expect(_ byte: UInt8, _ what: String) throws(TOMLError) {
    guard peek() == byte else { throw error("expected \(what)") }
    offset += 1
  }
}

func isDigit(_ byte: UInt8?) -> Bool {
  guard let byte else { return false }
  return byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
}

func daysIn(month: Int, year: Int) -> Int {
  switch month {
  case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
  case 4, 6, 9, 11: 30
  default: 31
  }
}

func pad(_ value: Int, width: Int = 2) -> String {
  let digits = String(value)
  return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
