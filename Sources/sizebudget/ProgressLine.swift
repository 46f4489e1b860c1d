import Dispatch
import Formats
import Foundation
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
      // A progress line that cannot be written (a closed terminal) is not worth an error.
      _ = Array(line.utf8).withUnsafeBytes { Descriptors.writeAll(2, $0) }
    }
  }
}

/// bisect's progress on standard error. On a terminal each step is printed as it
/// starts. Off a terminal (a CI log, where a long build otherwise looks hung) each
/// step is printed too, and the current one again every 30 s with the time so far.
final class Heartbeat: @unchecked Sendable {
  private let lock = NSLock()
  private var current: String?
  private let started = Monotonic.now()
  private var timer: DispatchSourceTimer?

  /// The interval is 30 s; `SIZEBUDGET_PROGRESS_INTERVAL` (seconds) shortens it for tests.
  init(onTerminal: Bool) {
    guard !onTerminal else { return }
    let interval = ProcessInfo.processInfo.environment["SIZEBUDGET_PROGRESS_INTERVAL"].flatMap(Double.init) ?? 30
    let timer = DispatchSource.makeTimerSource(queue: .global())
    timer.schedule(deadline: .now() + interval, repeating: interval)
    timer.setEventHandler { [self] in
      guard let line = lock.withLock({ current }) else { return }
      printError("sizebudget: \(Int(Monotonic.now() - started)) s: still \(line)")
    }
    timer.resume()
    self.timer = timer
  }

  func report(_ line: String) {
    lock.withLock { current = line }
    printError("sizebudget: " + line)
  }

  func stop() { timer?.cancel() }
}
