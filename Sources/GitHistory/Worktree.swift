import CGit2
import SystemCalls

/// A temporary linked worktree of one commit, for building it (bisect). It holds a
/// branch of its own (`sizebudget/bisect-…`) because libgit2 checks worktrees out from
/// a reference; both go away in `remove()`.
public final class TemporaryWorktree {
  public let path: String
  public let name: String
  let branch: String
  private let repository: Repository
  private var removed = false

  /// Checks `commit` out into `path` (which must not exist yet).
  public init(_ repository: Repository, commit: ObjectID, path: String) throws(GitError) {
    self.repository = repository
    self.path = path
    name = "sizebudget-\(commit.short)-\(getpid())"
    branch = "sizebudget/bisect-\(commit.short)-\(getpid())"
    var target: OpaquePointer?
    var oid = commit.gitOID
    guard git_commit_lookup(&target, repository.handle, &oid) == 0, let target else {
      throw GitError("commit \(commit.short) is not in this repository")
    }
    defer { git_commit_free(target) }
    var reference: OpaquePointer?
    guard git_branch_create(&reference, repository.handle, branch, target, 1) == 0, let reference else {
      throw GitError.last("cannot create the temporary branch \(branch)")
    }
    defer { git_reference_free(reference) }
    var options = git_worktree_add_options()
    git_worktree_add_options_init(&options, UInt32(GIT_WORKTREE_ADD_OPTIONS_VERSION))
    options.ref = reference
    var worktree: OpaquePointer?
    guard git_worktree_add(&worktree, repository.handle, name, path, &options) == 0 else {
      let error = GitError.last("cannot make a worktree of \(commit.short) at \(path)")
      deleteBranch()
      throw error
    }
    git_worktree_free(worktree)
  }

  deinit { remove() }

  /// Removes the working tree, its administrative files and its branch. Safe to call
  /// twice, and from a signal handler's queue.
  public func remove() {
    guard !removed else { return }
    removed = true
    var worktree: OpaquePointer?
    if git_worktree_lookup(&worktree, repository.handle, name) == 0, let worktree {
      var options = git_worktree_prune_options()
      git_worktree_prune_options_init(&options, UInt32(GIT_WORKTREE_PRUNE_OPTIONS_VERSION))
      options.flags =
        GIT_WORKTREE_PRUNE_VALID.rawValue | GIT_WORKTREE_PRUNE_LOCKED.rawValue
        | GIT_WORKTREE_PRUNE_WORKING_TREE.rawValue
      git_worktree_prune(worktree, &options)
      git_worktree_free(worktree)
    }
    deleteBranch()
  }

  private func deleteBranch() {
    var reference: OpaquePointer?
    if git_branch_lookup(&reference, repository.handle, branch, GIT_BRANCH_LOCAL) == 0, let reference {
      git_branch_delete(reference)
      git_reference_free(reference)
    }
  }
}

/// How a commit touches an image's context: which of its changed paths are in it and
/// how many bytes of blobs it adds there (a hint of how much it can grow the image).
public struct ContextChange: Sendable, Equatable {
  public var paths: [String]
  public var addedBytes: Int64
  public var touches: Bool { !paths.isEmpty }
}

extension Repository {
  /// The paths of `commit` (against its first parent) inside `context` (repository
  /// paths: a directory with a trailing `/`, or a file). An empty context means the
  /// whole repository.
  public func contextChange(_ commit: ObjectID, context: [String]) throws(GitError) -> ContextChange {
    let changes = try changedFiles(commit)
    var paths: [String] = []
    var added: Int64 = 0
    for change in changes where Self.inContext(change.path, context) {
      paths.append(change.path)
      added += max(0, change.newSize - change.oldSize)
    }
    return ContextChange(paths: paths, addedBytes: added)
  }

  /// The paths changed from `old` to `new` that are inside `context` (empty: the
  /// whole repository).
  public func contextChanges(from old: ObjectID, to new: ObjectID, context: [String]) throws(GitError) -> [String] {
    try changedPaths(from: old, to: new).filter { Self.inContext($0, context) }
  }

  static func inContext(_ path: String, _ context: [String]) -> Bool {
    if context.isEmpty { return true }
    return context.contains { entry in
      if entry.hasSuffix("/") { return path.hasPrefix(entry) }
      return path == entry || path.hasPrefix(entry + "/")
    }
  }
}

extension Repository {
  /// The work tree's uncommitted changes inside `context` (staged, unstaged and
  /// untracked files, ignored ones aside): what an image built from the work tree has
  /// and HEAD does not. Empty outside a work tree.
  public func uncommittedChanges(in context: [String]) -> [String] {
    var options = git_status_options()
    guard git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION)) == 0 else { return [] }
    options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
    options.flags =
      GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
      | GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
    var list: OpaquePointer?
    guard git_status_list_new(&list, handle, &options) == 0, let list else { return [] }
    defer { git_status_list_free(list) }
    var paths: [String] = []
    for index in 0..<git_status_list_entrycount(list) {
      guard let entry = git_status_byindex(list, index)?.pointee else { continue }
      let delta = entry.index_to_workdir ?? entry.head_to_index
      guard let delta, let path = delta.pointee.new_file.path ?? delta.pointee.old_file.path else { continue }
      let name = String(cString: path)
      if Self.inContext(name, context) { paths.append(name) }
    }
    return paths
  }
}
