import Model

/// The same bytes under two paths of the final filesystem (two virtual environments,
/// vendored libraries next to the wheels that ship them), from the content fingerprints
/// the layer scan takes while the bytes pass anyway (`ContentHashingStream`: CRCs, not
/// a cryptographic hash, which this grouping does not need; it says why), compared
/// together with the file's size.
public enum DuplicateContent {
  /// Only files this large are hashed: duplicates worth removing are big, and a
  /// threshold keeps hashing to a fraction of what passes (most files are small) and
  /// the digests kept to one per 256 KiB of the image at most, however many files it
  /// has. The finding says so.
  public static let minimumFileSize: Int64 = 256 * 1024
  static let categoryID = "duplicate-content"

  /// One example per redundant copy, with the path that stays (`sameAs`). In each
  /// group of identical files the one that stays is a distribution package's file if
  /// there is one (the package manager would put it back), else the first by path.
  /// Groups made only of distribution files are the distribution's business.
  static func category(
    _ tree: FilesystemTree, digests: (String, FilesystemTree.Node) -> String?
  ) -> [PatternMatch] {
    var groups: [String: [(path: String, node: FilesystemTree.Node)]] = [:]
    tree.forEachFile { path, node in
      guard node.size >= minimumFileSize, let digest = digests(path, node) else { return }
      groups["\(node.size) \(digest)", default: []].append((path, node))
    }
    var match = PatternMatch(pattern: categoryID, files: 0, bytes: 0, examples: [])
    for group in groups.values where group.count > 1 {
      let owned = group.filter { tree.isDistribution($0.node) }
      guard owned.count < group.count else { continue }
      let sorted = group.sorted { $0.path < $1.path }
      let kept = owned.map(\.path).min() ?? sorted[0].path
      for copy in sorted where copy.path != kept && !tree.isDistribution(copy.node) {
        match.count(.init(path: copy.path, bytes: copy.node.size, layer: copy.node.layer, sameAs: kept))
      }
    }
    guard match.files > 0 else { return [] }
    match.keepLargestExamples()
    return [match]
  }
}
