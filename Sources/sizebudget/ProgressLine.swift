import Formats
import SizeBudgetKit
import SystemCalls

/// A one-line progress report on standard error, only when it is a terminal.
enum ProgressLine {
  static func forStandardError() -> (@Sendable (Int, Int, Int64) -> Void)? {
    guard Descriptors.isTerminal(2) else { return nil }
    return { done, total, bytes in
      let of = total > 0 ? "/\(total)" : ""
      let line =
        "\r\u{1B}[2Kmeasuring: \(done)\(of) layers, \(ByteSizeText.format(bytes)) read"
        + (done == total ? "\r\u{1B}[2K" : "")
      Array(line.utf8).withUnsafeBytes { Descriptors.writeAll(2, $0) }
    }
  }
}
