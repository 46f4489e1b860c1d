/// The tagged JSON of the toml-test suite: every scalar becomes
/// `{"type": "integer", "value": "42"}`, tables become objects and arrays arrays.
/// It is the interchange form the official conformance runner compares.
public enum TaggedJSON {
  public static func encode(_ table: TOMLTable) -> String {
    var out = ""
    write(.table(table), to: &out)
    return out
  }

  private static func write(_ value: TOMLValue, to out: inout String) {
    switch value {
    case .table(let table):
      out += "{"
      for (index, entry) in table.entries.enumerated() {
        if index > 0 { out += "," }
        writeString(entry.key, to: &out)
        out += ":"
        write(entry.node.value, to: &out)
      }
      out += "}"
    case .array(let nodes):
      out += "["
      for (index, node) in nodes.enumerated() {
        if index > 0 { out += "," }
        write(node.value, to: &out)
      }
      out += "]"
    default:
      let (type, text) = scalar(value)
      out += "{\"type\":\"\(type)\",\"value\":"
      writeString(text, to: &out)
      out += "}"
    }
  }

  private static func scalar(_ value: TOMLValue) -> (String, String) {
    switch value {
    case .string(let text): ("string", text)
    case .integer(let number): ("integer", String(number))
    case .float(let number): ("float", number.isNaN ? "nan" : number.description)
    case .boolean(let flag): ("bool", flag ? "true" : "false")
    case .offsetDateTime(let date, let time, let minutes):
      ("datetime", "\(date.iso8601)T\(time.iso8601)\(offsetText(minutes))")
    case .localDateTime(let date, let time): ("datetime-local", "\(date.iso8601)T\(time.iso8601)")
    case .localDate(let date): ("date-local", date.iso8601)
    case .localTime(let time): ("time-local", time.iso8601)
    case .array, .table: fatalError("not a scalar")
    }
  }

  private static func offsetText(_ minutes: Int) -> String {
    if minutes == 0 { return "Z" }
    let sign = minutes < 0 ? "-" : "+"
    return "\(sign)\(pad(abs(minutes) / 60)):\(pad(abs(minutes) % 60))"
  }

  private static func writeString(_ text: String, to out: inout String) {
    out += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20 || scalar.value == 0x7F:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
  }
}

extension TOMLDate {
  /// `YYYY-MM-DD`.
  public var iso8601: String { "\(pad(year, width: 4))-\(pad(month))-\(pad(day))" }
}

extension TOMLTime {
  /// `HH:MM:SS[.fraction]`.
  public var iso8601: String {
    "\(pad(hour)):\(pad(minute)):\(pad(second))" + (fraction.isEmpty ? "" : "." + fraction)
  }
}
