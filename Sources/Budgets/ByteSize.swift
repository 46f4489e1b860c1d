/// A number of bytes, as budgets and measurements speak of them.
///
/// `B`, `kB`/`KB`, `MB`, `GB`, `TB` are powers of 1000 (as `docker images` prints
/// them); `KiB`, `MiB`, `GiB`, `TiB` powers of 1024. Output uses the decimal units,
/// so "MB" always means 1,000,000 bytes.
public struct ByteSize: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var bytes: Int64

  public init(_ bytes: Int64) { self.bytes = bytes }

  public static func < (a: ByteSize, b: ByteSize) -> Bool { a.bytes < b.bytes }

  static let units: [(name: String, factor: Int64)] = [
    ("B", 1), ("kB", 1000), ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000),
    ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
  ]

  static let unitHelp = "use B, kB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024)"

  /// Parses "450 MB", "1.5GiB", "300" (bytes). Returns a message on failure.
  public static func parse(_ text: String) -> Result<ByteSize, SizeSyntaxError> {
    let trimmed = text.trimmingWhitespace()
    let numberEnd = trimmed.firstIndex { !($0.isASCII && ($0.isNumber || $0 == ".")) } ?? trimmed.endIndex
    let number = trimmed[..<numberEnd]
    let unit = trimmed[numberEnd...].trimmingWhitespace()
    guard !number.isEmpty else {
      return .failure(SizeSyntaxError("\"\(text)\" is not a size: expected a number and a unit, like \"450 MB\""))
    }
    let factor: Int64
    if unit.isEmpty {
      factor = 1
    } else if let match = units.first(where: { $0.name == unit }) {
      factor = match.factor
    } else {
      let hint =
        Suggestion.closest(to: unit, among: units.map(\.name), caseInsensitive: true)
        .map { "did you mean \"\($0)\"? " } ?? ""
      return .failure(SizeSyntaxError("unknown unit \"\(unit)\" in \"\(text)\": \(hint)\(unitHelp)"))
    }
    guard let bytes = scaled(String(number), by: factor) else {
      return .failure(SizeSyntaxError("\"\(text)\" is not a size: \"\(number)\" is not a number, or it is too large"))
    }
    return .success(ByteSize(bytes))
  }

  /// `digits[.digits] × factor`, exactly, rounded to the nearest byte.
  private static func scaled(_ number: String, by factor: Int64) -> Int64? {
    let parts = number.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count <= 2, let whole = Int64(parts[0].isEmpty ? "0" : parts[0]) else { return nil }
    var (result, overflow) = whole.multipliedReportingOverflow(by: factor)
    guard !overflow else { return nil }
    if parts.count == 2 {
      let fraction = parts[1].prefix(12)
      guard !fraction.isEmpty, let numerator = Int64(fraction) else { return nil }
      var denominator: Int64 = 1
      for _ in 0..<fraction.count { denominator *= 10 }
      // factor ≤ 2^40 and numerator < 10^12 would overflow, so divide in Double, which
      // is exact enough below a petabyte.
      let part = (Double(numerator) / Double(denominator) * Double(factor)).rounded()
      (result, overflow) = result.addingReportingOverflow(Int64(part))
      guard !overflow else { return nil }
    }
    return result
  }

  /// "423 MB", "42.3 MB", "4.23 GB": three significant digits, decimal units.
  public var description: String { Self.format(bytes) }

  public static func format(_ bytes: Int64) -> String {
    let magnitude = bytes.magnitude
    let sign = bytes < 0 ? "-" : ""
    if magnitude < 1000 { return "\(sign)\(magnitude) B" }
    let names = ["kB", "MB", "GB", "TB", "PB", "EB"]
    var value = Double(magnitude) / 1000
    var index = 0
    while value >= 999.95 && index < names.count - 1 {
      value /= 1000
      index += 1
    }
    return "\(sign)\(threeDigits(value)) \(names[index])"
  }

  /// A change: "+12.4 MB", "-3.00 kB", "±0 B".
  public static func formatDelta(_ bytes: Int64) -> String {
    bytes == 0 ? "±0 B" : (bytes > 0 ? "+" : "") + format(bytes)
  }

  /// "≈104 MB" for an estimate, "104 MB" for an exact figure: the one way every
  /// module and output marks an estimate.
  public static func format(_ bytes: Int64, estimated: Bool) -> String { (estimated ? "≈" : "") + format(bytes) }

  /// "≈+12.4 MB" for a change involving an estimate, "+12.4 MB" otherwise.
  public static func formatDelta(_ bytes: Int64, estimated: Bool) -> String {
    (estimated ? "≈" : "") + formatDelta(bytes)
  }

  /// Three significant digits, without trailing zeros ("20 MB", not "20.0 MB").
  static func threeDigits(_ value: Double) -> String {
    let decimals = value < 9.995 ? 2 : value < 99.95 ? 1 : 0
    var text = fixed(value, decimals: decimals)
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text
  }
}

/// `value` with a fixed number of decimals, without Foundation's formatters.
func fixed(_ value: Double, decimals: Int) -> String {
  var scale = 1.0
  for _ in 0..<decimals { scale *= 10 }
  let scaled = (value * scale).rounded()
  let whole = Int64(scaled / scale)
  guard decimals > 0 else { return String(whole) }
  let fraction = Int64(abs(scaled) - abs(Double(whole)) * scale + 0.5)
  let digits = String(fraction)
  let sign = value < 0 && whole == 0 ? "-" : ""
  return sign + String(whole) + "." + String(repeating: "0", count: max(0, decimals - digits.count)) + digits
}

public struct SizeSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

extension StringProtocol {
  func trimmingWhitespace() -> Substring {
    let text = Substring(self)
    guard let first = text.firstIndex(where: { !$0.isWhitespace }) else { return text[text.endIndex...] }
    let last = text.lastIndex(where: { !$0.isWhitespace })!
    return text[first...last]
  }
}

/// A count as every output writes it: 23,456 (sizes are `ByteSize.format`).
public func grouped(_ number: Int) -> String {
  let digits = String(number.magnitude)
  var out = ""
  for (index, character) in digits.enumerated() {
    if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
    out.append(character)
  }
  return (number < 0 ? "-" : "") + out
}

/// A count with its noun, as every output writes it: "1 file", "2,351 files",
/// "1 redundant copy" / "3 redundant copies" (give `plural` where "s" is wrong).
public func counted(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
  "\(grouped(count)) \(inflected(count, singular, plural))"
}

/// The word that goes with a count: `inflected(1, "file")` is "file", else "files";
/// verbs too, `inflected(n, "matches", "match")`.
public func inflected(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
  count == 1 ? singular : plural ?? singular + "s"
}
