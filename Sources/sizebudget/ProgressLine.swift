import Formats
import SizeBudgetKit

#if canImport(Glibc)
  import Glibc
#endif

/// A one-line progress report on standard error, only when it is a terminal.
enum ProgressLine {
  static func forStandardError() -> (@Sendable (Int, Int, Int64) -> Void)? {
    guard isatty(2) == 1 else { return nil }
    return { done, total, bytes in
      let of = total > 0 ? "/\(total)" : ""
      let line =
        "\r\u{1B}[2Kmeasuring: \(done)\(of) layers, \(ByteSizeText.format(bytes)) read"
        + (done == total ? "\r\u{1B}[2K" : "")
      _ = line.withCString { write(2, $0, strlen($0)) }
    }
  }
}
