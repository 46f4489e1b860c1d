import Budgets
import Model

/// What the merged filesystem holds, summed per directory, and the files that
/// budgets name (forbidden patterns, required paths).
enum PathAggregation {
  struct Totals {
    var bytes: Int64 = 0
    var files = 0
  }

  /// Rows for every directory down to `depth`, and deeper paths holding at least
  /// `ImageMeasurement.deepPathThreshold` bytes, plus each of `extraPaths` that exists.
  static func paths(of tree: FilesystemTree, depth: Int, extraPaths: [String]) -> (rows: [PathSize], total: Totals) {
    var rows: [PathSize] = []
    let wanted = Set(extraPaths)
    func visit(_ node: FilesystemTree.Node, path: String, level: Int) -> Totals {
      guard let children = node.children else {
        if level > 0 && (node.size >= ImageMeasurement.deepPathThreshold || wanted.contains(path)) {
          rows.append(PathSize(path: path, bytes: node.size, files: 1))
        }
        return Totals(bytes: node.size, files: 1)
      }
      var totals = Totals()
      for (name, child) in children {
        let sub = visit(child, path: path == "/" ? "/" + name : path + "/" + name, level: level + 1)
        totals.bytes += sub.bytes
        totals.files += sub.files
      }
      if level <= depth || totals.bytes >= ImageMeasurement.deepPathThreshold || wanted.contains(path) {
        rows.append(PathSize(path: path, bytes: totals.bytes, files: totals.files))
      }
      return totals
    }
    let total = visit(tree.root, path: "/", level: 0)
    rows.sort { $0.path < $1.path }
    return (rows, total)
  }

  /// For each pattern, the matching files of the final filesystem, largest first.
  /// A symbolic link ships the file it points to: a matching link counts its target's
  /// bytes (each target once per pattern, also when the target matches itself).
  static func matches(of patterns: [PathPattern], in tree: FilesystemTree) -> [PatternMatch] {
    var results = patterns.map { PatternMatch(pattern: $0.text, files: 0, bytes: 0, examples: []) }
    guard !patterns.isEmpty else { return [] }
    var counted = [Set<String>](repeating: [], count: patterns.count)
    func visit(_ node: FilesystemTree.Node, path: String) {
      if let children = node.children {
        for (name, child) in children { visit(child, path: path == "/" ? "/" + name : path + "/" + name) }
        return
      }
      let components = path.split(separator: "/", omittingEmptySubsequences: true)
      for (index, pattern) in patterns.enumerated() where pattern.matches(components: components) {
        results[index].files += 1
        guard let target = node.symlinkTarget else {
          if counted[index].insert(path).inserted { results[index].bytes += node.size }
          results[index].keepExample(.init(path: path, bytes: node.size, layer: node.layer))
          continue
        }
        guard let (resolved, file) = tree.resolveLink(path, target: target), !file.isDirectory else {
          results[index].keepExample(.init(path: path, bytes: 0, layer: node.layer, symlinkTarget: target))
          continue
        }
        if counted[index].insert(resolved).inserted { results[index].bytes += file.size }
        results[index].keepExample(
          .init(path: path, bytes: file.size, layer: node.layer, symlinkTarget: resolved))
      }
    }
    visit(tree.root, path: "/")
    for index in results.indices { results[index].keepLargestExamples() }
    return results
  }

  static func required(_ paths: [String], in tree: FilesystemTree) -> [RequiredPath] {
    paths.map { path in
      let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
      guard let node = tree.node(at: trimmed) else { return RequiredPath(path: path, present: false, bytes: 0) }
      return RequiredPath(path: path, present: true, bytes: total(node))
    }
  }

  private static func total(_ node: FilesystemTree.Node) -> Int64 {
    guard let children = node.children else { return node.size }
    return children.values.reduce(0) { $0 + total($1) }
  }
}
