/// A document that is not valid TOML 1.0: where, and what was expected.
public struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
  public var position: TOMLPosition
  public var message: String

  public init(_ message: String, at position: TOMLPosition) {
    self.message = message
    self.position = position
  }

  /// `line:column: message`, the form editors and terminals link to.
  public var description: String { "\(position): \(message)" }
}
