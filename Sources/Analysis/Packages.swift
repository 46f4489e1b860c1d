import Foundation
import Model
import SystemCalls

/// The files a layer scan keeps whole because packages are read from them.
enum PackageDatabases {
  static let sizeLimit: Int64 = 32 << 20

  static func wants(_ path: String) -> Bool {
    if path == "/var/lib/dpkg/status" || path == "/lib/apk/db/installed" { return true }
    if path.hasPrefix("/var/lib/dpkg/status.d/") { return true }
    if path.hasPrefix("/var/lib/dpkg/info/") && path.hasSuffix(".list") { return true }
    if path.hasSuffix("/RECORD") || path.hasSuffix("/METADATA") { return path.contains(".dist-info/") }
    if path.hasSuffix("/package.json") { return path.contains("/node_modules/") }
    return false
  }
}

/// Who owns each file of the final filesystem: Debian and Alpine packages, Python
/// distributions in every site-packages (venvs included), npm packages by directory.
enum PackageAttribution {
  struct Owner {
    var ecosystem: String
    var name: String
    var version: String?
    var location: String?
    var layer: Int?
  }

  /// `captured(path)` gives a database file's bytes as the final filesystem has them.
  /// The files a distribution package (deb, apk) owns are marked in the tree
  /// (`FilesystemTree.isDistribution`). Owners are kept in the tree, by node, not in a
  /// table by path (issue 16: that table held every owned file's path).
  static func packages(in tree: FilesystemTree, captured: (String) -> (bytes: [UInt8], layer: Int)?)
    -> [PackageSize]
  {
    var owners: [Owner] = []
    // Paths not in the final filesystem own nothing: no file of it will ask.
    func own(_ path: String, _ owner: Int) { if let node = tree.node(at: path) { tree.claim(node, owner: owner) } }
    // dpkg and apk name files by the path the package shipped (`/bin/bash`), which on a
    // merged-/usr system lies behind a directory link (`/usr/bin/bash`).
    // Directories are resolved once each (a package list names thousands of files in
    // a few dozen directories).
    var canonicalDirectory: [String: String] = [:]
    func ownShipped(_ path: String, _ owner: Int) {
      guard tree.node(at: path) == nil else { return own(path, owner) }
      let parent = FilesystemTree.parent(of: path)
      let directory =
        canonicalDirectory[parent]
        ?? {
          let resolved = tree.canonicalPath(parent + "/.")
          canonicalDirectory[parent] = resolved
          return resolved
        }()
      own((directory == "/" ? "" : directory) + "/" + FilesystemTree.base(of: path), owner)
    }

    // Debian: status says what is installed, info/NAME[:ARCH].list which files.
    if let status = captured("/var/lib/dpkg/status") {
      for package in DebianStatus.installed(status.bytes) {
        let list =
          captured("/var/lib/dpkg/info/\(package.name).list")
          ?? package.architecture.flatMap { captured("/var/lib/dpkg/info/\(package.name):\($0).list") }
        guard let list else { continue }
        owners.append(
          Owner(ecosystem: "deb", name: package.name, version: package.version, location: nil, layer: list.layer))
        for line in String(decoding: list.bytes, as: UTF8.self).split(whereSeparator: \.isNewline) {
          ownShipped(String(line), owners.count - 1)
        }
      }
    }
    // Alpine: one block per package; F: a directory, R: a file in it.
    if let installed = captured("/lib/apk/db/installed") {
      for package in AlpineInstalled.packages(installed.bytes) {
        owners.append(
          Owner(ecosystem: "apk", name: package.name, version: package.version, location: nil, layer: installed.layer))
        for file in package.files { ownShipped(file, owners.count - 1) }
      }
    }
    // Python: every dist-info's RECORD lists its files relative to site-packages.
    tree.forEachFile { path, _ in
      guard path.hasSuffix(".dist-info/RECORD"), let record = captured(path) else { return }
      let distInfo = String(path.dropLast("/RECORD".count))
      let sitePackages = FilesystemTree.parent(of: distInfo)
      let (name, version) = PythonDistribution.nameAndVersion(
        distInfo: FilesystemTree.base(of: distInfo), metadata: captured(distInfo + "/METADATA")?.bytes)
      owners.append(
        Owner(ecosystem: "python", name: name, version: version, location: sitePackages, layer: record.layer))
      guard let base = tree.node(at: sitePackages) else { return }
      for file in PythonDistribution.recordPaths(record.bytes) {
        if let node = tree.node(at: file, from: base) { tree.claim(node, owner: owners.count - 1) }
      }
    }
    // npm: a directory under node_modules with a package.json is a package (its own
    // node_modules excepted: those are packages of their own).
    var npmRoots: [(directory: String, owner: Int)] = []
    tree.forEachFile { path, _ in
      guard path.hasSuffix("/package.json"), let manifest = captured(path) else { return }
      let directory = FilesystemTree.parent(of: path)
      let parent = FilesystemTree.parent(of: directory)
      let scoped = FilesystemTree.base(of: parent).hasPrefix("@")
      let container = scoped ? FilesystemTree.parent(of: parent) : parent
      guard FilesystemTree.base(of: container) == "node_modules" else { return }
      let fields = NpmManifest.nameAndVersion(manifest.bytes)
      owners.append(
        Owner(
          ecosystem: "npm", name: fields.name ?? FilesystemTree.base(of: directory), version: fields.version,
          location: container, layer: manifest.layer))
      npmRoots.append((directory, owners.count - 1))
    }
    npmRoots.sort { $0.directory.count > $1.directory.count }  // the deepest package first

    var totals = [(bytes: Int64, files: Int)](repeating: (0, 0), count: owners.count)
    var unowned: [String: (bytes: Int64, files: Int, layer: Int)] = [:]
    tree.forEachFile { path, node in
      var owner = tree.owner(of: node)
      if owner == nil, path.contains("/node_modules/") {
        owner = npmRoots.first { path.hasPrefix($0.directory + "/") }?.owner
      }
      if let owner {
        totals[owner].bytes += node.size
        totals[owner].files += 1
        if owners[owner].ecosystem == "deb" || owners[owner].ecosystem == "apk" { tree.markDistribution(node) }
      } else {
        let group = FilesystemTree.topDirectory(path, depth: 2)
        var entry = unowned[group] ?? (0, 0, node.layer)
        entry.bytes += node.size
        entry.files += 1
        entry.layer = max(entry.layer, node.layer)
        unowned[group] = entry
      }
    }
    var result = owners.enumerated().map { index, owner in
      PackageSize(
        ecosystem: owner.ecosystem, name: owner.name, version: owner.version, location: owner.location,
        bytes: totals[index].bytes, files: totals[index].files, layer: owner.layer)
    }
    result += unowned.map {
      PackageSize(
        ecosystem: "none", name: $0.key, version: nil, location: $0.key, bytes: $0.value.bytes, files: $0.value.files,
        layer: $0.value.layer)
    }
    return result.sorted { ($0.bytes, $1.key) > ($1.bytes, $0.key) }
  }
}

extension FilesystemTree {
  static func parent(of path: String) -> String {
    guard let split = path.splitAtLastSlash(), !split.parent.isEmpty else { return "/" }
    return String(split.parent)
  }

  static func base(of path: String) -> String {
    path.splitAtLastSlash().map { String($0.name) } ?? path
  }

  /// `/usr/lib/x86_64-linux-gnu/libz.so` → `/usr/lib` at depth 2.
  static func topDirectory(_ path: String, depth: Int) -> String {
    let parts = path.slashSeparated()
    return "/" + parts.prefix(min(depth, max(1, parts.count - 1))).joined(separator: "/")
  }
}
