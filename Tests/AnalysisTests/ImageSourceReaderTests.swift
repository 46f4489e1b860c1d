import ArchiveIO
import Foundation
import ImageSource
import TestSupport
import Testing

/// Image files as other tools write them (older Docker, go-containerregistry,
/// containers/image), and the messages for broken ones.
@Suite struct ImageSourceReaderTests {
  static let layerA = ImageBuilder.Layer([.file("app/a.py", size: 3000)], compression: .none)
  static let layerB = ImageBuilder.Layer([.file("app/b.py", size: 5000)], compression: .none)

  func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sizebudget-isr-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  func write(_ bytes: [UInt8], _ name: String, in directory: URL) throws -> String {
    let file = directory.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: file)
    return file.path
  }

  func json(_ object: Any) throws -> [UInt8] {
    [UInt8](try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
  }

  /// The layer digests of an image read from a file and from a pipe.
  func readBoth(_ archive: [UInt8], tag: String? = nil) throws -> (file: [String?], stream: [String?]) {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = try write(archive, "api.tar", in: directory)
    let opened = try DockerArchive.open(path: path, tag: tag, platform: nil)
    let (description, sizes) = try StreamingDockerArchive.read(
      MemoryStream(archive), name: "stdin", tag: tag, platform: nil,
      analyse: { _, content in try content.drain() })
    #expect(sizes.count == description.layers.count)
    return (opened.description.layers.map(\.diffID), description.layers.map(\.diffID))
  }

  /// Item 15: older Docker writes a repeated layer once and links the second
  /// `<id>/layer.tar` to the first copy.
  @Test func aRepeatedLayerLinkedToItsFirstCopyIsRead() throws {
    let image = ImageBuilder([Self.layerA, Self.layerB, Self.layerA])
    let config = image.configJSON()
    let configName = String(SHA256.digest(config).dropFirst(7)) + ".json"
    var entries: [TarBuilder.Entry] = []
    var names: [String] = []
    for (index, layer) in image.layers.enumerated() {
      let id = String(repeating: String(index), count: 64)
      names.append(id + "/layer.tar")
      entries.append(TarBuilder.Entry(id + "/VERSION", Array("1.0".utf8)))
      if index == 2 {
        entries.append(.symlink(id + "/layer.tar", to: "../" + String(repeating: "0", count: 64) + "/layer.tar"))
      } else {
        entries.append(TarBuilder.Entry(id + "/layer.tar", layer.tar))
      }
    }
    entries.append(TarBuilder.Entry(configName, config))
    entries.append(
      TarBuilder.Entry(
        "manifest.json", try json([["Config": configName, "RepoTags": ["example/app:latest"], "Layers": names]])))
    let read = try readBoth(TarBuilder(entries).bytes())
    #expect(read.file.count == 3)
    #expect(read.stream.count == 3)
  }

  func twoImages(_ tags: [[String]]) throws -> [UInt8] {
    var entries: [TarBuilder.Entry] = []
    var manifest: [[String: Any]] = []
    for (index, layer) in [Self.layerA, Self.layerB].enumerated() {
      let image = ImageBuilder([layer])
      let config = image.configJSON()
      let configName = String(SHA256.digest(config).dropFirst(7)) + ".json"
      let layerName = String(SHA256.digest(layer.tar).dropFirst(7)) + ".tar"
      entries += [TarBuilder.Entry(configName, config), TarBuilder.Entry(layerName, layer.tar)]
      manifest.append(["Config": configName, "RepoTags": tags[index], "Layers": [layerName]])
    }
    entries.append(TarBuilder.Entry("manifest.json", try json(manifest)))
    return TarBuilder(entries).bytes()
  }

  /// Item 16: the tag `team/app:1.0` (a repository path and a colon) selects its image.
  @Test func aTagWithARepositoryPathSelectsItsImage() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = try write(try twoImages([["team/api:1.0"], ["team/app:1.0"]]), "x.tar", in: directory)
    let reference = try ImageReference(parsing: "docker-archive:\(path):team/app:1.0")
    #expect(reference == .dockerArchive(path: path, tag: "team/app:1.0"))
    let opened = try DockerArchive.open(path: path, tag: "team/app:1.0", platform: nil)
    #expect(opened.description.tags == ["team/app:1.0"])
    // A path with a colon of its own still works.
    let colonPath = try write(try twoImages([["a:1"], ["b:2"]]), "dir:x/y.tar", in: directory)
    #expect(
      try ImageReference(parsing: "docker-archive:\(colonPath):b:2") == .dockerArchive(path: colonPath, tag: "b:2"))
    #expect(try ImageReference(parsing: "docker-archive:\(colonPath)") == .dockerArchive(path: colonPath, tag: nil))
  }

  /// Item 16: `:latest` that two repositories carry is ambiguous, not the first.
  @Test func anAmbiguousTagIsRefused() throws {
    let archive = try twoImages([["team/api:latest"], ["team/app:latest"]])
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = try write(archive, "x.tar", in: directory)
    #expect {
      try DockerArchive.open(path: path, tag: "latest", platform: nil)
    } throws: { error in
      let text = "\(error)"
      return text.contains("team/api:latest") && text.contains("team/app:latest") && text.contains("ambiguous")
    }
    #expect(
      try DockerArchive.open(path: path, tag: "team/api:latest", platform: nil).description.tags == ["team/api:latest"])
    #expect(
      try DockerArchive.open(path: path, tag: "app:latest", platform: nil).description.tags == ["team/app:latest"])
  }

  /// Item 17: index entries without `platform` are candidates when none names one
  /// that fits (containers/image does the same), at the top and in a nested index.
  @Test(arguments: [false, true])
  func indexEntriesWithoutPlatformAreAFallback(nested: Bool) throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var arm = ImageBuilder([Self.layerB])
    arm.architecture = "arm64"
    try ImageBuilder.writeMultiPlatformOCILayout([ImageBuilder([Self.layerA]), arm], to: directory)
    let indexURL = directory.appendingPathComponent("index.json")
    var index = try JSONSerialization.jsonObject(with: Data(contentsOf: indexURL)) as! [String: Any]
    var manifests = index["manifests"] as! [[String: Any]]
    manifests[0]["platform"] = nil
    index["manifests"] = manifests
    var top = try json(index)
    if nested {
      let digest = SHA256.digest(top)
      _ = try write(top, "blobs/sha256/" + digest.dropFirst(7), in: directory)
      top = try json([
        "schemaVersion": 2,
        "manifests": [["mediaType": "application/vnd.oci.image.index.v1+json", "digest": digest, "size": top.count]],
      ])
    }
    try Data(top).write(to: indexURL)
    let opened = try OCILayout.openDirectory(directory.path, tag: nil, platform: nil)
    #expect(opened.description.platform == .linuxAMD64)
    #expect(opened.description.layers.map(\.diffID) == [SHA256.digest(Self.layerA.tar)])
    // The platform-less entry is read and its config checked: it is not arm64.
    let arm64 = try OCILayout.openDirectory(directory.path, tag: nil, platform: Platform(parsing: "linux/arm64"))
    #expect(arm64.description.layers.map(\.diffID) == [SHA256.digest(Self.layerB.tar)])
  }

  /// Item 17: manifest.json's Config is a path (here in a directory, `./` in front),
  /// not necessarily a digest-named file at the top.
  @Test func aConfigGivenAsAPathIsRead() throws {
    let image = ImageBuilder([Self.layerA])
    let layerName = String(SHA256.digest(Self.layerA.tar).dropFirst(7)) + ".tar"
    let archive = TarBuilder([
      TarBuilder.Entry(layerName, Self.layerA.tar),
      TarBuilder.Entry("config/image.conf", Array(" \n".utf8) + image.configJSON()),
      TarBuilder.Entry(
        "manifest.json",
        try json([["Config": "./config/image.conf", "RepoTags": ["a:1"], "Layers": ["./" + layerName]]])
      ),
    ]).bytes()
    let read = try readBoth(archive)
    #expect(read.file == [SHA256.digest(Self.layerA.tar)])
    #expect(read.stream == read.file)
  }

  /// Item 18: `null` where a manifest needs a value is named, not DecodingError text.
  @Test func aNullInAManifestIsNamed() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let archive = TarBuilder([
      TarBuilder.Entry("manifest.json", Array("[{\"Config\":null,\"Layers\":[]}]".utf8))
    ]).bytes()
    let path = try write(archive, "x.tar", in: directory)
    #expect {
      try DockerArchive.open(path: path, tag: nil, platform: nil)
    } throws: { error in
      let text = "\(error)"
      return text.contains("manifest.json") && text.contains("Config") && text.contains("null")
        && !text.contains("Context") && !text.contains("valueNotFound")
    }
  }
}
