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

  /// The three forms `docker save` has written: `<hex>.tar` layers; the older
  /// `<id>/layer.tar` directories; and Docker 25's OCI layout (`index.json`,
  /// `oci-layout`, `blobs/sha256/`) with manifest.json naming the blobs.
  public enum DockerArchiveStyle: Sendable { case flat, layerDirectories, docker25 }

  public func dockerArchive(style: DockerArchiveStyle = .flat) throws -> [UInt8] {
    switch style {
    case .flat: return try flatDockerArchive()
    case .layerDirectories:
      let config = configJSON()
      let configName = String(SHA256.digest(config).dropFirst(7)) + ".json"
      var entries: [TarBuilder.Entry] = []
      var names: [String] = []
      for (index, layer) in layers.enumerated() {
        let id = String(SHA256.digest(Array("layer \(index)".utf8) + layer.tar).dropFirst(7))
        names.append(id + "/layer.tar")
        entries.append(TarBuilder.Entry(id + "/VERSION", Array("1.0".utf8)))
        entries.append(TarBuilder.Entry(id + "/json", Array("{\"id\":\"\(id)\"}".utf8)))
        entries.append(TarBuilder.Entry(id + "/layer.tar", try layer.blob()))
      }
      entries.append(TarBuilder.Entry(configName, config))
      let manifest: [[String: Any]] = [["Config": configName, "RepoTags": ["example/app:latest"], "Layers": names]]
      entries.append(TarBuilder.Entry("manifest.json", [UInt8](try JSONSerialization.data(withJSONObject: manifest))))
      return TarBuilder(entries).bytes()
    case .docker25:
      var entries = try ociLayoutFiles().map { TarBuilder.Entry($0.0, $0.1) }
      let configName = "blobs/sha256/" + SHA256.digest(configJSON()).dropFirst(7)
      let names = try layers.map { "blobs/sha256/" + SHA256.digest(try $0.blob()).dropFirst(7) }
      let manifest: [[String: Any]] = [["Config": configName, "RepoTags": ["example/app:latest"], "Layers": names]]
      entries.append(TarBuilder.Entry("manifest.json", [UInt8](try JSONSerialization.data(withJSONObject: manifest))))
      return TarBuilder(entries).bytes()
    }
  }

  /// The classic `docker save` layout: `<diffid>.tar` members and manifest.json.
  private func flatDockerArchive() throws -> [UInt8] {
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

  /// An OCI layout of a multi-platform image: one manifest per image, each with its
  /// `platform`, listed in index.json itself or (`nested`, as `buildah manifest
  /// push` writes it) in an image index blob that index.json points to.
  public static func writeMultiPlatformOCILayout(_ images: [ImageBuilder], to directory: URL, nested: Bool = false)
    throws
  {
    func write(_ bytes: [UInt8], _ path: String) throws {
      let file = directory.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(bytes).write(to: file)
    }
    var descriptors: [[String: Any]] = []
    for image in images {
      let files = try image.ociLayoutFiles()
      for (path, bytes) in files where path.hasPrefix("blobs/") { try write(bytes, path) }
      guard let index = files.first(where: { $0.0 == "index.json" })?.1,
        let object = try JSONSerialization.jsonObject(with: Data(index)) as? [String: Any],
        var manifest = (object["manifests"] as? [[String: Any]])?.first
      else { continue }
      manifest["annotations"] = nil
      manifest["platform"] = ["os": image.os, "architecture": image.architecture]
      descriptors.append(manifest)
    }
    let list: [String: Any] = [
      "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": descriptors,
    ]
    var top = [UInt8](try JSONSerialization.data(withJSONObject: list, options: [.sortedKeys]))
    if nested {
      let digest = SHA256.digest(top)
      try write(top, "blobs/sha256/" + digest.dropFirst(7))
      let outer: [String: Any] = [
        "schemaVersion": 2,
        "manifests": [
          [
            "mediaType": "application/vnd.oci.image.index.v1+json", "digest": digest, "size": top.count,
            "annotations": ["org.opencontainers.image.ref.name": "latest"],
          ]
        ],
      ]
      top = [UInt8](try JSONSerialization.data(withJSONObject: outer, options: [.sortedKeys]))
    }
    try write(Array("{\"imageLayoutVersion\":\"1.0.0\"}".utf8), "oci-layout")
    try write(top, "index.json")
  }

  public func ociArchive(tag: String = "latest") throws -> [UInt8] {
    TarBuilder(try ociLayoutFiles(tag: tag).map { TarBuilder.Entry($0.0, $0.1) }).bytes()
  }
}
