import Foundation

// The readers of untrusted bytes, one entry point each, for `make fuzz` (libFuzzer:
// scripts/fuzz-readers.sh compiles this file with the readers' sources into one
// module, dropping these imports) and for the corpus replay of `make test`
// (ReaderFuzzTests). Each must end in a value or a clear error: an ArchiveError or
// an ImageSourceError whose message is words, not a Swift type dump.
@testable import Analysis
@testable import ArchiveIO
@testable import Dockerfile
@testable import ImageSource

enum ReaderFuzzTarget: String, CaseIterable, Sendable {
  case tar, gzip, zstd
  case dockerArchive = "docker-archive"
  case ociArchive = "oci-archive"
  case imageJSON = "image-json"
  case elf, dpkg, apk, record, npm
  case dockerfile

  /// Small enough that a fuzzing run is never slowed by honest decompression.
  static let limit = ExpansionLimit(ratio: 100, allowance: 4 << 20)

  /// Runs the reader over `bytes`: nil when it gave a value, the message when it
  /// refused them. Any other outcome (a trap, an unclear error) is a finding.
  @discardableResult
  func run(_ bytes: [UInt8]) -> String? {
    do {
      try body(bytes)
      return nil
    } catch let error as ArchiveError {
      return Self.checked(error.message)
    } catch let error as ImageSourceError {
      return Self.checked(error.message)
    } catch let error as DockerfileError {
      precondition(error.line >= 1, "a Dockerfile error without a line: \(error)")
      return Self.checked(error.message)
    } catch {
      preconditionFailure("\(rawValue): an error that is not a reader's: \(error)")
    }
  }

  static func checked(_ message: String) -> String {
    precondition(!message.isEmpty, "an empty error message")
    for raw in ["DecodingError", "Context(", "CodingKeys", "Swift."] {
      precondition(!message.contains(raw), "a raw Swift error in the message: \(message)")
    }
    return message
  }

  private func body(_ bytes: [UInt8]) throws {
    switch self {
    case .tar: try Self.readTar(MemoryStream(bytes))
    case .gzip: try Self.readTar(try GzipStream(MemoryStream(bytes), limit: Self.limit))
    case .zstd: try Self.readTar(try ZstdStream(MemoryStream(bytes), limit: Self.limit))
    case .dockerArchive:
      for tag in [nil, "latest", "team/app:1.0"] {
        _ = try? StreamingDockerArchive.read(
          MemoryStream(bytes), name: "fuzz.tar", tag: tag, platform: nil, analyse: { _, content in try content.drain() }
        )
      }
      _ = try StreamingDockerArchive.read(
        MemoryStream(bytes), name: "fuzz.tar", tag: nil, platform: nil, analyse: { _, content in try content.drain() })
    case .ociArchive:
      let store = try MemoryBlobStore(tar: bytes)
      _ = try? OCILayout.open(store, reference: "oci-archive:fuzz", tag: "latest", platform: nil)
      _ = try? OCILayout.open(
        store, reference: "oci-archive:fuzz", tag: nil, platform: Platform(parsing: "linux/arm64"))
      _ = try OCILayout.open(store, reference: "oci-archive:fuzz", tag: nil, platform: nil)
    case .imageJSON: try Self.decodeImageJSON(bytes)
    case .elf:
      let header = Array(bytes.prefix(64))
      _ = try ELFSections.strippableBytes(
        header: header, rest: MemoryStream(Array(bytes.dropFirst(64))), size: Int64(bytes.count))
    case .dpkg:
      for package in DebianStatus.installed(bytes) { precondition(!package.name.isEmpty) }
    case .apk:
      for package in AlpineInstalled.packages(bytes) { precondition(!package.name.isEmpty) }
    case .record:
      for path in PythonDistribution.recordPaths(bytes) { precondition(!path.isEmpty) }
      _ = PythonDistribution.nameAndVersion(distInfo: "fuzz-1.0.dist-info", metadata: bytes)
    case .npm: _ = NpmManifest.nameAndVersion(bytes)
    case .dockerfile: try Self.readDockerfile(bytes)
    }
  }

  /// A Dockerfile from a contributor's branch, and the layer history (`created_by`,
  /// from the image config, as untrusted) it is matched against: the bytes before the
  /// first NUL are the Dockerfile, the lines after it each layer's command (an empty
  /// line: none). Parsed, each stage's layers mapped to its instructions, its context
  /// copies listed.
  private static func readDockerfile(_ bytes: [UInt8]) throws {
    let split = bytes.firstIndex(of: 0) ?? bytes.endIndex
    let text = String(decoding: bytes[..<split], as: UTF8.self)
    let history = String(decoding: bytes[min(split + 1, bytes.endIndex)...], as: UTF8.self)
      .split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? nil : String($0) }
    _ = DockerfileParser.heredocs(in: text)
    let file = try DockerfileParser.parse(text)
    for stage in file.stages {
      let layers = history.enumerated().map { (index: $0.offset, createdBy: $0.element) }
      _ = LayerMap.map(layers: layers, stage: stage, in: file)
      _ = stage.contextCopies(globalArguments: file.globalArguments)
    }
  }

  /// Every entry, reading the content of every other one and skipping the rest.
  private static func readTar(_ stream: ByteStream) throws {
    let reader = TarReader(stream)
    var count = 0
    while let entry = try reader.next() {
      precondition(entry.size >= 0 && !entry.name.hasPrefix("/") && !entry.name.split(separator: "/").contains(".."))
      count += 1
      if count % 2 == 0 { _ = try reader.contentStream().drain() }
    }
  }

  /// The manifest, index and config decoders, and what is computed from them.
  private static func decodeImageJSON(_ bytes: [UInt8]) throws {
    let what = "fuzz.json"
    if let entries = try? decodeJSON([DockerArchive.ManifestEntry].self, bytes, what) {
      for entry in entries { _ = DockerArchive.digestNamed(by: entry.config) }
    }
    _ = try? decodeJSON(OCILayout.Index.self, bytes, what)
    _ = try? decodeJSON(OCILayout.Manifest.self, bytes, what)
    let text = String(decoding: bytes.prefix(512), as: UTF8.self)
    _ = try? ImageReference(parsing: text)
    _ = try? Platform(parsing: text)
    let config = try decodeJSON(ImageConfig.self, bytes, what)
    _ = config.platform
    for command in config.layerCommands(layerCount: config.rootfs?.diffIDs?.count ?? 0) {
      _ = command.map(ImageConfig.tidy)
    }
  }
}

/// The members of a tar held in memory: an oci-archive without a file.
struct MemoryBlobStore: BlobStore {
  let members: [String: [UInt8]]
  var displayName: String { "fuzz.tar" }

  init(tar: [UInt8]) throws {
    let reader = TarReader(MemoryStream(tar))
    var members: [String: [UInt8]] = [:]
    while let entry = try reader.next() {
      guard entry.kind == .file else { continue }
      members[entry.name] = try reader.contentStream().readAll(limit: 1 << 20)
    }
    self.members = members
  }

  func size(of name: String) -> Int64? { members[name].map { Int64($0.count) } }

  func open(_ name: String) throws -> ByteStream {
    guard let bytes = members[name] else { throw ArchiveError("no member \(name)") }
    return MemoryStream(bytes)
  }
}
