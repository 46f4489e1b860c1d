import SystemCalls

/// How much an image may grow against its base: `+5%` or `+20 MB`.
public enum Growth: Sendable, Hashable, CustomStringConvertible {
  case percent(Double)
  case bytes(ByteSize)

  /// Parses "+5%", "+0.5 %", "+20 MB" (the plus sign may be left out).
  public static func parse(_ text: String) -> Result<Growth, SizeSyntaxError> {
    var body = text.trimmingWhitespace()
    if body.hasPrefix("-") {
      return .failure(
        SizeSyntaxError("growth \"\(text)\" cannot be negative: write how much the image may grow, like \"+5%\""))
    }
    if body.hasPrefix("+") { body = body.dropFirst().trimmingWhitespace() }
    if body.hasSuffix("%") {
      guard let value = Double(body.dropLast().trimmingWhitespace()), value >= 0, value.isFinite else {
        return .failure(SizeSyntaxError("\"\(text)\" is not a growth: expected a percentage like \"+5%\""))
      }
      guard value <= maximumPercent else {
        return .failure(
          SizeSyntaxError(
            "growth \"\(text)\" is too large: at most +\(Int64(maximumPercent))% (leave max_growth out for no limit)"))
      }
      return .success(.percent(value))
    }
    switch ByteSize.parse(String(body)) {
    case .success(let size): return .success(.bytes(size))
    case .failure(let error):
      return .failure(SizeSyntaxError("\"\(text)\" is not a growth (\"+5%\" or \"+20 MB\"): \(error.message)"))
    }
  }

  /// The largest percentage accepted: beyond it a growth limit means nothing, and its
  /// allowance would not fit in a byte count.
  public static let maximumPercent = 1_000_000.0

  /// The most bytes an image of `base` bytes may grow by (at most `Int64.max`).
  public func allowance(over base: Int64) -> Int64 {
    switch self {
    case .percent(let percent): Int64(clamping: (Double(base) * percent / 100).rounded(.down))
    case .bytes(let size): size.bytes
    }
  }

  public var description: String {
    switch self {
    case .percent(let value):
      "+" + (value == value.rounded() ? String(Int64(clamping: value)) : fixed(value, decimals: 2)) + "%"
    case .bytes(let size): "+" + size.description
    }
  }
}
