/// The exit statuses users and CI scripts rely on (DESIGN.md).
public enum ExitStatus: Int32, Sendable {
  /// Within budget (warnings allowed).
  case ok = 0
  /// A budget is broken.
  case budgetBroken = 1
  /// Usage or configuration error.
  case usage = 2
  /// A needed measurement is missing.
  case missingMeasurement = 3
  /// A registry, the store's database server, a git remote or an SMTP server could
  /// not be reached: retrying may succeed (a broken configuration stays 2).
  case unreachable = 4
}

/// A failure that ends a command: what happened and what to do, and the exit status.
public struct CommandError: Error, Sendable, CustomStringConvertible {
  public var status: ExitStatus
  public var message: String
  /// What the command still has to say on standard output, when it got far enough
  /// (measure --sync: the measurement was made and stored, then sharing failed).
  public var output: String?

  public init(_ status: ExitStatus, _ message: String) {
    self.status = status
    self.message = message
  }

  public static func usage(_ message: String) -> CommandError { CommandError(.usage, message) }

  /// Exit 4: "could not reach WHAT: DETAIL; retrying may succeed".
  public static func unreachable(_ what: String, _ detail: String) -> CommandError {
    CommandError(.unreachable, "could not reach \(what): \(detail); retrying may succeed")
  }

  public var description: String { message }
}
