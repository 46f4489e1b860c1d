/// Reading and writing file descriptors the way every caller needs: retried on EINTR,
/// whole buffers, and errors as text.
public enum Descriptors {
  /// `strerror(errno)` as a String, for messages.
  public static func lastErrorText() -> String { String(cString: strerror(errno)) }

  /// Writes the whole buffer (write(2) may write less); false when the descriptor
  /// refused (a closed pipe, a full disk).
  @discardableResult
  public static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
    var written = 0
    while written < bytes.count {
      let result = write(descriptor, bytes.baseAddress! + written, bytes.count - written)
      if result < 0 {
        if errno == EINTR { continue }
        return false
      }
      written += result
    }
    return true
  }

  /// A line of text on standard error, written at once (no buffering to lose on exit).
  public static func printError(_ text: String) {
    var line = Array(text.utf8)
    if line.last != UInt8(ascii: "\n") { line.append(UInt8(ascii: "\n")) }
    _ = line.withUnsafeBytes { writeAll(2, $0) }  // a failed write to stderr has nowhere to be said
  }

  /// read(2) retried on EINTR: the byte count, 0 at the end, -1 on an error (errno set).
  public static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
    while true {
      #if canImport(Glibc)
        let got = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
      #else
        let got = Darwin.read(descriptor, buffer.baseAddress, buffer.count)
      #endif
      if got < 0 && errno == EINTR { continue }
      return got
    }
  }

  public static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

  /// The width in columns of the terminal on `descriptor`; nil when it is not one.
  public static func terminalWidth(_ descriptor: Int32) -> Int? {
    guard isTerminal(descriptor) else { return nil }
    var size = winsize()
    guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
    return Int(size.ws_col)
  }
}

/// The process itself: its id, its environment, how it ends.
public enum ThisProcess {
  public static var id: Int32 { getpid() }

  /// One environment variable, nil when unset. (Foundation's
  /// `ProcessInfo.processInfo.environment` copies the whole environment into a
  /// dictionary at each call.)
  public static func environment(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

  /// Ends the process now with `status` (exit(3): flushes stdio, runs atexit handlers).
  public static func exit(_ status: Int32) -> Never {
    #if canImport(Glibc)
      Glibc.exit(status)
    #else
      Darwin.exit(status)
    #endif
  }
}
