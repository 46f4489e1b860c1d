import CGit2

/// What a range like `main..branch` stands for: the commits reachable from `include`
/// and not from `exclude`.
public struct RevisionRange: Sendable, Equatable {
  public var include: [ObjectID]
  public var exclude: [ObjectID]
  /// As the user wrote it, for messages.
  public var text: String

  public init(include: [ObjectID], exclude: [ObjectID], text: String) {
    self.include = include
    self.exclude = exclude
    self.text = text
  }
}

/// A commit's metadata, as `log`, `check` and reports show it.
public struct CommitInfo: Sendable, Equatable {
  public var id: ObjectID
  public var parents: [ObjectID]
  public var subject: String
  public var authorName: String
  public var authorEmail: String
  /// Seconds since 1970 (the author date).
  public var time: Int64
  /// `Size-Budget:` trailers of the message: reasons a growth was accepted.
  public var sizeBudgetReasons: [String]
  /// Seconds since 1970 (the committer date): when the commit landed where it is. A
  /// rebase or squash keeps the old author date, so periods go by this one.
  public var committerTime: Int64 = 0
}

extension Repository {
  /// `A..B`, `A...B` (symmetric difference), or a single revision (its whole history).
  public func resolveRange(_ text: String) throws(GitError) -> RevisionRange {
    if let (leftText, rightText) = text.split(around: "...") {
      let left = try resolveBranch(leftText.ifEmpty("HEAD"))
      let right = try resolveBranch(rightText.ifEmpty("HEAD"))
      let base = try mergeBase(left, right)
      return RevisionRange(include: [left, right], exclude: base.map { [$0] } ?? [], text: text)
    }
    if let (leftText, rightText) = text.split(around: "..") {
      let left = try resolveBranch(leftText.ifEmpty("HEAD"))
      let right = try resolveBranch(rightText.ifEmpty("HEAD"))
      return RevisionRange(include: [right], exclude: [left], text: text)
    }
    return RevisionRange(include: [try resolveBranch(text)], exclude: [], text: text)
  }

  public func resolveID(_ revision: String) throws(GitError) -> ObjectID {
    ObjectID(hex: try resolveCommit(revision))!
  }

  /// A base branch such as `main`: the local branch when there is one, otherwise
  /// the remote-tracking one (`origin/main` first, then any remote's). CI checkouts
  /// and clones of a feature branch often have no local `main`, only `origin/main`,
  /// and `git rev-parse main` fails there although the user means it.
  public func resolveBranch(_ name: String) throws(GitError) -> ObjectID {
    do {
      return try resolveID(name)
    } catch {
      guard !name.hasPrefix("refs/"), !name.contains(".."), !name.contains("~"), !name.contains("^") else {
        throw error
      }
      // origin first, then the other configured remotes by name (a glob such as
      // refs/remotes/*/main would also match origin/release/main).
      let remotes = ["origin"] + remoteNames().filter { $0 != "origin" }.sorted()
      for remote in remotes {
        if let target = referenceTarget("refs/remotes/\(remote)/\(name)") { return target }
      }
      throw GitError(
        "revision \"\(name)\" does not resolve in this repository, nor is there a remote-tracking branch "
          + "origin/\(name): check the name, or fetch it (git fetch origin \(name))")
    }
  }

  /// Names that `resolveBranch` accepts as branches: local branches, and
  /// remote-tracking ones without their remote (`origin/main` → `main`), for "did you
  /// mean" when a name does not resolve.
  public func branchNames() -> [String] {
    var iterator: OpaquePointer?
    guard git_branch_iterator_new(&iterator, handle, GIT_BRANCH_ALL) == 0, let iterator else { return [] }
    defer { git_branch_iterator_free(iterator) }
    var names: Set<String> = []
    var reference: OpaquePointer?
    var type = GIT_BRANCH_LOCAL
    while git_branch_next(&reference, &type, iterator) == 0, let current = reference {
      defer { git_reference_free(current) }
      var name: UnsafePointer<CChar>?
      guard git_branch_name(&name, current) == 0, let name else { continue }
      let text = String(cString: name)
      if type == GIT_BRANCH_REMOTE, let slash = text.firstIndex(of: "/") {
        let short = String(text[text.index(after: slash)...])
        if short != "HEAD" { names.insert(short) }
      } else {
        names.insert(text)
      }
    }
    return names.sorted()
  }

  /// The commits of a range, newest first: topological order (parents after all their
  /// children), or only the first-parent line. `visit` returns false to stop.
  public func walk(_ range: RevisionRange, firstParent: Bool = false, _ visit: (ObjectID) throws -> Bool) throws {
    var walker: OpaquePointer?
    guard git_revwalk_new(&walker, handle) == 0, let walker else { throw GitError.last("cannot walk history") }
    defer { git_revwalk_free(walker) }
    git_revwalk_sorting(walker, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue)
    if firstParent { git_revwalk_simplify_first_parent(walker) }
    for id in range.include {
      var oid = id.gitOID
      guard git_revwalk_push(walker, &oid) == 0 else { throw GitError.last("cannot walk from \(id.short)") }
    }
    for id in range.exclude {
      var oid = id.gitOID
      guard git_revwalk_hide(walker, &oid) == 0 else { throw GitError.last("cannot hide \(id.short)") }
    }
    var oid = git_oid()
    while true {
      let status = git_revwalk_next(&oid, walker)
      if status == GIT_ITEROVER.rawValue { return }
      guard status == 0 else { throw GitError.last("walking \(range.text)") }
      if try !visit(withUnsafePointer(to: &oid) { ObjectID($0) }) { return }
    }
  }

  /// The best common ancestor of two commits, or nil when their histories are unrelated.
  public func mergeBase(_ a: ObjectID, _ b: ObjectID) throws(GitError) -> ObjectID? {
    var one = a.gitOID
    var two = b.gitOID
    var out = git_oid()
    let status = git_merge_base(&out, handle, &one, &two)
    if status == GIT_ENOTFOUND.rawValue { return nil }
    guard status == 0 else { throw GitError.last("cannot find the merge-base of \(a.short) and \(b.short)") }
    return withUnsafePointer(to: &out) { ObjectID($0) }
  }

  public func commit(_ id: ObjectID) throws(GitError) -> CommitInfo {
    let commit = try lookup(id)
    defer { git_commit_free(commit) }
    let author = git_commit_author(commit)!.pointee
    var parents: [ObjectID] = []
    for index in 0..<git_commit_parentcount(commit) {
      parents.append(ObjectID(git_commit_parent_id(commit, index)))
    }
    return CommitInfo(
      id: id, parents: parents, subject: git_commit_summary(commit).map { String(cString: $0) } ?? "",
      authorName: author.name.map { String(cString: $0) } ?? "",
      authorEmail: author.email.map { String(cString: $0) } ?? "", time: author.when.time,
      sizeBudgetReasons: trailers(git_commit_message(commit)), committerTime: git_commit_time(commit))
  }

  /// The first parent, or nil for a root commit.
  public func firstParent(_ id: ObjectID) throws(GitError) -> ObjectID? {
    let commit = try lookup(id)
    defer { git_commit_free(commit) }
    guard git_commit_parentcount(commit) > 0 else { return nil }
    return ObjectID(git_commit_parent_id(commit, 0))
  }

  /// Paths a commit changes against its first parent (everything, for a root commit);
  /// renames count as both their old and new path.
  public func changedPaths(_ id: ObjectID) throws(GitError) -> [String] {
    try changedFiles(id).map(\.path)
  }

  /// Paths that differ between the trees of two commits (a rename counts as its old
  /// and new path): what everything from `old` to `new` changed, in one tree diff.
  public func changedPaths(from old: ObjectID, to new: ObjectID) throws(GitError) -> [String] {
    let oldCommit = try lookup(old)
    defer { git_commit_free(oldCommit) }
    let newCommit = try lookup(new)
    defer { git_commit_free(newCommit) }
    var oldTree: OpaquePointer?
    guard git_commit_tree(&oldTree, oldCommit) == 0 else { throw GitError.last("cannot read the tree of \(old.short)") }
    defer { git_tree_free(oldTree) }
    var newTree: OpaquePointer?
    guard git_commit_tree(&newTree, newCommit) == 0 else { throw GitError.last("cannot read the tree of \(new.short)") }
    defer { git_tree_free(newTree) }
    var diff: OpaquePointer?
    guard git_diff_tree_to_tree(&diff, handle, oldTree, newTree, nil) == 0, let diff else {
      throw GitError.last("cannot diff \(old.short) against \(new.short)")
    }
    defer { git_diff_free(diff) }
    var paths: [String] = []
    for index in 0..<git_diff_num_deltas(diff) {
      let delta = git_diff_get_delta(diff, index)!.pointee
      let new = delta.new_file.path.map { String(cString: $0) }
      let old = delta.old_file.path.map { String(cString: $0) }
      if let new { paths.append(new) }
      if let old, old != new { paths.append(old) }
    }
    return paths
  }

  /// One changed file with the sizes of its blob before and after (0 when absent).
  struct ChangedFile {
    var path: String
    var oldSize: Int64
    var newSize: Int64
  }

  func changedFiles(_ id: ObjectID) throws(GitError) -> [ChangedFile] {
    let commit = try lookup(id)
    defer { git_commit_free(commit) }
    var tree: OpaquePointer?
    guard git_commit_tree(&tree, commit) == 0 else { throw GitError.last("cannot read the tree of \(id.short)") }
    defer { git_tree_free(tree) }
    var parentTree: OpaquePointer? = nil
    if git_commit_parentcount(commit) > 0 {
      var parent: OpaquePointer?
      guard git_commit_parent(&parent, commit, 0) == 0 else {
        throw GitError.last("cannot read the parent of \(id.short)")
      }
      defer { git_commit_free(parent) }
      guard git_commit_tree(&parentTree, parent) == 0 else { throw GitError.last("cannot read a tree") }
    }
    defer { if let parentTree { git_tree_free(parentTree) } }
    var diff: OpaquePointer?
    guard git_diff_tree_to_tree(&diff, handle, parentTree, tree, nil) == 0, let diff else {
      throw GitError.last("cannot diff \(id.short) against its parent")
    }
    defer { git_diff_free(diff) }
    var database: OpaquePointer?
    guard git_repository_odb(&database, handle) == 0, let database else {
      throw GitError.last("cannot open the object database")
    }
    defer { git_odb_free(database) }
    func size(_ file: git_diff_file) -> Int64 {
      var oid = file.id
      guard !git_oid_is_zero(&oid).asBool else { return 0 }
      var length = 0
      var type = GIT_OBJECT_ANY
      return git_odb_read_header(&length, &type, database, &oid) == 0 ? Int64(length) : 0
    }
    var files: [ChangedFile] = []
    for index in 0..<git_diff_num_deltas(diff) {
      let delta = git_diff_get_delta(diff, index)!.pointee
      if let path = delta.new_file.path {
        files.append(
          ChangedFile(path: String(cString: path), oldSize: size(delta.old_file), newSize: size(delta.new_file)))
      }
      if let old = delta.old_file.path, delta.status == GIT_DELTA_RENAMED {
        files.append(ChangedFile(path: String(cString: old), oldSize: 0, newSize: 0))
      }
    }
    return files
  }

  /// Whether `ancestor` is `descendant` or one of its ancestors.
  public func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID) -> Bool {
    if ancestor == descendant { return true }
    var one = descendant.gitOID
    var two = ancestor.gitOID
    return git_graph_descendant_of(handle, &one, &two) == 1
  }

  /// The name HEAD points at (`main`), or nil when detached.
  public func currentBranch() -> String? {
    var reference: OpaquePointer?
    guard git_repository_head(&reference, handle) == 0, let reference else { return nil }
    defer { git_reference_free(reference) }
    guard git_reference_is_branch(reference) == 1, let name = git_reference_shorthand(reference) else { return nil }
    return String(cString: name)
  }

  /// The URL of a remote, or nil.
  public func remoteURL(_ name: String) -> String? {
    var remote: OpaquePointer?
    guard git_remote_lookup(&remote, handle, name) == 0, let remote else { return nil }
    defer { git_remote_free(remote) }
    return git_remote_url(remote).map { String(cString: $0) }
  }

  /// The names of the clone's remotes.
  public func remoteNames() -> [String] {
    var list = git_strarray()
    guard git_remote_list(&list, handle) == 0 else { return [] }
    defer { git_strarray_dispose(&list) }
    return (0..<list.count).compactMap { list.strings[$0].map { String(cString: $0) } }
  }

  /// Whether the object database has this commit (a force-pushed remote value may not be).
  public func contains(_ id: ObjectID) -> Bool {
    guard let commit = try? lookup(id) else { return false }
    git_commit_free(commit)
    return true
  }

  /// The commits the remote-tracking branches of `remote` point at (all remotes when nil).
  public func remoteTrackingTips(remote: String?) -> [ObjectID] {
    referenceTips(matching: "refs/remotes/\(remote ?? "*")/*")
  }

  /// The commits the references matching a glob point at (every reference when nil),
  /// annotated tags peeled to their commits.
  func referenceTips(matching glob: String? = nil) -> [ObjectID] { references(matching: glob).map(\.target) }

  /// The references matching a glob (every reference when nil), with the commits
  /// they point at (annotated tags peeled).
  public func references(matching glob: String? = nil) -> [(name: String, target: ObjectID)] {
    var iterator: OpaquePointer?
    let opened =
      glob.map { git_reference_iterator_glob_new(&iterator, handle, $0) }
      ?? git_reference_iterator_new(&iterator, handle)
    guard opened == 0, let iterator else { return [] }
    defer { git_reference_iterator_free(iterator) }
    var found: [(String, ObjectID)] = []
    var reference: OpaquePointer?
    while git_reference_next(&reference, iterator) == 0, let current = reference {
      defer { git_reference_free(current) }
      var peeled: OpaquePointer?
      if git_reference_peel(&peeled, current, GIT_OBJECT_COMMIT) == 0, let peeled {
        found.append((String(cString: git_reference_name(current)), ObjectID(git_object_id(peeled))))
        git_object_free(peeled)
      }
    }
    return found
  }

  /// Where git runs hooks from: `core.hooksPath` when set (relative to the work tree),
  /// else `.git/hooks`. (libgit2 1.5's hooks item path ignores core.hooksPath.)
  public var hooksDirectory: String? {
    var config: OpaquePointer?
    if git_repository_config_snapshot(&config, handle) == 0, let config {
      defer { git_config_free(config) }
      var value = git_buf()
      defer { git_buf_dispose(&value) }
      if git_config_get_path(&value, config, "core.hooksPath") == 0, let path = value.ptr {
        var text = String(cString: path)
        if !text.hasPrefix("/") { text = (workDirectory ?? commonDirectory) + text }
        return text.hasSuffix("/") ? text : text + "/"
      }
    }
    return commonDirectory + "hooks/"
  }

  private func lookup(_ id: ObjectID) throws(GitError) -> OpaquePointer {
    var oid = id.gitOID
    var commit: OpaquePointer?
    guard git_commit_lookup(&commit, handle, &oid) == 0, let commit else {
      throw GitError("commit \(id.short) is not in this repository (fetch it, or check the oid)")
    }
    return commit
  }

  private func trailers(_ message: UnsafePointer<CChar>?) -> [String] {
    guard let message else { return [] }
    var array = git_message_trailer_array()
    guard git_message_trailers(&array, message) == 0 else { return [] }
    defer { git_message_trailer_array_free(&array) }
    var reasons: [String] = []
    for index in 0..<array.count {
      let trailer = array.trailers[index]
      guard let key = trailer.key, String(cString: key).lowercased() == "size-budget", let value = trailer.value
      else { continue }
      reasons.append(String(cString: value))
    }
    return reasons
  }
}

extension Int32 {
  var asBool: Bool { self != 0 }
}

extension String {
  func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }

  /// The text before and after the first `separator`, or nil when there is none.
  func split(around separator: String) -> (String, String)? {
    let characters = Array(self)
    let pattern = Array(separator)
    guard characters.count >= pattern.count else { return nil }
    for start in 0...(characters.count - pattern.count)
    where Array(characters[start..<start + pattern.count]) == pattern {
      return (String(characters[..<start]), String(characters[(start + pattern.count)...]))
    }
    return nil
  }
}
