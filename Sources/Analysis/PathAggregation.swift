import Budgets
import Model
import SystemCalls

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
      guard node.isDirectory else {
        if level > 0 && (node.size >= ImageMeasurement.deepPathThreshold || wanted.contains(path)) {
          rows.append(PathSize(path: path, bytes: node.size, files: 1))
        }
        return Totals(bytes: node.size, files: 1)
      }
      var totals = Totals()
      tree.forEachChild(of: node) { name, child in
        // A small file's path is needed only when a budget names it.
        let sub =
          !child.isDirectory && child.size < ImageMeasurement.deepPathThreshold && wanted.isEmpty
          ? Totals(bytes: child.size, files: 1)
          : visit(child, path: path == "/" ? "/" + name : path + "/" + name, level: level + 1)
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
    // A file is visited once; only link targets need remembering, and only those that
    // do not match themselves (those count when visited): bounded by the links, not
    // by the matching files (issue 16).
    var countedTargets = [Set<UInt32>](repeating: [], count: patterns.count)
    tree.forEachFile { path, node in
      let components = path.slashSeparated()
      for (index, pattern) in patterns.enumerated() where pattern.matches(components: components) {
        results[index].files += 1
        guard let target = node.symlinkTarget else {
          results[index].bytes += node.size
          results[index].keepExample(.init(path: path, bytes: node.size, layer: node.layer))
          continue
        }
        guard let (resolved, file) = tree.resolveLink(path, target: target), !file.isDirectory else {
          results[index].keepExample(.init(path: path, bytes: 0, layer: node.layer, symlinkTarget: target))
          continue
        }
        let targetMatches = pattern.matches(components: resolved.slashSeparated())
        if !targetMatches && countedTargets[index].insert(file.index).inserted { results[index].bytes += file.size }
        results[index].keepExample(
          .init(path: path, bytes: file.size, layer: node.layer, symlinkTarget: resolved))
      }
    }
    for index in results.indices { results[index].keepLargestExamples() }
    return results
  }

  static func required(_ paths: [String], in tree: FilesystemTree) -> [RequiredPath] {
    paths.map { path in
      let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
      guard let node = tree.node(at: trimmed) else { return RequiredPath(path: path, present: false, bytes: 0) }
      return RequiredPath(path: path, present: true, bytes: total(node, in: tree))
    }
  }

  private static func total(_ node: FilesystemTree.Node, in tree: FilesystemTree) -> Int64 {
    guard node.isDirectory else { return node.size }
    var sum: Int64 = 0
    tree.forEachChild(of: node) { _, child in sum += total(child, in: tree) }
    return sum
  }
}
