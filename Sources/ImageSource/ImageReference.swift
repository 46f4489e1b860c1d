import Foundation
import Model

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where an image comes from, in skopeo's transport syntax.
public enum ImageReference: Sendable, Equatable, CustomStringConvertible {
  /// `docker-archive:PATH[:TAG]`, the tarball of `docker save`.
  case dockerArchive(path: String, tag: String?)
  /// `oci:DIR[:TAG]`, an OCI image layout directory.
  case ociLayout(directory: String, tag: String?)
  /// `oci-archive:PATH[:TAG]`, the same as a tar.
  case ociArchive(path: String, tag: String?)
  /// `-`, a docker-archive on standard input.
  case standardInput
  /// `docker://HOST[:PORT]/REPO:TAG` or `…@sha256:DIGEST`, a registry.
  case registry(RegistryReference)
  /// `docker-daemon:REF`, through the `docker` command line.
  case daemon(String)

  public static let transports =
    "docker-archive:PATH, oci:DIR[:TAG], oci-archive:PATH[:TAG], docker://HOST/REPO:TAG, docker-daemon:REF or - (standard input)"

  public init(parsing text: String) throws(ImageSourceError) {
    if text == "-" {
      self = .standardInput
      return
    }
    guard let colon = text.firstIndex(of: ":") else {
      self = try Self.bare(path: text)
      return
    }
    let transport = text[..<colon]
    let rest = String(text[text.index(after: colon)...])
    if transport == "docker" {
      self = .registry(try RegistryReference(parsing: rest))
      return
    }
    if transport == "docker-daemon" {
      guard !rest.isEmpty else {
        throw ImageSourceError("docker-daemon: needs an image, like docker-daemon:api:latest")
      }
      self = .daemon(rest)
      return
    }
    let (path, tag) = Self.splitTag(rest)
    guard !path.isEmpty else { throw ImageSourceError("\"\(text)\" names no path after \"\(transport):\"") }
    switch transport {
    case "docker-archive": self = .dockerArchive(path: path, tag: tag)
    case "oci": self = .ociLayout(directory: path, tag: tag)
    case "oci-archive": self = .ociArchive(path: path, tag: tag)
    case "docker", "docker-daemon":
      throw ImageSourceError(
        "the \(transport): transport is not supported yet: save the image first (docker save, skopeo copy) and measure docker-archive:PATH"
      )
    default:
      throw ImageSourceError("unknown transport \"\(transport):\" in \"\(text)\": use \(Self.transports)")
    }
  }

  /// An image read by manifest only (budgets.toml's `base_image`): a SOURCE with its
  /// transport, or a Docker reference as written in a FROM (`python:3.11-slim`,
  /// `127.0.0.1:5000/team/base:1.0`), read from its registry.
  public init(parsingImageName text: String) throws(ImageSourceError) {
    if text == "-" || DockerReference.sourceSchemes.contains(where: text.hasPrefix) {
      try self.init(parsing: text)
      return
    }
    try RegistryReference.refuseCredentials(Substring(text))
    do {
      self = .registry(RegistryReference(try DockerReference(parsing: text)))
    } catch {
      throw ImageSourceError("\"\(text)\" is not an image reference: \(error.message)")
    }
  }

  /// A path without a transport: an OCI layout directory is measured as one (its
  /// `oci-layout` file says what it is); another directory or a file is refused with
  /// the transport to write.
  static func bare(path: String) throws(ImageSourceError) -> ImageReference {
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    if exists && isDirectory.boolValue {
      if FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("oci-layout")) {
        return .ociLayout(directory: path, tag: nil)
      }
      throw ImageSourceError(
        "\"\(path)\" is a directory but not an OCI layout (it has no oci-layout file): an OCI layout is measured "
          + "with oci:\(path); a docker save tarball with docker-archive:PATH")
    }
    throw ImageSourceError(
      "\"\(path)\" names no transport: write \(Self.transports), e.g. docker-archive:\(path)")
  }

  /// `path:tag`. A tag may hold a repository path and a colon (`x.tar:team/app:1.0`)
  /// and a path may hold colons too, so the split is at the colon after the longest
  /// prefix that exists on disk; when none does (a mistyped path), a path may hold
  /// colons only before its last slash.
  private static func splitTag(_ rest: String) -> (String, String?) {
    if exists(rest) { return (rest, nil) }
    for colon in rest.indices.reversed() where rest[colon] == ":" {
      let tag = rest[rest.index(after: colon)...]
      if !tag.isEmpty && exists(String(rest[..<colon])) { return (String(rest[..<colon]), String(tag)) }
    }
    guard let colon = rest.lastIndex(of: ":") else { return (rest, nil) }
    let tag = rest[rest.index(after: colon)...]
    if tag.isEmpty || tag.contains("/") { return (rest, nil) }
    return (String(rest[..<colon]), String(tag))
  }

  private static func exists(_ path: String) -> Bool { !path.isEmpty && access(path, F_OK) == 0 }

  public var description: String {
    switch self {
    case .dockerArchive(let path, let tag): "docker-archive:\(path)" + (tag.map { ":\($0)" } ?? "")
    case .ociLayout(let directory, let tag): "oci:\(directory)" + (tag.map { ":\($0)" } ?? "")
    case .ociArchive(let path, let tag): "oci-archive:\(path)" + (tag.map { ":\($0)" } ?? "")
    case .standardInput: "-"
    case .registry(let reference): reference.description
    case .daemon(let name): "docker-daemon:\(name)"
    }
  }
}

/// An image that cannot be read: which file, what is wrong, what to do. Exit status 2.
public struct ImageSourceError: Error, Sendable, CustomStringConvertible {
  public var message: String
  /// The host that could not be reached (refused, timed out, 5xx after retries): a
  /// transient failure, not a wrong reference.
  public var unreachable: String? = nil
  public init(_ message: String, unreachable: String? = nil) {
    self.message = message
    self.unreachable = unreachable
  }
  public var description: String { message }
}
