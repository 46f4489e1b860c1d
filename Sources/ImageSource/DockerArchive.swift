import ArchiveIO

/// `docker save` archives: `manifest.json` lists each image's config and layer
/// members. Both the classic form (`<id>/layer.tar`, `<diffid>.tar`) and Docker 25's
/// (which adds `index.json`, `oci-layout` and `blobs/sha256/`) name their layers there.
public enum DockerArchive {
  struct ManifestEntry: Decodable {
    var config: String
    var repoTags: [String]?
    var layers: [String]
    enum CodingKeys: String, CodingKey {
      case config = "Config"
      case repoTags = "RepoTags"
      case layers = "Layers"
    }
  }

  /// Opens a docker-archive file; its members are indexed, not read.
  public static func open(path: String, tag: String?, platform: Platform?) throws(ImageSourceError) -> OpenedImage {
    let store = try TarBlobStore(path: path)
    guard store.size(of: "manifest.json") != nil else {
      let isOCI = store.size(of: "index.json") != nil
      throw ImageSourceError(
        "\(path) has no manifest.json, so it is not a docker-archive"
          + (isOCI ? ": it looks like an OCI archive, measure oci-archive:\(path)" : " (docker save writes one)"))
    }
    let description = try describe(
      reference: "docker-archive:\(path)" + (tag.map { ":\($0)" } ?? ""), tag: tag, platform: platform,
      manifest: try store.readSmall("manifest.json"),
      read: { name throws(ImageSourceError) in try store.readSmall(name) },
      has: { store.size(of: $0) != nil }, where: path)
    return OpenedImage(description: description, store: store)
  }

  /// Reads `manifest.json` and the config it names. `read` and `has` give access to
  /// the archive's members; shared by the file and the standard-input readers.
  static func describe(
    reference: String, tag: String?, platform: Platform?, manifest: [UInt8],
    read: (String) throws(ImageSourceError) -> [UInt8], has: (String) -> Bool, where archive: String
  ) throws(ImageSourceError) -> ImageDescription {
    let entries = try decodeJSON([ManifestEntry].self, manifest, "\(archive): manifest.json")
    let entry = try select(entries, tag: tag, archive: archive)
    let configBytes = try read(entry.config)
    let configDigest = SHA256.digest(configBytes)
    if let named = digestNamed(by: entry.config), named != configDigest {
      throw ImageSourceError(
        "\(archive): config \(entry.config) does not match its digest (it hashes to \(configDigest)); the archive is corrupt"
      )
    }
    let config = try decodeJSON(ImageConfig.self, configBytes, "\(archive): config \(entry.config)")
    let diffIDs = config.rootfs?.diffIDs ?? []
    guard diffIDs.count == entry.layers.count else {
      throw ImageSourceError(
        "\(archive): manifest.json lists \(entry.layers.count) layers but the config has \(diffIDs.count) diff_ids; the archive is corrupt"
      )
    }
    let commands = config.layerCommands(layerCount: entry.layers.count)
    var layers: [LayerDescriptor] = []
    for (index, name) in entry.layers.enumerated() {
      guard has(name) else {
        throw ImageSourceError(
          "\(archive): manifest.json names layer \(name), which is not in the archive; the archive is incomplete")
      }
      layers.append(
        LayerDescriptor(
          index: index, mediaType: nil, blobDigest: digestNamed(by: name), declaredSize: nil, diffID: diffIDs[index],
          createdBy: commands[index], blobName: name))
    }
    let actual = config.platform ?? .linuxAMD64
    if let platform, !platform.accepts(actual) {
      throw ImageSourceError(
        "\(archive) holds an image for \(actual), not \(platform): drop --platform or save the \(platform) image")
    }
    return ImageDescription(
      reference: reference, platform: actual, manifestDigest: nil, configDigest: configDigest, config: config,
      layers: layers, tags: entry.repoTags ?? [])
  }

  private static func select(_ entries: [ManifestEntry], tag: String?, archive: String) throws(ImageSourceError)
    -> ManifestEntry
  {
    if let tag {
      // The full tag (`team/app:1.0`) wins; a shorter form (`app:1.0`, `latest`) must
      // name one image only, never silently the first of several.
      let exact = entries.filter { ($0.repoTags ?? []).contains(tag) }
      if exact.count == 1 { return exact[0] }
      let matches =
        exact.isEmpty ? entries.filter { entry in (entry.repoTags ?? []).contains { answers($0, to: tag) } } : exact
      guard let match = matches.first else {
        throw ImageSourceError("\(archive) has no image tagged \"\(tag)\"; it has: \(allTags(entries))")
      }
      guard matches.count == 1 else {
        let named = matches.flatMap { ($0.repoTags ?? []).filter { answers($0, to: tag) } }
        throw ImageSourceError(
          "\(archive): the tag \"\(tag)\" is ambiguous, \(matches.count) images match (\(named.joined(separator: ", "))): name one in full, as docker-archive:\(archive):\(named.first ?? tag)"
        )
      }
      return match
    }
    guard let first = entries.first else { throw ImageSourceError("\(archive): manifest.json lists no image") }
    guard entries.count == 1 else {
      throw ImageSourceError(
        "\(archive) holds \(entries.count) images: name one, as docker-archive:\(archive):TAG (tags: \(allTags(entries)))"
      )
    }
    return first
  }

  /// `team/app:latest` answers to `team/app:latest`, `app:latest` and `latest`.
  private static func answers(_ repoTag: String, to tag: String) -> Bool {
    repoTag == tag || repoTag.hasSuffix(":" + tag) || repoTag.hasSuffix("/" + tag)
  }

  private static func allTags(_ entries: [ManifestEntry]) -> String {
    let tags = entries.flatMap { $0.repoTags ?? [] }
    return tags.isEmpty ? "(none)" : tags.joined(separator: ", ")
  }

  /// `blobs/sha256/<hex>` and `<hex>.json`/`<hex>.tar` carry their own digest.
  static func digestNamed(by name: String) -> String? {
    let last = name.split(separator: "/").last.map(String.init) ?? name
    // go-containerregistry names the config file by its digest, `sha256:<hex>`.
    if last.hasPrefix("sha256:"), last.count == 71, last.dropFirst(7).allSatisfy(\.isHexDigit) { return last }
    var hexPart = Substring(last)
    for suffix in [".json", ".tar"] where hexPart.hasSuffix(suffix) { hexPart = hexPart.dropLast(suffix.count) }
    guard hexPart.count == 64, hexPart.allSatisfy({ $0.isHexDigit }) else { return nil }
    // `<hex>.tar` names the diff id of an uncompressed layer; blobs/ name the blob.
    if name.hasPrefix("blobs/sha256/") || last.hasSuffix(".json") { return "sha256:" + hexPart }
    return nil
  }
}
