import ArchiveIO

/// One layer as the manifests describe it, before its bytes are read.
public struct LayerDescriptor: Sendable {
  public var index: Int
  public var mediaType: String?
  /// The blob's digest as the manifest names it (OCI), to verify against its bytes.
  public var blobDigest: String?
  /// The compressed size the manifest declares (what a pull transfers); nil when the
  /// source stores layers uncompressed and says nothing (docker-archive).
  public var declaredSize: Int64?
  /// The digest of the uncompressed tar, from the config's `rootfs.diff_ids`.
  public var diffID: String?
  /// The `created_by` of the config history entry that made the layer.
  public var createdBy: String?
  /// The member or file that holds the blob.
  public var blobName: String

  public init(
    index: Int, mediaType: String? = nil, blobDigest: String? = nil, declaredSize: Int64? = nil,
    diffID: String? = nil, createdBy: String? = nil, blobName: String
  ) {
    self.index = index
    self.mediaType = mediaType
    self.blobDigest = blobDigest
    self.declaredSize = declaredSize
    self.diffID = diffID
    self.createdBy = createdBy
    self.blobName = blobName
  }
}

/// What an image's manifest and config say, before any layer is read.
public struct ImageDescription: Sendable {
  public var reference: String
  public var platform: Platform
  public var manifestDigest: String?
  public var configDigest: String?
  public var config: ImageConfig
  public var layers: [LayerDescriptor]
  public var tags: [String]
  /// The manifest's annotations (OCI only; a docker-archive has none).
  public var annotations: [String: String] = [:]
}

/// An image whose layers can be opened in any order, from any thread.
public struct OpenedImage: Sendable {
  public var description: ImageDescription
  public var store: any BlobStore

  public func openLayer(_ layer: LayerDescriptor) throws -> ByteStream {
    try store.open(layer.blobName)
  }

  /// The number of bytes stored for a layer (its blob or tar member).
  public func storedSize(_ layer: LayerDescriptor) -> Int64? { store.size(of: layer.blobName) }
}
