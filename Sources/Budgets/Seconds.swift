/// A duration as budgets.toml and `--timeout` write it: `90s`, `45m`, `2h`, `1.5h`
/// (or `45 m`). Whole seconds from 1 s to 7 days: a build limit outside that is a typo.
public enum Seconds {
  public static let range: ClosedRange<Double> = 1...(7 * 86_400)
  static let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]

  /// The number of seconds, or nil when `text` is not such a duration.
  public static func parse(_ text: String) -> Double? {
    let trimmed = text.filter { $0 != " " }.lowercased()
    guard let unit = trimmed.last, let scale = units[unit], let number = Double(trimmed.dropLast()),
      number.isFinite, trimmed.dropLast().allSatisfy({ $0.isNumber || $0 == "." })
    else { return nil }
    let seconds = number * scale
    return range.contains(seconds) ? seconds : nil
  }

  public static let help = "a duration such as \"90s\", \"45m\" or \"2h\" (1 s to 7 days)"
}
