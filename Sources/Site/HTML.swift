import Formats
import Foundation
import SystemCalls

/// Escaping and small helpers every page shares.
enum HTML {
  /// The same escaping as every HTML output of sizebudget (the weekly email's).
  static func escape(_ text: String) -> String { ReportHTML.escape(text) }

  /// Exact bytes with thousands separators: the hover text promises exact figures.
  static func exact(_ bytes: Int64) -> String {
    let digits = String(bytes.magnitude)
    var out = ""
    for (index, digit) in digits.enumerated() {
      if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
      out.append(digit)
    }
    return (bytes < 0 ? "-" : "") + out
  }

  static func date(_ time: Int64) -> String { UTCTime.dayAndMinute(time) }

  static func day(_ time: Int64) -> String { UTCTime.day(time) }

  /// SVG coordinates: three decimals keep areas within 0.01 % on small rectangles.
  static func number(_ value: Double) -> String {
    let rounded = (value * 1000).rounded() / 1000
    if rounded == rounded.rounded() { return String(Int64(rounded)) }
    return String(format: "%.3f", rounded)
  }

  /// Commit pages live in commits/; `prefix` is the way back to the site's root.
  static func commitHref(_ commit: String, prefix: String) -> String { "\(prefix)commits/\(commit).html" }

  static func imageFile(_ name: String) -> String {
    let safe = name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" }
    return "images/\(String(safe)).html"
  }
}
