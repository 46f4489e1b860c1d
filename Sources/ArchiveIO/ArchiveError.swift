/// Something wrong with the bytes of an archive or a stream: what, in words a user
/// can act on. Callers add which file and which layer.
public struct ArchiveError: Error, Sendable, CustomStringConvertible {
  public var message: String

  public init(_ message: String) { self.message = message }

  public var description: String { message }

  /// The same problem, with where it happened in front ("layer 3 (sha256:ab12…): …").
  public func within(_ context: String) -> ArchiveError { ArchiveError("\(context): \(message)") }
}
