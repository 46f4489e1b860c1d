import Delivery
import Evaluation
import ImageSource
import Sharing
import Store

/// Exit 4 for what could not be reached, exit 2 for what is wrong: the libraries mark
/// their errors with the host they could not reach, and these pick the status, so CI
/// can retry a network blip without hiding a broken configuration.
extension CommandError {
  /// Any failure below a command once it is under way (the store, the history, git):
  /// the one mapping every command's `catch` uses, so a store lost mid-command is
  /// exit 4 everywhere, and only what retrying cannot fix is exit 2.
  static func from(_ error: any Error) -> CommandError {
    switch error {
    case let error as CommandError: error
    case let error as StoreError: from(error)
    case let error as SharingError: from(error)
    case let error as LookupError: from(error)
    default: .usage("\(error)")
    }
  }

  static func from(_ error: LookupError) -> CommandError {
    error.unreachable.map { .unreachable($0, error.message) } ?? .usage(error.message)
  }

  static func from(_ error: StoreError) -> CommandError {
    error.unreachable.map { .unreachable($0, error.message) } ?? .usage(error.message)
  }

  static func from(_ error: SharingError) -> CommandError {
    error.unreachable.map { .unreachable($0, error.message) } ?? .usage(error.message)
  }

  /// A measurement that failed: transient only when the registry could not be reached.
  static func measuring(_ what: String, _ error: any Error) -> CommandError {
    if let source = error as? ImageSourceError, let host = source.unreachable {
      return .unreachable(host, "cannot measure \(what): \(source.message)")
    }
    return .usage("cannot measure \(what): \(error)")
  }

  /// SMTP: a server that is down or does not answer is transient; a refused login or
  /// a server without the TLS the credentials need is configuration. A server that
  /// connected and then stopped answering is too: aiosmtpd, for one, answers a wrong
  /// password by going quiet until the client times out.
  static func sending(_ error: DeliveryError, through smtp: String) -> CommandError {
    error.isTransient && !(error.kind == .timeout && error.connected)
      ? .unreachable("the SMTP server \(smtp)", "cannot send the report: \(error.message)")
      : .usage("cannot send the report: \(error.message)")
  }
}
