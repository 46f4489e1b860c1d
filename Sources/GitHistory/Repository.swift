import CGit2
import CGit2Startup

/// libgit2 is initialised once per process, before the first repository opens.
private let libgit2Initialised: Bool = {
  sizebudget_libgit2_init()
  return true
}()

/// A problem with the repository or a revision, in words a user can act on.
public struct GitError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }

  /// libgit2's last error, copied at once (the next call may overwrite it).
  static func last(_ context: String) -> GitError {
    let detail = git_error_last().flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "unknown error"
    return GitError("\(context): \(detail)")
  }
}

/// A git repository opened with libgit2. One handle per thread: libgit2 objects are
/// not shared across threads.
public final class Repository {
  let handle: OpaquePointer
  /// The work tree's top directory (nil for a bare repository).
  public let workDirectory: String?
  /// The `.git` directory (for a worktree, its own git directory).
  public let gitDirectory: String

  /// Opens the repository that contains `path`, walking up as git does.
  public init(discovering path: String) throws(GitError) {
    _ = libgit2Initialised
    var found = git_buf()
    defer { git_buf_dispose(&found) }
    guard git_repository_discover(&found, path, 0, nil) == 0 else {
      throw GitError(
        "\(path) is not inside a git repository (run sizebudget from a clone, or pass --commit and --store)")
    }
    var handle: OpaquePointer?
    guard git_repository_open(&handle, found.ptr) == 0, let handle else {
      throw GitError.last("cannot open the repository at \(String(cString: found.ptr))")
    }
    self.handle = handle
    self.gitDirectory = String(cString: git_repository_path(handle))
    self.workDirectory = git_repository_workdir(handle).map { String(cString: $0) }
  }

  deinit { git_repository_free(handle) }

  /// The full object id of the commit a revision names (`HEAD`, `main~3`, a tag, a
  /// short oid). Errors name the revision.
  public func resolveCommit(_ revision: String) throws(GitError) -> String {
    var object: OpaquePointer?
    guard git_revparse_single(&object, handle, revision) == 0, let object else {
      if revision == "HEAD" && git_repository_head_unborn(handle) == 1 {
        throw GitError("HEAD has no commit yet: commit something first, or pass --commit")
      }
      throw GitError(
        "revision \"\(revision)\" does not resolve to anything in this repository: check the name (git log --oneline shows commits)"
      )
    }
    defer { git_object_free(object) }
    var commit: OpaquePointer?
    guard git_object_peel(&commit, object, GIT_OBJECT_COMMIT) == 0, let commit else {
      throw GitError("revision \"\(revision)\" does not name a commit")
    }
    defer { git_object_free(commit) }
    return Self.hex(git_object_id(commit))
  }

  /// The bytes of `path` (relative to the root) as committed in `commit`; nil when
  /// the commit has no such file. A file read from the commit, not the work tree,
  /// is the one the commit's image was built from.
  public func file(_ path: String, at commit: ObjectID) throws(GitError) -> [UInt8]? {
    var oid = commit.gitOID
    var commitHandle: OpaquePointer?
    guard git_commit_lookup(&commitHandle, handle, &oid) == 0, let commitHandle else {
      throw GitError.last("cannot read commit \(commit.hex.prefix(12))")
    }
    defer { git_commit_free(commitHandle) }
    var tree: OpaquePointer?
    guard git_commit_tree(&tree, commitHandle) == 0, let tree else {
      throw GitError.last("cannot read the tree of \(commit.hex.prefix(12))")
    }
    defer { git_tree_free(tree) }
    var entry: OpaquePointer?
    guard git_tree_entry_bypath(&entry, tree, path) == 0, let entry else { return nil }
    defer { git_tree_entry_free(entry) }
    guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB, let id = git_tree_entry_id(entry) else { return nil }
    return try blob(ObjectID(id))
  }

  static func hex(_ oid: UnsafePointer<git_oid>) -> String {
    var buffer = [CChar](repeating: 0, count: Int(GIT_OID_HEXSZ) + 1)
    return buffer.withUnsafeMutableBufferPointer { String(cString: git_oid_tostr($0.baseAddress, $0.count, oid)) }
  }
}
