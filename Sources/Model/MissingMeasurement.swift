/// An image that could not be judged because a measurement is missing, and the
/// command that would make it.
public struct MissingMeasurement: Sendable, Codable, Equatable {
  public var image: String
  public var commit: String
  public var command: String
  /// Why the nearest measured ancestor's measurement does not stand in: "api/main.py
  /// changed since abc1234 (measured)".
  public var reason: String?

  public init(image: String, commit: String, command: String, reason: String? = nil) {
    self.image = image
    self.commit = commit
    self.command = command
    self.reason = reason
  }
}
