/// The image a measured image was built `FROM`, and how many of its layers (the
/// first ones) are that base's, so that growth can be split into what the base
/// brought and what the image's own instructions added.
public struct BaseImage: Sendable, Codable, Equatable {
  /// `localhost/fixture/python:3.11-slim`, `python:3.11-slim`.
  public var name: String?
  /// The base's manifest digest, when known.
  public var digest: String?
  /// Layers `0..<layers` are the base image's.
  public var layers: Int
  /// How the split was found: `annotations` (the builder's OCI annotations and its
  /// history), `base_image` (budgets.toml's reference, read by manifest) or
  /// `common prefix` (the layers shared with the measurement growth is compared to).
  public var how: String

  public init(name: String?, digest: String?, layers: Int, how: String) {
    self.name = name
    self.digest = digest
    self.layers = layers
    self.how = how
  }
}
