import Endpoints

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

  public var description: String {
    "docker://\(host)/\(repository)" + (isDigest ? "@\(reference)" : ":\(reference)")
  }

  /// Loopback registries may be plain HTTP.
  public var isLoopback: Bool { Endpoint("docker://\(host)")?.isLoopback == true }
}
