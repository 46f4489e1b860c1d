import Foundation

/// A package a dependency file names: `python` `torch` `2.5.1`.
struct DeclaredPackage: Hashable, Sendable {
  /// As the store names ecosystems: `python`, `npm`, `deb`, `apk`.
  var ecosystem: String
  var name: String
  var version: String?

  var display: String { name + (version.map { " \($0)" } ?? "") }
}

/// The requirement files and lockfiles whose lines a push adds or removes, each read
/// for the packages it names. Every reader is line-based or JSON, forgiving of what
/// it does not know (a line it cannot read names nothing rather than a guess).
enum DependencyFiles {
  static func isDependencyFile(_ path: String) -> Bool { reader(for: path) != nil }

  static func packages(in path: String, _ bytes: [UInt8]) -> Set<DeclaredPackage> {
    guard let read = reader(for: path) else { return [] }
    return read(String(decoding: bytes, as: UTF8.self))
  }

  static func reader(for path: String) -> ((String) -> Set<DeclaredPackage>)? {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    if name.hasPrefix("requirements") && name.hasSuffix(".txt") { return requirements }
    switch name {
    case "poetry.lock", "uv.lock": return tomlLock
    case "Pipfile.lock": return pipfileLock
    case "package-lock.json": return npmLock
    case "pnpm-lock.yaml": return pnpmLock
    case "yarn.lock": return yarnLock
    default: return nil
    }
  }

  /// `name==1.0`, `name[extra]>=1`, `name ; marker`: the name, and the version when pinned.
  static func requirements(_ text: String) -> Set<DeclaredPackage> {
    var found: Set<DeclaredPackage> = []
    for raw in text.split(whereSeparator: \.isNewline) {
      var line = String(raw)
      if let hash = line.range(of: " #") ?? (line.hasPrefix("#") ? line.range(of: "#") : nil) {
        line = String(line[..<hash.lowerBound])
      }
      line = line.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("-") || line.contains("://") { continue }
      if let semicolon = line.firstIndex(of: ";") { line = String(line[..<semicolon]) }
      let name = line.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }
      guard !name.isEmpty else { continue }
      var version: String? = nil
      if let pin = line.range(of: "==") {
        version = String(line[pin.upperBound...].prefix { !$0.isWhitespace && $0 != "," })
      }
      found.insert(DeclaredPackage(ecosystem: "python", name: String(name), version: version))
    }
    return found
  }

  /// `[[package]]` tables of poetry.lock and uv.lock: `name = "…"` then `version = "…"`.
  static func tomlLock(_ text: String) -> Set<DeclaredPackage> {
    var found: Set<DeclaredPackage> = []
    var name: String? = nil
    var version: String? = nil
    func flush() {
      if let name { found.insert(DeclaredPackage(ecosystem: "python", name: name, version: version)) }
      name = nil
      version = nil
    }
    var inPackage = false
    for raw in text.split(whereSeparator: \.isNewline) {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.hasPrefix("[") {
        if line == "[[package]]" {
          flush()
          inPackage = true
        } else if !line.hasPrefix("[package.") {
          flush()
          inPackage = false
        }
        continue
      }
      guard inPackage else { continue }
      if name == nil, let value = quotedValue(line, key: "name") { name = value }
      if version == nil, let value = quotedValue(line, key: "version") { version = value }
    }
    flush()
    return found
  }

  /// Pipfile.lock's `default` section (what `pipenv install --deploy` puts in an image).
  static func pipfileLock(_ text: String) -> Set<DeclaredPackage> {
    guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
      let section = object["default"] as? [String: Any]
    else { return [] }
    return Set(
      section.map { name, value in
        let version = ((value as? [String: Any])?["version"] as? String).map {
          $0.hasPrefix("==") ? String($0.dropFirst(2)) : $0
        }
        return DeclaredPackage(ecosystem: "python", name: name, version: version)
      })
  }

  /// package-lock.json: `packages` (v2, v3) keyed by `node_modules/…` paths, or
  /// `dependencies` (v1) keyed by name.
  static func npmLock(_ text: String) -> Set<DeclaredPackage> {
    guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return [] }
    var found: Set<DeclaredPackage> = []
    if let packages = object["packages"] as? [String: Any] {
      for (key, value) in packages {
        guard let range = key.range(of: "node_modules/", options: .backwards) else { continue }
        let name = String(key[range.upperBound...])
        found.insert(
          DeclaredPackage(ecosystem: "npm", name: name, version: (value as? [String: Any])?["version"] as? String))
      }
    } else if let dependencies = object["dependencies"] as? [String: Any] {
      for (name, value) in dependencies {
        found.insert(
          DeclaredPackage(ecosystem: "npm", name: name, version: (value as? [String: Any])?["version"] as? String))
      }
    }
    return found
  }

  /// pnpm-lock.yaml's `packages:` keys: `/name@1.0.0:` (v6), `name@1.0.0:` (v9),
  /// `/name/1.0.0:` (v5), scoped names included.
  static func pnpmLock(_ text: String) -> Set<DeclaredPackage> {
    var found: Set<DeclaredPackage> = []
    var inPackages = false
    for raw in text.split(whereSeparator: \.isNewline) {
      let line = String(raw)
      if !line.hasPrefix(" ") {
        inPackages = line.hasPrefix("packages:")
        continue
      }
      guard inPackages, line.hasPrefix("  "), !line.hasPrefix("   "), line.hasSuffix(":") else { continue }
      var key = String(line.dropFirst(2).dropLast()).trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
      if let paren = key.firstIndex(of: "(") { key = String(key[..<paren]) }
      if key.hasPrefix("/") { key.removeFirst() }
      let scoped = key.hasPrefix("@")
      let body = scoped ? String(key.dropFirst()) : key
      if let at = body.lastIndex(of: "@") {
        let name = (scoped ? "@" : "") + body[..<at]
        found.insert(DeclaredPackage(ecosystem: "npm", name: name, version: String(body[body.index(after: at)...])))
      } else if let slash = body.lastIndex(of: "/") {
        let name = (scoped ? "@" : "") + body[..<slash]
        found.insert(DeclaredPackage(ecosystem: "npm", name: name, version: String(body[body.index(after: slash)...])))
      }
    }
    return found
  }

  /// yarn.lock (v1 and berry): a block header `"name@^1", name@^1.1:` then
  /// `  version "1.2.3"` or `  version: 1.2.3`.
  static func yarnLock(_ text: String) -> Set<DeclaredPackage> {
    var found: Set<DeclaredPackage> = []
    var current: String? = nil
    for raw in text.split(whereSeparator: \.isNewline) {
      let line = String(raw)
      if line.hasPrefix("#") || line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
      if !line.hasPrefix(" ") {
        let first = line.split(separator: ",").first.map(String.init) ?? line
        var spec = first.trimmingCharacters(in: CharacterSet(charactersIn: "\"': "))
        if spec.hasPrefix("__metadata") {
          current = nil
          continue
        }
        let scoped = spec.hasPrefix("@")
        if scoped { spec.removeFirst() }
        current = spec.firstIndex(of: "@").map { (scoped ? "@" : "") + spec[..<$0] }
        continue
      }
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if let name = current, trimmed.hasPrefix("version") {
        let value = trimmed.dropFirst("version".count).trimmingCharacters(in: CharacterSet(charactersIn: ": \""))
        found.insert(DeclaredPackage(ecosystem: "npm", name: name, version: value))
        current = nil
      }
    }
    return found
  }

  static func quotedValue(_ line: String, key: String) -> String? {
    guard line.hasPrefix(key) else { return nil }
    let rest = line.dropFirst(key.count).trimmingCharacters(in: .whitespaces)
    guard rest.hasPrefix("=") else { return nil }
    let value = rest.dropFirst().trimmingCharacters(in: .whitespaces)
    guard value.hasPrefix("\""), value.count >= 2 else { return nil }
    return String(value.dropFirst().prefix { $0 != "\"" })
  }
}

/// `apt-get install` / `apt install` / `apk add` in a Dockerfile's RUN commands: the
/// package words, options skipped, `name=version` split.
enum SystemInstalls {
  static func packages(in command: String) -> Set<DeclaredPackage> {
    var found: Set<DeclaredPackage> = []
    let separators = CharacterSet(charactersIn: ";&|\n()")
    for part in command.replacingOccurrences(of: "\\\n", with: " ").components(separatedBy: separators) {
      let words = part.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\\" }).map(String.init)
      guard let tool = words.firstIndex(where: { ["apt-get", "apt", "apk"].contains($0) }) else { continue }
      let rest = words[(tool + 1)...]
      let ecosystem = words[tool] == "apk" ? "apk" : "deb"
      let verb = ecosystem == "apk" ? "add" : "install"
      guard let verbIndex = rest.firstIndex(of: verb) else { continue }
      var skipNext = false
      for word in rest[(verbIndex + 1)...] {
        if skipNext {
          skipNext = false
          continue
        }
        if word.hasPrefix("-") {
          // Options that take a separate value.
          skipNext = ["-t", "--target-release", "-o", "--option", "-X", "--repository", "-t", "--virtual"].contains(
            word)
          continue
        }
        if word.contains("$") || word.contains("/") && !word.contains("=") { continue }
        let pieces = word.split(separator: "=", maxSplits: 1).map(String.init)
        let name = pieces[0].split(separator: ":").first.map(String.init) ?? pieces[0]
        guard !name.isEmpty else { continue }
        found.insert(DeclaredPackage(ecosystem: ecosystem, name: name, version: pieces.count > 1 ? pieces[1] : nil))
      }
    }
    return found
  }
}
