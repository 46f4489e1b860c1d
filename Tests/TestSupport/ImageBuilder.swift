import ArchiveIO
import Foundation

/// Writes small real images for tests: docker-archives, OCI layouts and
/// oci-archives, each layer a tar built by `TarBuilder` and compressed by the real
/// `gzip` or `zstd` tools.
public struct ImageBuilder: Sendable {
  public enum LayerCompression: Sendable { case none, gzip, zstd }

  public struct Layer: Sendable {
    public var tar: [UInt8]
    public var createdBy: String
    public var compression: LayerCompression
    /// Replaces the stored blob (to write corrupt streams); the manifest describes it.
    public var blobOverride: [UInt8]? = nil

    public init(_ entries: [TarBuilder.Entry], createdBy: String = "COPY . /", compression: LayerCompression = .gzip) {
      self.tar = TarBuilder(entries).bytes()
      self.createdBy = createdBy
      self.compression = compression
    }

    public init(rawTar: [UInt8], createdBy: String = "COPY . /", compression: LayerCompression = .gzip) {
      self.tar = rawTar
      self.createdBy = createdBy
      self.compression = compression
    }

    public func blob() throws -> [UInt8] {
      if let blobOverride { return blobOverride }
      switch compression {
      case .none: return tar
      case .gzip: return try Compressor.gzip(tar)
      case .zstd: return try Compressor.zstd(tar)
      }
    }

    var mediaType: String {
      switch compression {
      case .none: "application/vnd.oci.image.layer.v1.tar"
      case .gzip: "application/vnd.oci.image.layer.v1.tar+gzip"
      case .zstd: "application/vnd.oci.image.layer.v1.tar+zstd"
      }
    }
  }

  public var layers: [Layer]
  public var architecture = "amd64"
  public var os = "linux"

  public init(_ layers: [Layer]) { self.layers = layers }

  public func configJSON() -> [UInt8] {
    let diffIDs = layers.map { SHA256.digest($0.tar) }
    let history = layers.map { ["created_by": $0.createdBy] } + [["created_by": "CMD [\"app\"]", "empty_layer": true]]
    let object: [String: Any] = [
      "architecture": architecture, "os": os, "rootfs": ["type": "layers", "diff_ids": diffIDs],
      "history": history, "config": [:],
    ]
    return [UInt8](try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
  }

  /// The classic `docker save` layout: `<diffid>.tar` members and manifest.json.
  public func dockerArchive() throws -> [UInt8] {
    let config = configJSON()
    let configName = String(SHA256.digest(config).dropFirst(7)) + ".json"
    var entries: [TarBuilder.Entry] = []
    var names: [String] = []
    for layer in layers {
      let name = String(SHA256.digest(layer.tar).dropFirst(7)) + ".tar"
      names.append(name)
      entries.append(TarBuilder.Entry(name, try layer.blob()))
    }
    entries.append(TarBuilder.Entry(configName, config))
    let manifest: [[String: Any]] = [["Config": configName, "RepoTags": ["example/app:latest"], "Layers": names]]
    entries.append(TarBuilder.Entry("manifest.json", [UInt8](try JSONSerialization.data(withJSONObject: manifest))))
    return TarBuilder(entries).bytes()
  }

  /// The files of an OCI layout: path → bytes.
  public func ociLayoutFiles(tag: String = "latest") throws -> [(String, [UInt8])] {
    var files: [(String, [UInt8])] = [("oci-layout", Array("{\"imageLayoutVersion\":\"1.0.0\"}".utf8))]
    var descriptors: [[String: Any]] = []
    for layer in layers {
      let blob = try layer.blob()
      let digest = SHA256.digest(blob)
      files.append(("blobs/sha256/" + digest.dropFirst(7), blob))
      descriptors.append(["mediaType": layer.mediaType, "digest": digest, "size": blob.count])
    }
    let config = configJSON()
    let configDigest = SHA256.digest(config)
    files.append(("blobs/sha256/" + configDigest.dropFirst(7), config))
    let manifest: [String: Any] = [
      "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
      "config": [
        "mediaType": "application/vnd.oci.image.config.v1+json", "digest": configDigest, "size": config.count,
      ],
      "layers": descriptors,
    ]
    let manifestBytes = [UInt8](try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]))
    let manifestDigest = SHA256.digest(manifestBytes)
    files.append(("blobs/sha256/" + manifestDigest.dropFirst(7), manifestBytes))
    let index: [String: Any] = [
      "schemaVersion": 2,
      "manifests": [
        [
          "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifestDigest,
          "size": manifestBytes.count, "annotations": ["org.opencontainers.image.ref.name": tag],
        ]
      ],
    ]
    files.append(("index.json", [UInt8](try JSONSerialization.data(withJSONObject: index))))
    return files
  }

  public func writeOCILayout(to directory: URL, tag: String = "latest") throws {
    for (path, bytes) in try ociLayoutFiles(tag: tag) {
      let file = directory.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(bytes).write(to: file)
    }
  }

  public func ociArchive(tag: String = "latest") throws -> [UInt8] {
    TarBuilder(try ociLayoutFiles(tag: tag).map { TarBuilder.Entry($0.0, $0.1) }).bytes()
  }
}
