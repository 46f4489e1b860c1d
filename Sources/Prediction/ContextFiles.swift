import Budgets
import Dockerfile
import Foundation

/// Which repository files reach an image, and where they land: files under the
/// image's `context` paths (all files when it has none) that a `COPY`/`ADD` of the
/// built stage takes from the build context (the repository root, as `docker build
/// -f docker/api.Dockerfile .` has it). With no Dockerfile every context file counts,
/// at no known place in the image.
struct ContextFiles {
  /// `api/`, `docker/api.Dockerfile`: as budgets.toml writes them.
  let context: [String]
  let copies: [ContextCopy]?
  /// `docker/api.Dockerfile`, for messages.
  let dockerfilePath: String?
  /// The build context's `.dockerignore` rules, in order (the last that matches wins).
  var ignore: [DockerIgnore.Rule] = []

  /// Where a file goes: nil when the image does not take it.
  struct Placement {
    /// `COPY app/ /app, docker/api.Dockerfile:7`, or `in context api/`.
    var source: String
    var imagePath: String?
  }

  func inContext(_ path: String) -> Bool {
    context.isEmpty || context.contains { Self.isUnder(path, $0) }
  }

  func place(_ path: String) -> Placement? {
    guard inContext(path) else { return nil }
    guard let copies, let dockerfilePath else {
      let under = context.first { Self.isUnder(path, $0) }
      return Placement(source: under.map { "in context \($0)" } ?? "in the repository", imagePath: nil)
    }
    if DockerIgnore.excludes(path, ignore) { return nil }
    // The last copy that takes the file wins: it overwrites what earlier ones put there.
    for copy in copies.reversed() {
      for source in copy.sources {
        guard let landing = Self.landing(of: path, source: source, copy: copy) else { continue }
        return Placement(source: "\(copy.text), \(dockerfilePath):\(copy.instruction.line)", imagePath: landing)
      }
    }
    return nil
  }

  /// Where `path` lands when `copy` copies `source`, following the builder: a
  /// directory's contents go into the destination, a file into it (a destination
  /// ending in `/`, or several sources) or onto it.
  static func landing(of path: String, source: String, copy: ContextCopy) -> String? {
    let pattern = normalized(source)
    let components = path.split(separator: "/").map(String.init)
    var matchedCount: Int? = nil
    if pattern.isEmpty {
      matchedCount = 0
    } else {
      for count in 1...components.count {
        let prefix = components[0..<count].joined(separator: "/")
        if fnmatch(pattern, prefix, FNM_PATHNAME) == 0 {
          matchedCount = count
          break
        }
      }
    }
    guard let matched = matchedCount else { return nil }
    let destination = copy.destination
    let isFileItself = matched == components.count
    if isFileItself {
      let intoDirectory = destination.hasSuffix("/") || copy.sources.count > 1 || pattern.contains("*")
      return intoDirectory ? join(destination, components.last!) : destination
    }
    return join(destination, components[matched...].joined(separator: "/"))
  }

  static func normalized(_ source: String) -> String {
    var text = source
    while text.hasPrefix("./") { text.removeFirst(2) }
    while text.hasPrefix("/") { text.removeFirst() }
    while text.hasSuffix("/") { text.removeLast() }
    return text == "." ? "" : text
  }

  static func join(_ directory: String, _ name: String) -> String {
    (directory.hasSuffix("/") ? directory : directory + "/") + name
  }

  static func isUnder(_ path: String, _ contextPath: String) -> Bool {
    let trimmed = normalized(contextPath)
    return trimmed.isEmpty || path == trimmed || path.hasPrefix(trimmed + "/")
  }
}

/// `.dockerignore` at the build context's root: what the builder never sends, so no
/// COPY takes it. A pattern is anchored at the root, `*` and `?` stay within a
/// segment, `**` spans segments, `!` re-includes, and a matched directory excludes
/// everything under it.
enum DockerIgnore {
  struct Rule: Sendable {
    var pattern: String
    var exception: Bool
  }

  static func rules(_ text: String) -> [Rule] {
    text.split(whereSeparator: \.isNewline).compactMap { raw in
      var line = raw.trimmingCharacters(in: .whitespaces)
      guard !line.isEmpty, !line.hasPrefix("#") else { return nil }
      let exception = line.hasPrefix("!")
      if exception { line.removeFirst() }
      let pattern = ContextFiles.normalized(line)
      return pattern.isEmpty ? nil : Rule(pattern: pattern, exception: exception)
    }
  }

  static func excludes(_ path: String, _ rules: [Rule]) -> Bool {
    var excluded = false
    for rule in rules where matches(rule.pattern, path) { excluded = !rule.exception }
    return excluded
  }

  /// The pattern matches the path or one of its parent directories.
  static func matches(_ pattern: String, _ path: String) -> Bool {
    let components = path.split(separator: "/").map(String.init)
    for count in 1...max(1, components.count) {
      let prefix = components.prefix(count).joined(separator: "/")
      if pattern.contains("**") {
        if (try? PathPattern("/" + pattern))?.matches("/" + prefix) == true { return true }
      } else if fnmatch(pattern, prefix, FNM_PATHNAME) == 0 {
        return true
      }
    }
    return false
  }
}
