import ArchiveIO
import Foundation

/// What a reference opens to, whatever the transport.
public enum OpenedSource {
  /// An image whose manifest and config are read and whose layers open at will
  /// (docker-archive, OCI layout, oci-archive, registry).
  case image(OpenedImage)
  /// A docker-archive that can only be read front to back (standard input, the
  /// output of `docker save`).
  case stream(ArchiveStream)
}

/// A docker-archive read front to back, and how to check, once it is read, that its
/// producer succeeded.
public final class ArchiveStream {
  public let stream: any ByteStream
  /// How errors name it ("standard input", "docker save api").
  public let name: String
  /// The measurement's `source` when it is not the reference's text.
  public let source: String?
  private let finished: () throws(ImageSourceError) -> Void

  init(
    stream: any ByteStream, name: String, source: String?,
    finished: @escaping () throws(ImageSourceError) -> Void = {}
  ) {
    self.stream = stream
    self.name = name
    self.source = source
    self.finished = finished
  }

  /// After the last byte: a producer that failed (docker save) is an error.
  public func finish() throws(ImageSourceError) { try finished() }
}

/// Every transport behind one call: the measurer never asks which one it reads.
public enum ImageSources {
  public struct Options: Sendable {
    /// The platform to pick from a multi-platform image (nil: the host's, else the only one).
    public var platform: Platform?
    /// Plain HTTP to a registry that is not on loopback.
    public var insecureRegistry = false
    /// The environment registry credentials come from.
    public var environment: [String: String] = ProcessInfo.processInfo.environment

    public init(platform: Platform? = nil) { self.platform = platform }
  }

  /// Opens the image a reference names: reads its manifests and config (for an image
  /// on disk or in a registry), or starts the stream (standard input, a daemon).
  public static func open(_ reference: ImageReference, _ options: Options) throws(ImageSourceError) -> OpenedSource {
    switch reference {
    case .dockerArchive(let path, let tag):
      .image(try DockerArchive.open(path: path, tag: tag, platform: options.platform))
    case .ociLayout(let directory, let tag):
      .image(try OCILayout.openDirectory(directory, tag: tag, platform: options.platform))
    case .ociArchive(let path, let tag):
      .image(try OCILayout.openArchive(path, tag: tag, platform: options.platform))
    case .registry(let reference):
      .image(
        try Registry.open(
          reference, platform: options.platform, insecure: options.insecureRegistry, environment: options.environment))
    case .standardInput:
      .stream(
        ArchiveStream(
          stream: DescriptorStream(descriptor: 0, name: "standard input"), name: "standard input", source: nil))
    case .daemon(let name):
      .stream(try DockerDaemon.open(name))
    }
  }
}
