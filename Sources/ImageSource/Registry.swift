import ArchiveIO
import Foundation

/// Images in a registry (Distribution API v2). Manifests and the config are read
/// whole; layer blobs only when the measurement needs them, streamed, never to disk.
public enum Registry {
  /// Asking for one type alone misleads registries: Distribution converts a v2s2
  /// manifest to schema 1 (no sizes) when only the OCI type is accepted, and answers
  /// 404 for an OCI manifest asked for as v2s2 alone. So all four, together.
  static let accept = [
    "application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
  ]

  public static func open(
    _ reference: RegistryReference, platform: Platform?, insecure: Bool, environment: [String: String]
  ) throws(ImageSourceError) -> OpenedImage {
    let client = RegistryClient(reference, insecure: insecure, environment: environment)
    var (digest, manifest) = try fetchManifest(reference.reference, client: client, pinned: reference.isDigest)
    var chosenPlatform: Platform? = nil
    var depth = 0
    while let entries = manifest.manifests, manifest.layers == nil {
      depth += 1
      guard depth < 4 else { throw ImageSourceError("\(reference): image indexes nest too deeply") }
      let wanted = platform ?? .linuxAMD64
      guard let match = entries.first(where: { $0.platform.map { wanted.accepts($0.value) } ?? false }) else {
        let names = entries.compactMap { $0.platform?.value.description }
        throw ImageSourceError(
          "\(reference) has no \(wanted) image; it has: \(names.joined(separator: ", ")). Choose one with --platform")
      }
      chosenPlatform = match.platform?.value
      (digest, manifest) = try fetchManifest(match.digest, client: client, pinned: true)
    }
    if manifest.schemaVersion == 1 {
      throw ImageSourceError(
        "\(reference) has a schema 1 manifest, which carries no sizes: push it again as OCI or v2s2")
    }
    guard let configDescriptor = manifest.config, let layerDescriptors = manifest.layers else {
      throw ImageSourceError("\(reference): the manifest has no config or layers")
    }
    let configBytes = try blob(configDescriptor.digest, client: client)
    try verifyDigest(configBytes, configDescriptor.digest, "\(reference): config \(configDescriptor.digest)")
    let config = try decodeJSON(ImageConfig.self, configBytes, "\(reference): config")
    let diffIDs = config.rootfs?.diffIDs ?? []
    guard diffIDs.count == layerDescriptors.count else {
      throw ImageSourceError(
        "\(reference): the manifest lists \(layerDescriptors.count) layers but the config has \(diffIDs.count) diff_ids"
      )
    }
    let commands = config.layerCommands(layerCount: layerDescriptors.count)
    let layers = layerDescriptors.enumerated().map { index, descriptor in
      LayerDescriptor(
        index: index, mediaType: descriptor.mediaType, blobDigest: descriptor.digest, declaredSize: descriptor.size,
        diffID: diffIDs[index], createdBy: commands[index], blobName: descriptor.digest)
    }
    // The index's platform was chosen; the config's platform decides only otherwise.
    let actual = chosenPlatform ?? config.platform ?? .linuxAMD64
    if chosenPlatform == nil, let platform, !platform.accepts(actual) {
      throw ImageSourceError("\(reference) is an image for \(actual), not \(platform)")
    }
    let description = ImageDescription(
      reference: reference.description, platform: actual, manifestDigest: digest,
      configDigest: configDescriptor.digest, config: config, layers: layers,
      tags: reference.isDigest ? [] : [reference.reference], annotations: manifest.annotations ?? [:])
    let sizes = Dictionary(layerDescriptors.map { ($0.digest, $0.size) }, uniquingKeysWith: { first, _ in first })
    return OpenedImage(description: description, store: RegistryBlobStore(client: client, sizes: sizes))
  }

  private static func fetchManifest(_ reference: String, client: RegistryClient, pinned: Bool) throws(ImageSourceError)
    -> (String, OCILayout.Manifest)
  {
    let response = try client.get("/v2/\(client.reference.repository)/manifests/\(reference)", accept: accept)
    let digest = SHA256.digest(response.bodyPrefix)
    if pinned && digest != reference {
      throw ImageSourceError(
        "\(client.reference): the manifest's digest is \(digest), not the \(reference) asked for: refusing it")
    }
    if let header = response.headers["docker-content-digest"], header.hasPrefix("sha256:"), header != digest {
      throw ImageSourceError("\(client.reference): the manifest does not match the registry's Docker-Content-Digest")
    }
    let manifest = try decodeJSON(OCILayout.Manifest.self, response.bodyPrefix, "\(client.reference): the manifest")
    return (digest, manifest)
  }

  private static func blob(_ digest: String, client: RegistryClient) throws(ImageSourceError) -> [UInt8] {
    try client.get("/v2/\(client.reference.repository)/blobs/\(digest)").bodyPrefix
  }
}

/// Layer blobs by digest, opened as streams from the registry.
struct RegistryBlobStore: BlobStore {
  let client: RegistryClient
  let sizes: [String: Int64]
  var displayName: String { client.reference.description }

  func size(of name: String) -> Int64? { sizes[name] }

  func open(_ name: String) throws -> ByteStream { try RegistryBlobStream(client: client, digest: name) }
}
