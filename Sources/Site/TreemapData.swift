import Analysis
import Model

/// A tree of byte counts for the treemap: the final filesystem by path, the packages
/// by ecosystem, or the layers. A node's bytes are exactly its children's sum (the
/// bytes no listed child holds are a child of their own), so areas add up.
struct TreeNode {
  var label: String
  var detail: String
  var bytes: Int64
  var category: String
  var children: [TreeNode] = []

  /// Children below this share of their parent are drawn as one "smaller items" tile.
  static let smallShare = 0.003
  static let maxChildren = 60

  static func byPath(_ measurement: ImageMeasurement) -> TreeNode? {
    let rows = measurement.paths.sorted { $0.path < $1.path }
    guard let rootRow = rows.first(where: { $0.path == "/" }) else { return nil }
    let known = Set(rows.map(\.path))
    var children: [String: [String]] = [:]
    for row in rows where row.path != "/" {
      var parent = row.path
      repeat {
        parent = parentPath(parent)
      } while !known.contains(parent) && parent != "/"
      children[parent, default: []].append(row.path)
    }
    let bytes = Dictionary(rows.map { ($0.path, $0.bytes) }, uniquingKeysWith: { a, _ in a })
    let files = Dictionary(rows.map { ($0.path, $0.files) }, uniquingKeysWith: { a, _ in a })
    func node(_ path: String) -> TreeNode {
      let name = path == "/" ? "/" : String(path.split(separator: "/").last ?? "/")
      var result = TreeNode(
        label: name, detail: "\(path) (\(files[path] ?? 0) files)", bytes: bytes[path] ?? 0,
        category: category(path: path))
      result.children = (children[path] ?? []).map(node)
      result.addRemainder("(other files in \(path))", category: result.category)
      return result
    }
    var root = node(rootRow.path)
    // Measured without per-directory rows: one tile, so the view is never empty.
    if root.children.isEmpty {
      root.children = [
        TreeNode(label: "/", detail: "/ (no directories recorded)", bytes: root.bytes, category: "other")
      ]
    }
    return root.grouped()
  }

  static func byPackage(_ measurement: ImageMeasurement, total: Int64) -> TreeNode {
    var root = TreeNode(
      label: "all packages", detail: "every file, by the package that owns it", bytes: 0, category: "other")
    let ecosystems = Dictionary(grouping: measurement.packages, by: \.ecosystem)
    for (ecosystem, packages) in ecosystems.sorted(by: { $0.key < $1.key }) {
      let label = ecosystem == "none" ? "not in a package" : ecosystem
      var group = TreeNode(label: label, detail: "\(label): \(packages.count) entries", bytes: 0, category: "other")
      for package in packages {
        let version = package.version.map { " \($0)" } ?? ""
        let location = package.location.map { " in \($0)" } ?? ""
        group.children.append(
          TreeNode(
            label: package.name, detail: "\(ecosystem) \(package.name)\(version)\(location), \(package.files) files",
            bytes: package.bytes, category: category(package: package)))
      }
      group.bytes = group.children.map(\.bytes).reduce(0, +)
      group.category = dominantCategory(group.children)
      root.children.append(group)
    }
    root.bytes = root.children.map(\.bytes).reduce(0, +)
    return root.grouped()
  }

  static func byLayer(_ measurement: ImageMeasurement) -> TreeNode {
    var root = TreeNode(label: "all layers", detail: "uncompressed layer contents", bytes: 0, category: "other")
    for layer in measurement.layers {
      root.children.append(
        TreeNode(
          label: "layer \(layer.index)", detail: "layer \(layer.index): \(layer.createdBy ?? "no command recorded")",
          bytes: layer.uncompressedBytes, category: "layer-\(layer.index % 8)"))
    }
    root.bytes = root.children.map(\.bytes).reduce(0, +)
    return root
  }

  mutating func addRemainder(_ label: String, category: String) {
    let rest = bytes - children.map(\.bytes).reduce(0, +)
    if rest > 0 && !children.isEmpty {
      children.append(TreeNode(label: "(other files)", detail: label, bytes: rest, category: category))
    }
  }

  /// Largest first; tiny children merged into one tile (they would be unreadable slivers).
  func grouped() -> TreeNode {
    var result = self
    var sorted = children.filter { $0.bytes > 0 }.map { $0.grouped() }.sorted { $0.bytes > $1.bytes }
    let threshold = Int64(Double(bytes) * TreeNode.smallShare)
    var small: [TreeNode] = []
    while let last = sorted.last, sorted.count > 1, last.bytes < threshold || sorted.count > TreeNode.maxChildren {
      small.append(sorted.removeLast())
    }
    if small.count == 1 {
      sorted.append(small[0])
    } else if !small.isEmpty {
      let total = small.map(\.bytes).reduce(0, +)
      sorted.append(
        TreeNode(
          label: "\(small.count) smaller", detail: "\(small.count) smaller items, largest \(small.last!.label)",
          bytes: total, category: "other", children: small.count > 1 ? small.reversed() : []))
    }
    result.children = sorted
    return result
  }

  static func parentPath(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
    return String(path[..<slash])
  }

  /// What a path is, for its colour: the categories `explain` speaks of.
  static func category(path: String) -> String {
    let lower = path.lowercased()
    if lower.contains("__pycache__") || lower.hasSuffix(".pyc") { return "bytecode" }
    if lower.contains("/.cache") || lower.hasPrefix("/var/cache") || lower.hasPrefix("/var/lib/apt/lists")
      || lower.contains("/.npm") || lower.contains("pytest_cache")
    {
      return "caches"
    }
    if lower.contains("cuda") || lower.contains("nvidia") || lower.contains("cudnn") || lower.contains("nccl") {
      return "gpu"
    }
    if lower.contains("/gcc") || lower.contains("/cc1") || lower.hasPrefix("/usr/include") || lower.contains("binutils")
      || lower.contains("/libexec/gcc") || lower.hasSuffix("/ld") || lower.contains("/cpp-")
    {
      return "build-tools"
    }
    if lower.contains("/tests") || lower.contains("/test/") || lower.hasSuffix("/test") { return "tests" }
    if lower.contains("site-packages") || lower.contains("dist-packages") || lower.contains("node_modules") {
      return "packages"
    }
    if lower.hasPrefix("/usr") || lower.hasPrefix("/lib") || lower.hasPrefix("/bin") || lower.hasPrefix("/sbin")
      || lower.hasPrefix("/etc") || lower.hasPrefix("/var")
    {
      return "system"
    }
    if lower.hasPrefix("/app") || lower.hasPrefix("/srv") || lower.hasPrefix("/opt") || lower.hasPrefix("/home") {
      return "app"
    }
    return "other"
  }

  static func category(package: PackageSize) -> String {
    let name = package.name.lowercased()
    let buildTools = [
      "gcc", "cpp", "binutils", "make", "libc6-dev", "linux-libc-dev", "g++", "libgcc", "build-essential",
    ]
    if buildTools.contains(where: { name.hasPrefix($0) }) || name.hasSuffix("-dev") { return "build-tools" }
    if name.contains("cuda") || name.contains("nvidia") || name.contains("cudnn") || name.contains("nccl") {
      return "gpu"
    }
    if ["pytest", "mypy", "coverage", "ruff", "black", "pip", "setuptools", "wheel"].contains(name) { return "tests" }
    if package.ecosystem == "none" { return category(path: package.location ?? "/") }
    return package.ecosystem == "deb" || package.ecosystem == "apk" ? "system" : "packages"
  }

  static func dominantCategory(_ nodes: [TreeNode]) -> String {
    var totals: [String: Int64] = [:]
    for node in nodes { totals[node.category, default: 0] += node.bytes }
    return totals.max { $0.value < $1.value }?.key ?? "other"
  }
}
