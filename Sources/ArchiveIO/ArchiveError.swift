/// Something wrong with the bytes of an archive or a stream: what, in words a user
/// can act on. Callers add which file and which layer.
public struct ArchiveError: Error, Sendable, CustomStringConvertible {
  public var message: String
  /// The bytes ended early (as opposed to being wrong): a reader that skips over
  /// content says "truncated" for these only, and passes every other error on.
  public var isEndOfData = false

  public init(_ message: String) { self.message = message }

  /// The data ended before what its headers announce.
  public static func endOfData(_ message: String) -> ArchiveError {
    var error = ArchiveError(message)
    error.isEndOfData = true
    return error
  }

  public var description: String { message }

  /// The same problem, with where it happened in front ("layer 3 (sha256:ab12…): …").
  public func within(_ context: String) -> ArchiveError {
    var error = self
    error.message = "\(context): \(message)"
    return error
  }
}
