import Endpoints
import Model

/// `docker://HOST[:PORT]/REPO[:TAG]` or `…@sha256:DIGEST`.
public struct RegistryReference: Sendable, Equatable, CustomStringConvertible {
  public var host: String
  public var repository: String
  /// A tag or a digest (`sha256:…`).
  public var reference: String
  public var isDigest: Bool { reference.hasPrefix("sha256:") }

  public init(parsing text: String) throws(ImageSourceError) {
    var rest = Substring(text)
    if rest.hasPrefix("//") { rest = rest.dropFirst(2) }
    try Self.refuseCredentials(rest)
    guard let slash = rest.firstIndex(of: "/") else {
      throw ImageSourceError("docker://\(text) names no repository: write docker://HOST[:PORT]/REPO:TAG")
    }
    let host = String(rest[..<slash])
    var path = String(rest[rest.index(after: slash)...])
    // Docker's rule: a first component with a dot or a port, or localhost, is a registry.
    guard host.contains(".") || host.contains(":") || host == "localhost" else {
      throw ImageSourceError(
        "docker://\(text): \"\(host)\" is not a registry host; write the registry in full, like docker://registry.example.com/\(host)/\(path)"
      )
    }
    var reference = "latest"
    if let at = path.firstIndex(of: "@") {
      reference = String(path[path.index(after: at)...])
      path = String(path[..<at])
      guard reference.hasPrefix("sha256:"), reference.count == 71 else {
        throw ImageSourceError("docker://\(text): a digest must be sha256: and 64 hex digits")
      }
    } else if let colon = path.lastIndex(of: ":"), !path[colon...].contains("/") {
      reference = String(path[path.index(after: colon)...])
      path = String(path[..<colon])
    }
    guard !path.isEmpty, path.allSatisfy({ $0.isLowercase || $0.isNumber || "._-/".contains($0) }) else {
      throw ImageSourceError("docker://\(text): \"\(path)\" is not a repository name (lower case, digits, . _ - /)")
    }
    self.host = host
    self.repository = path
    self.reference = reference
  }

  /// A Docker reference as written in a FROM (`python:3.11-slim`), normalised
  /// (`docker.io/library/python:3.11-slim`); a digest, when given, is what is read.
  public init(_ reference: DockerReference) {
    host = reference.domain
    repository = reference.path
    self.reference = reference.digest ?? reference.tag ?? "latest"
  }

  /// The host the Distribution API answers on: Docker Hub's images are named
  /// `docker.io/…` but served by registry-1.docker.io.
  public var apiHost: String { host == DockerReference.dockerHub ? "registry-1.docker.io" : host }

  /// `docker.io/library/python:3.11-slim`: as Docker names the image.
  public var dockerName: String { "\(host)/\(repository)" + (isDigest ? "@\(reference)" : ":\(reference)") }

  /// `user:secret@host/…` would be taken as a host name and end up in the
  /// measurement's source, the store and the git notes. `@` belongs only before a
  /// digest; anything else with one is refused without repeating what came before it.
  static func refuseCredentials(_ text: Substring) throws(ImageSourceError) {
    var rest = text
    while let at = rest.firstIndex(of: "@") {
      let after = rest[rest.index(after: at)...]
      guard after.hasPrefix("sha256:") else {
        let shown = text[text.index(after: text.lastIndex(of: "@")!)...]
        throw ImageSourceError(
          "docker://***@\(shown): a reference must not carry a user or password (they would be stored with every "
            + "measurement); set SIZEBUDGET_REGISTRY_USER and SIZEBUDGET_REGISTRY_PASSWORD in the environment, "
            + "or docker login (~/.docker/config.json)")
      }
      rest = after
    }
  }

  public var description: String {
    "docker://\(host)/\(repository)" + (isDigest ? "@\(reference)" : ":\(reference)")
  }

  /// Loopback registries may be plain HTTP.
  public var isLoopback: Bool { Endpoint("docker://\(host)")?.isLoopback == true }
}
