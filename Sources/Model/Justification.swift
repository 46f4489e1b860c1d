/// A commit message trailer `Size-Budget: <reason>`, or `Size-Budget: api, worker:
/// <reason>` for some images only.
public struct Justification: Sendable, Codable, Equatable {
  public var commit: String
  public var reason: String
  /// The images the trailer names; nil when it names none and covers every image.
  public var images: [String]?

  public init(commit: String, reason: String, images: [String]? = nil) {
    self.commit = commit
    self.reason = reason
    self.images = images
  }

  public func covers(_ image: String) -> Bool { images?.contains(image) ?? true }
}
