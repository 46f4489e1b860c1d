import ArchiveIO

/// OCI image layouts: `oci-layout`, `index.json` and `blobs/sha256/`, as a directory
/// (`oci:`) or a tar of one (`oci-archive:`). Indexes are followed to the platform.
public enum OCILayout {
  static let refName = "org.opencontainers.image.ref.name"
  static let indexTypes: Set<String> = [
    "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json",
  ]

  struct Descriptor: Decodable {
    var mediaType: String?
    var digest: String
    var size: Int64
    var annotations: [String: String]?
    var platform: DescriptorPlatform?
  }

  struct DescriptorPlatform: Decodable {
    var os: String
    var architecture: String
    var variant: String?
    var value: Platform { Platform(os: os, architecture: architecture, variant: variant) }
  }

  struct Index: Decodable {
    var mediaType: String?
    var manifests: [Descriptor]
  }

  struct Manifest: Decodable {
    var schemaVersion: Int?
    var mediaType: String?
    var config: Descriptor?
    var layers: [Descriptor]?
    var manifests: [Descriptor]?
    /// `org.opencontainers.image.base.name`/`.base.digest` (buildah, ko).
    var annotations: [String: String]?
  }

  public static func openDirectory(_ directory: String, tag: String?, platform: Platform?) throws(ImageSourceError)
    -> OpenedImage
  {
    let store = try DirectoryBlobStore(root: directory)
    return try open(store, reference: "oci:\(directory)" + (tag.map { ":\($0)" } ?? ""), tag: tag, platform: platform)
  }

  public static func openArchive(_ path: String, tag: String?, platform: Platform?) throws(ImageSourceError)
    -> OpenedImage
  {
    let store = try TarBlobStore(path: path)
    if store.size(of: "index.json") == nil && store.size(of: "manifest.json") != nil {
      throw ImageSourceError(
        "\(path) has no index.json but a manifest.json: it is a docker-archive, measure docker-archive:\(path)")
    }
    return try open(
      store, reference: "oci-archive:\(path)" + (tag.map { ":\($0)" } ?? ""), tag: tag, platform: platform)
  }

  static func open(_ store: any BlobStore, reference: String, tag: String?, platform: Platform?)
    throws(ImageSourceError) -> OpenedImage
  {
    let name = store.displayName
    guard store.size(of: "index.json") != nil else {
      throw ImageSourceError("\(name) has no index.json, so it is not an OCI image layout")
    }
    let index = try decodeJSON(Index.self, try store.readSmall("index.json"), "\(name): index.json")
    let chosen = try select(index.manifests, tag: tag, platform: platform, in: name)
    let (manifestDescriptor, manifest) = try resolve(chosen, store: store, platform: platform, depth: 0)
    guard let configDescriptor = manifest.config, let layerDescriptors = manifest.layers else {
      throw ImageSourceError(
        "\(name): manifest \(manifestDescriptor.digest) has no config or layers (schema 1 manifests carry no sizes)")
    }
    let configBytes = try readBlob(configDescriptor, store: store, what: "config")
    let config = try decodeJSON(ImageConfig.self, configBytes, "\(name): config \(configDescriptor.digest)")
    let diffIDs = config.rootfs?.diffIDs ?? []
    guard diffIDs.count == layerDescriptors.count else {
      throw ImageSourceError(
        "\(name): the manifest lists \(layerDescriptors.count) layers but the config has \(diffIDs.count) diff_ids; the image is corrupt"
      )
    }
    let commands = config.layerCommands(layerCount: layerDescriptors.count)
    var layers: [LayerDescriptor] = []
    for (position, descriptor) in layerDescriptors.enumerated() {
      let path = try blobPath(descriptor.digest, in: "\(name): layer \(position)")
      guard let stored = store.size(of: path) else {
        throw ImageSourceError(
          "\(name): layer \(position) (\(descriptor.digest)) is missing from the layout: no \(path)")
      }
      guard stored == descriptor.size else {
        throw ImageSourceError(
          "\(name): layer \(position) (\(descriptor.digest)) is \(stored) bytes but the manifest says \(descriptor.size); the blob is truncated or corrupt"
        )
      }
      layers.append(
        LayerDescriptor(
          index: position, mediaType: descriptor.mediaType, blobDigest: descriptor.digest,
          declaredSize: descriptor.size, diffID: diffIDs[position], createdBy: commands[position], blobName: path))
    }
    let tags = index.manifests.compactMap { $0.annotations?[refName] }
    let description = ImageDescription(
      reference: reference, platform: config.platform ?? chosen.platform?.value ?? .linuxAMD64,
      manifestDigest: manifestDescriptor.digest, configDigest: configDescriptor.digest, config: config,
      layers: layers, tags: tags, annotations: manifest.annotations ?? [:])
    if let platform, !platform.accepts(description.platform) {
      throw ImageSourceError("\(name) holds an image for \(description.platform), not \(platform)")
    }
    return OpenedImage(description: description, store: store)
  }

  /// A tag picks by `org.opencontainers.image.ref.name`; otherwise the only entry, or
  /// the one for the platform.
  private static func select(_ entries: [Descriptor], tag: String?, platform: Platform?, in name: String)
    throws(ImageSourceError) -> Descriptor
  {
    var candidates = entries
    if let tag {
      candidates = entries.filter { ($0.annotations?[refName]).map { $0 == tag || $0.hasSuffix(":" + tag) } ?? false }
      if candidates.isEmpty {
        let tags = entries.compactMap { $0.annotations?[refName] }
        throw ImageSourceError(
          "\(name) has no image tagged \"\(tag)\"; it has: \(tags.isEmpty ? "(no tags)" : tags.joined(separator: ", "))"
        )
      }
    }
    if candidates.count == 1 { return candidates[0] }
    guard !candidates.isEmpty else { throw ImageSourceError("\(name): index.json lists no image") }
    let wanted = platform ?? .linuxAMD64
    if let match = candidates.first(where: { $0.platform.map { wanted.accepts($0.value) } ?? false }) {
      return match
    }
    let tags = Set(candidates.compactMap { $0.annotations?[refName] })
    if tags.count <= 1, let fallback = withoutPlatform(candidates) { return fallback }
    if tags.count > 1 {
      throw ImageSourceError(
        "\(name) holds several images: name one, as oci:PATH:TAG (tags: \(tags.sorted().joined(separator: ", ")))")
    }
    throw ImageSourceError("\(name) has no image for \(wanted); it has: \(platforms(candidates))")
  }

  /// Follows indexes (nested at most 4 deep) to the manifest for the platform.
  private static func resolve(_ descriptor: Descriptor, store: any BlobStore, platform: Platform?, depth: Int)
    throws(ImageSourceError) -> (Descriptor, Manifest)
  {
    guard depth < 4 else { throw ImageSourceError("\(store.displayName): indexes nest too deeply") }
    let bytes = try readBlob(descriptor, store: store, what: "manifest")
    let manifest = try decodeJSON(Manifest.self, bytes, "\(store.displayName): manifest \(descriptor.digest)")
    let isIndex = manifest.manifests != nil || indexTypes.contains(manifest.mediaType ?? descriptor.mediaType ?? "")
    guard isIndex else { return (descriptor, manifest) }
    let wanted = platform ?? .linuxAMD64
    let entries = manifest.manifests ?? []
    guard
      let match = entries.first(where: { $0.platform.map { wanted.accepts($0.value) } ?? false })
        ?? withoutPlatform(entries)
    else {
      throw ImageSourceError(
        "\(store.displayName): the image index has no \(wanted) image; it has: \(platforms(entries)). Choose one with --platform"
      )
    }
    return try resolve(match, store: store, platform: platform, depth: depth + 1)
  }

  /// When no entry names a platform that fits, one that names none is a candidate
  /// (as containers/image takes it); its config's platform is checked once read.
  private static func withoutPlatform(_ entries: [Descriptor]) -> Descriptor? {
    entries.first { $0.platform == nil }
  }

  private static func platforms(_ entries: [Descriptor]) -> String {
    let names = entries.compactMap { $0.platform?.value.description }
    return names.isEmpty ? "(no platforms named)" : names.joined(separator: ", ")
  }

  private static func readBlob(_ descriptor: Descriptor, store: any BlobStore, what: String) throws(ImageSourceError)
    -> [UInt8]
  {
    let path = try blobPath(descriptor.digest, in: "\(store.displayName): \(what)")
    guard store.size(of: path) != nil else {
      throw ImageSourceError("\(store.displayName): the \(what) \(descriptor.digest) is missing: no \(path)")
    }
    let bytes = try store.readSmall(path)
    guard Int64(bytes.count) == descriptor.size else {
      throw ImageSourceError(
        "\(store.displayName): the \(what) \(descriptor.digest) is \(bytes.count) bytes but is described as \(descriptor.size)"
      )
    }
    try verifyDigest(bytes, descriptor.digest, "\(store.displayName): the \(what) \(descriptor.digest)")
    return bytes
  }
}
