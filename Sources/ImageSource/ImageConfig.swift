/// The parts of an image's config JSON a measurement uses.
public struct ImageConfig: Sendable, Codable {
  public struct RootFS: Sendable, Codable {
    public var diffIDs: [String]?
    enum CodingKeys: String, CodingKey { case diffIDs = "diff_ids" }
  }

  public struct History: Sendable, Codable {
    public var createdBy: String?
    public var emptyLayer: Bool?
    public var comment: String?
    enum CodingKeys: String, CodingKey {
      case createdBy = "created_by"
      case emptyLayer = "empty_layer"
      case comment
    }
  }

  public var architecture: String?
  public var os: String?
  public var variant: String?
  public var rootfs: RootFS?
  public var history: [History]?

  public var platform: Platform? {
    guard let os, let architecture else { return nil }
    return Platform(os: os, architecture: architecture, variant: variant)
  }

  /// The command that made each layer: history entries without `empty_layer`, in
  /// order. Nil when the history does not line up with the layers.
  public func layerCommands(layerCount: Int) -> [String?] {
    let entries = (history ?? []).filter { $0.emptyLayer != true }
    guard entries.count == layerCount else { return Array(repeating: nil, count: layerCount) }
    return entries.map(\.createdBy)
  }

  /// `/bin/sh -c #(nop) COPY …` → `COPY …`: the Dockerfile line a person wrote.
  public static func tidy(_ command: String) -> String {
    var text = Substring(command)
    for prefix in ["/bin/sh -c #(nop) ", "/bin/sh -c "] where text.hasPrefix(prefix) {
      text = text.dropFirst(prefix.count)
      break
    }
    return String(text).trimmingSpaces()
  }
}

extension String {
  func trimmingSpaces() -> String {
    var view = Substring(self)
    while view.first?.isWhitespace == true { view = view.dropFirst() }
    while view.last?.isWhitespace == true { view = view.dropLast() }
    return String(view)
  }
}
