/// One package of the final filesystem, with the bytes of its files as they are in
/// the image; or, with `ecosystem` "none", the files no package owns under one
/// directory.
public struct PackageSize: Sendable, Codable, Equatable {
  /// `deb`, `apk`, `python`, `npm`, or `none`.
  public var ecosystem: String
  public var name: String
  public var version: String?
  /// Where it is installed: the `site-packages` (its venv), the `node_modules`
  /// directory, or for unowned files their directory.
  public var location: String?
  public var bytes: Int64
  public var files: Int
  /// The layer that installed it (the one holding its database entry).
  public var layer: Int?

  public init(
    ecosystem: String, name: String, version: String?, location: String?, bytes: Int64, files: Int, layer: Int?
  ) {
    self.ecosystem = ecosystem
    self.name = name
    self.version = version
    self.location = location
    self.bytes = bytes
    self.files = files
    self.layer = layer
  }

  /// `python:torch`, `deb:gcc-12`: how budgets and diffs name a package.
  public var key: String {
    "\(ecosystem):\(name)" + (ecosystem == "python" || ecosystem == "npm" ? "@\(location ?? "")" : "")
  }
}
