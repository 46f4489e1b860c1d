/// An image reference as people write it in a Dockerfile's FROM or to `docker pull`
/// (`python:3.11-slim`, `ghcr.io/org/app:1.0`, `127.0.0.1:5000/team/base@sha256:…`),
/// taken apart and normalised as Docker does (distribution/reference's
/// ParseNormalizedNamed): a first component with a dot or a port, or `localhost`,
/// is the registry, else the registry is `docker.io`; a one-component name on
/// docker.io is under `library/`; with neither tag nor digest, the tag is `latest`.
/// So `python:3.11-slim` and `docker.io/library/python:3.11-slim` are one image, and
/// both print as the second.
public struct DockerReference: Sendable, Equatable, CustomStringConvertible {
  /// `docker.io`, `ghcr.io`, `localhost:5000`, `127.0.0.1:5000`.
  public var domain: String
  /// The repository within the registry: `library/python`, `team/base`.
  public var path: String
  /// `3.11-slim`; nil only when a digest pins the image.
  public var tag: String?
  /// `sha256:` and 64 hexadecimal digits.
  public var digest: String?
  /// Whether the text named its registry (false: Docker Hub by default).
  public var namesRegistry: Bool

  public static let dockerHub = "docker.io"

  public init(parsing text: String) throws(DockerReferenceError) {
    guard !text.isEmpty else { throw DockerReferenceError("an image reference is empty") }
    guard !text.contains(where: { $0.isWhitespace }) else {
      throw DockerReferenceError("an image reference holds no spaces")
    }
    var name = Substring(text)
    if let at = name.firstIndex(of: "@") {
      let digest = String(name[name.index(after: at)...])
      try Self.checkDigest(digest)
      self.digest = digest
      name = name[..<at]
    } else {
      digest = nil
    }
    // A tag follows the last colon after the last slash (a colon before it is a port).
    let lastSlash = name.lastIndex(of: "/") ?? name.startIndex
    if let colon = name[lastSlash...].lastIndex(of: ":") {
      let tag = String(name[name.index(after: colon)...])
      try Self.checkTag(tag)
      self.tag = tag
      name = name[..<colon]
    } else {
      tag = digest == nil ? "latest" : nil
    }
    (domain, path, namesRegistry) = try Self.split(String(name))
    guard domain.count + 1 + path.count <= 255 else {
      throw DockerReferenceError("the repository name is longer than 255 characters")
    }
  }

  /// `docker.io/library/python:3.11-slim`, `ghcr.io/org/app@sha256:…`.
  public var description: String {
    "\(name)" + (tag.map { ":\($0)" } ?? "") + (digest.map { "@\($0)" } ?? "")
  }

  /// `docker.io/library/python`: registry and repository.
  public var name: String { "\(domain)/\(path)" }

  /// The normalised form of an image name (a builder's
  /// `org.opencontainers.image.base.name`, a FROM), or the text as it is when it is
  /// not a Docker reference (`oci:build/base.oci`).
  public static func normalised(_ text: String) -> String {
    (try? DockerReference(parsing: text))?.description ?? text
  }

  /// Local image sources `ImageReference` reads (and measure stores as written for
  /// a base image): no registry name to normalise.
  public static let localSourceSchemes = ["oci:", "oci-archive:", "docker-archive:", "docker-daemon:"]
  /// Every transport a SOURCE can name: the local ones and a registry's.
  public static let sourceSchemes = localSourceSchemes + ["docker://"]

  /// How an image that is a base is named everywhere (budgets.toml's `base_image`,
  /// the name stored with a measurement): a Docker reference normalised
  /// (`python:3.12` → `docker.io/library/python:3.12`), `docker://REF` as `REF`
  /// normalised (as measure names it), and a local source (`oci:DIR`,
  /// `oci-archive:PATH`, `docker-archive:PATH`, `docker-daemon:REF`, `-`) as written:
  /// `docker-archive:base.tar` is a file, not the image `docker-archive` tagged
  /// `base.tar`.
  public static func normalisedImageName(_ text: String) -> String {
    if text == "-" || localSourceSchemes.contains(where: text.hasPrefix) { return text }
    if text.hasPrefix("docker://") { return normalised(String(text.dropFirst("docker://".count))) }
    return normalised(text)
  }

  // MARK: Grammar

  /// The registry and the repository of `name` (no tag, no digest).
  static func split(_ name: String) throws(DockerReferenceError) -> (String, String, Bool) {
    var domain = dockerHub
    var remainder = name
    var named = false
    if let slash = name.firstIndex(of: "/") {
      let first = String(name[..<slash])
      if first.contains(".") || first.contains(":") || first == "localhost" || first.lowercased() != first {
        try checkDomain(first)
        domain = first == "index.docker.io" ? dockerHub : first
        remainder = String(name[name.index(after: slash)...])
        named = true
      }
    }
    if domain == dockerHub && !remainder.contains("/") { remainder = "library/" + remainder }
    try checkPath(remainder, in: name)
    return (domain, remainder, named)
  }

  /// `host[:port]`: dot-separated labels of letters, digits and inner hyphens, or an
  /// IPv6 address in brackets.
  static func checkDomain(_ domain: String) throws(DockerReferenceError) {
    var host = Substring(domain)
    if host.hasPrefix("[") {
      guard let close = host.firstIndex(of: "]"),
        host[host.index(after: host.startIndex)..<close].allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." })
      else { throw DockerReferenceError("\"\(domain)\" is not a registry host (an IPv6 address goes in brackets)") }
      host = host[host.index(after: close)...]
      if !host.isEmpty {
        guard host.hasPrefix(":") else { throw DockerReferenceError("\"\(domain)\" is not a registry host") }
        try checkPort(host.dropFirst(), of: domain)
      }
      return
    }
    if let colon = host.firstIndex(of: ":") {
      try checkPort(host[host.index(after: colon)...], of: domain)
      host = host[..<colon]
    }
    let labels = host.split(separator: ".", omittingEmptySubsequences: false)
    let valid = labels.allSatisfy { label in
      !label.isEmpty && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        && label.first != "-" && label.last != "-"
    }
    guard valid else {
      throw DockerReferenceError(
        "\"\(domain)\" is not a registry host (letters, digits, '-' and '.', and an optional :PORT)")
    }
  }

  static func checkPort(_ port: Substring, of domain: String) throws(DockerReferenceError) {
    guard let number = Int(port), (1...65535).contains(number), port.allSatisfy(\.isNumber) else {
      throw DockerReferenceError("\"\(domain)\" has no valid port after its colon (1 to 65535)")
    }
  }

  /// Components of lower-case letters and digits, joined within by `.`, `_`, `__`
  /// or dashes, separated by `/`.
  static func checkPath(_ path: String, in name: String) throws(DockerReferenceError) {
    if path.contains(where: { $0.isUppercase }) {
      throw DockerReferenceError("\"\(name)\": a repository name must be lower case")
    }
    for component in path.split(separator: "/", omittingEmptySubsequences: false) {
      guard isPathComponent(component) else {
        throw DockerReferenceError(
          "\"\(name)\" is not a repository name: each part between slashes is lower-case letters and digits, "
            + "joined by '.', '_', '__' or '-'")
      }
    }
  }

  static func isPathComponent(_ component: Substring) -> Bool {
    func alphanumeric(_ c: Character) -> Bool { c.isASCII && (c.isLowercase || c.isNumber) }
    guard let first = component.first, let last = component.last, alphanumeric(first), alphanumeric(last) else {
      return false
    }
    var previous: Character = first
    var underscores = 0
    for c in component.dropFirst() {
      if alphanumeric(c) {
        underscores = 0
      } else if c == "_" {
        underscores += 1
        // `a_b` and `a__b`, not `a___b` nor `a._b`.
        guard underscores <= 2, previous == "_" || alphanumeric(previous) else { return false }
      } else if c == "." {
        guard alphanumeric(previous) else { return false }
      } else if c == "-" {
        guard alphanumeric(previous) || previous == "-" else { return false }
      } else {
        return false
      }
      previous = c
    }
    return true
  }

  /// `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
  static func checkTag(_ tag: String) throws(DockerReferenceError) {
    func allowed(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "_") }
    guard let first = tag.first, allowed(first), tag.count <= 128,
      tag.allSatisfy({ allowed($0) || $0 == "." || $0 == "-" })
    else {
      throw DockerReferenceError(
        "\"\(tag)\" is not a tag: up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'")
    }
  }

  static func checkDigest(_ digest: String) throws(DockerReferenceError) {
    let hex = digest.dropFirst("sha256:".count)
    guard digest.hasPrefix("sha256:"), hex.count == 64, hex.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
      throw DockerReferenceError("\"\(digest)\" is not a digest: write sha256: and 64 lower-case hexadecimal digits")
    }
  }
}

/// What is wrong with an image reference, to be said with where it was written.
public struct DockerReferenceError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
