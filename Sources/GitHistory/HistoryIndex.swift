import CGit2
import SystemCalls

/// Fast history walks for `log`, `bisect` and reports: a commit-graph of the
/// repository (git's own format, written by libgit2) kept in
/// `.git/sizebudget/commit-graph`, so a walk over 200,000 commits reads flat arrays
/// instead of inflating every commit object. Commits made since the graph was written
/// are walked through libgit2 and, once there are many, the graph is rewritten.
public final class HistoryIndex {
  /// More new commits than this and the graph is rewritten rather than walked around.
  static let rebuildThreshold = 2_000

  let repository: Repository
  private var graph: CommitGraph?
  private var graphTips: [ObjectID] = []
  private let directory: String

  public init(_ repository: Repository) {
    self.repository = repository
    directory = repository.commonDirectory + "sizebudget"
    graph = CommitGraph(path: graphPath)
    graphTips = graph == nil ? [] : readTips()
  }

  var graphPath: String { directory + "/commit-graph" }
  var tipsPath: String { directory + "/commit-graph.tips" }

  /// The commits of a range, newest first, children before parents. `visit` returns
  /// false to stop.
  public func walk(_ range: RevisionRange, firstParent: Bool = false, _ visit: (ObjectID) throws -> Bool) throws {
    let fresh = try commitsOutsideGraph(range)
    guard let graph, let fresh else {
      // No usable graph: libgit2 walks, and the graph is written for next time.
      try repository.walk(range, firstParent: firstParent, visit)
      try? rebuild(including: range.include)
      return
    }
    let hidden = hiddenPositions(range.exclude, graph: graph)
    if firstParent {
      try walkFirstParent(graph, fresh: Set(fresh.commits), from: range.include.first, hidden: hidden, visit)
      return
    }
    // First the commits newer than the graph (libgit2, in topological order), then
    // the graph from where they lead in.
    var entry: [Int] = []
    for id in fresh.commits {
      if try !visit(id) { return }
    }
    for id in fresh.frontier { if let position = graph.position(of: id) { entry.append(position) } }
    for id in range.include { if let position = graph.position(of: id) { entry.append(position) } }
    try walkTopological(graph, from: entry, hidden: hidden, visit)
  }

  /// The first-parent line from `start`: through the commits newer than the graph
  /// (`fresh`, by their first parents, never into a branch merged since the graph
  /// was written), then through the graph from where the line enters it.
  private func walkFirstParent(
    _ graph: CommitGraph, fresh: Set<ObjectID>, from start: ObjectID?, hidden: [Bool],
    _ visit: (ObjectID) throws -> Bool
  ) throws {
    var current = start
    while let id = current, graph.position(of: id) == nil {
      // Neither in the graph nor among the range's new commits: excluded by the range.
      guard fresh.contains(id) else { return }
      if try !visit(id) { return }
      current = try repository.commit(id).parents.first
    }
    try walkFirstParent(graph, from: current.flatMap { graph.position(of: $0) }, hidden: hidden, visit)
  }

  /// The range's commits that the graph does not hold (newest first), and the graph
  /// commits they lead to; nil when the graph is missing or too far behind.
  private func commitsOutsideGraph(_ range: RevisionRange) throws -> (commits: [ObjectID], frontier: [ObjectID])? {
    guard let graph else { return nil }
    if range.include.allSatisfy({ graph.position(of: $0) != nil }) { return ([], []) }
    var commits: [ObjectID] = []
    var frontier: [ObjectID] = []
    let outside = RevisionRange(include: range.include, exclude: range.exclude + graphTips, text: range.text)
    try repository.walk(outside) { id in
      if graph.position(of: id) != nil { return true }
      commits.append(id)
      return commits.count <= Self.rebuildThreshold
    }
    if commits.count > Self.rebuildThreshold {
      try rebuild(including: range.include)
      return self.graph == nil ? nil : ([], [])
    }
    let known = Set(commits)
    for id in commits {
      for parent in (try? repository.commit(id).parents) ?? [] where !known.contains(parent) {
        frontier.append(parent)
      }
    }
    return (commits, frontier)
  }

  private func hiddenPositions(_ exclude: [ObjectID], graph: CommitGraph) -> [Bool] {
    var hidden = [Bool](repeating: false, count: graph.count)
    var stack = exclude.compactMap { graph.position(of: $0) }
    var parents: [Int] = []
    while let position = stack.popLast() {
      if hidden[position] { continue }
      hidden[position] = true
      graph.parents(of: position, into: &parents)
      stack.append(contentsOf: parents)
    }
    return hidden
  }

  private func walkFirstParent(
    _ graph: CommitGraph, from start: Int?, hidden: [Bool], _ visit: (ObjectID) throws -> Bool
  ) throws {
    var current = start
    while let position = current, !hidden[position] {
      if try !visit(graph.id(at: position)) { return }
      current = graph.firstParent(of: position)
    }
  }

  /// Children before parents: Kahn's algorithm over the reachable commits, newest
  /// first among those ready (as `git log --topo-order` does).
  private func walkTopological(
    _ graph: CommitGraph, from starts: [Int], hidden: [Bool], _ visit: (ObjectID) throws -> Bool
  ) throws {
    var children = [Int32](repeating: 0, count: graph.count)
    var seen = [Bool](repeating: false, count: graph.count)
    var stack = starts.filter { !hidden[$0] }
    var parents: [Int] = []
    for position in stack { seen[position] = true }
    while let position = stack.popLast() {
      graph.parents(of: position, into: &parents)
      for parent in parents where !hidden[parent] {
        children[parent] += 1
        if !seen[parent] {
          seen[parent] = true
          stack.append(parent)
        }
      }
    }
    var ready = Heap { graph.time(of: $0) > graph.time(of: $1) }
    for position in Set(starts) where !hidden[position] && children[position] == 0 { ready.push(position) }
    while let position = ready.pop() {
      if try !visit(graph.id(at: position)) { return }
      graph.parents(of: position, into: &parents)
      for parent in parents where !hidden[parent] {
        children[parent] -= 1
        if children[parent] == 0 { ready.push(parent) }
      }
    }
  }

  /// Writes a new graph of everything reachable from the branches, tags, HEAD and
  /// `including`, atomically (a reader never sees half a file).
  public func rebuild(including extra: [ObjectID] = []) throws {
    var walker: OpaquePointer?
    guard git_revwalk_new(&walker, repository.handle) == 0, let walker else { return }
    defer { git_revwalk_free(walker) }
    _ = git_revwalk_push_head(walker)
    _ = git_revwalk_push_glob(walker, "refs/heads/*")
    _ = git_revwalk_push_glob(walker, "refs/tags/*")
    _ = git_revwalk_push_glob(walker, "refs/remotes/*")
    var tips = extra
    for id in extra {
      var oid = id.gitOID
      _ = git_revwalk_push(walker, &oid)
    }
    if let head = try? repository.resolveID("HEAD") { tips.append(head) }
    tips += repository.referenceTips()
    var writer: OpaquePointer?
    guard git_commit_graph_writer_new(&writer, repository.objectsDirectory) == 0, let writer else { return }
    defer { git_commit_graph_writer_free(writer) }
    guard git_commit_graph_writer_add_revwalk(writer, walker) == 0 else { return }
    var buffer = git_buf()
    defer { git_buf_dispose(&buffer) }
    var options = git_commit_graph_writer_options()
    git_commit_graph_writer_options_init(&options, UInt32(GIT_COMMIT_GRAPH_WRITER_OPTIONS_VERSION))
    guard git_commit_graph_writer_dump(&buffer, writer, &options) == 0, let bytes = buffer.ptr else { return }
    mkdir(directory, 0o755)
    let tipsText = Array((Set(tips).map(\.hex).sorted().joined(separator: "\n") + "\n").utf8)
    let wroteTips = tipsText.withUnsafeBytes { writeAtomically(tipsPath, $0) }
    guard wroteTips, writeAtomically(graphPath, UnsafeRawBufferPointer(start: bytes, count: buffer.size)) else {
      return
    }
    graph = CommitGraph(path: graphPath)
    graphTips = Array(Set(tips))
  }

  private func readTips() -> [ObjectID] {
    guard let file = fopen(tipsPath, "r") else { return [] }
    defer { fclose(file) }
    var tips: [ObjectID] = []
    var line = [CChar](repeating: 0, count: 128)
    while fgets(&line, Int32(line.count), file) != nil {
      let text = line.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }.trimmingNewline()
      if let id = ObjectID(hex: text) { tips.append(id) }
    }
    return tips
  }

  private func writeAtomically(_ path: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
    let temporary = path + ".tmp.\(getpid())"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { return false }
    var written = 0
    while written < bytes.count {
      let result = write(descriptor, bytes.baseAddress! + written, bytes.count - written)
      if result <= 0 {
        close(descriptor)
        unlink(temporary)
        return false
      }
      written += result
    }
    close(descriptor)
    return rename(temporary, path) == 0
  }
}

/// A binary heap with a custom order (the standard library has none).
struct Heap {
  private var items: [Int] = []
  private let before: (Int, Int) -> Bool

  init(before: @escaping (Int, Int) -> Bool) { self.before = before }

  mutating func push(_ item: Int) {
    items.append(item)
    var child = items.count - 1
    while child > 0 {
      let parent = (child - 1) / 2
      guard before(items[child], items[parent]) else { break }
      items.swapAt(child, parent)
      child = parent
    }
  }

  mutating func pop() -> Int? {
    guard !items.isEmpty else { return nil }
    items.swapAt(0, items.count - 1)
    let top = items.removeLast()
    var parent = 0
    while true {
      let left = 2 * parent + 1
      let right = left + 1
      var best = parent
      if left < items.count && before(items[left], items[best]) { best = left }
      if right < items.count && before(items[right], items[best]) { best = right }
      if best == parent { return top }
      items.swapAt(parent, best)
      parent = best
    }
  }
}

extension String {
  func trimmingNewline() -> String {
    var text = self
    while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
    return text
  }
}

extension Repository {
  /// The directory shared by all worktrees (`.git`), with a trailing slash.
  var commonDirectory: String { String(cString: git_repository_commondir(handle)) }

  var objectsDirectory: String { commonDirectory + "objects" }

}
