import CGit2
import Foundation

/// One file that differs between two commits' trees, with its blobs and their sizes
/// as the object database's headers give them (no blob is read for its size).
public struct BlobChange: Sendable, Equatable {
  public var path: String
  /// nil when the file is added.
  public var oldBlob: ObjectID?
  /// nil when the file is deleted.
  public var newBlob: ObjectID?
  public var oldSize: Int64
  public var newSize: Int64

  public init(path: String, oldBlob: ObjectID?, newBlob: ObjectID?, oldSize: Int64, newSize: Int64) {
    self.path = path
    self.oldBlob = oldBlob
    self.newBlob = newBlob
    self.oldSize = oldSize
    self.newSize = newSize
  }
}

extension Repository {
  /// The files that differ between the trees of `from` and `to` (what `git diff
  /// --stat from to` lists), renames as a deletion and an addition. Sizes come from
  /// object headers: a packed blob's header is read without inflating its contents.
  public func blobChanges(from: ObjectID, to: ObjectID) throws(GitError) -> [BlobChange] {
    let oldTree = try tree(of: from)
    defer { git_tree_free(oldTree) }
    let newTree = try tree(of: to)
    defer { git_tree_free(newTree) }
    var diff: OpaquePointer?
    guard git_diff_tree_to_tree(&diff, handle, oldTree, newTree, nil) == 0, let diff else {
      throw GitError.last("cannot diff \(from.short) against \(to.short)")
    }
    defer { git_diff_free(diff) }
    var database: OpaquePointer?
    guard git_repository_odb(&database, handle) == 0, let database else {
      throw GitError.last("cannot open the object database")
    }
    defer { git_odb_free(database) }
    func blob(_ file: git_diff_file) -> (ObjectID?, Int64) {
      var oid = file.id
      guard !git_oid_is_zero(&oid).asBool else { return (nil, 0) }
      var length = 0
      var type = GIT_OBJECT_ANY
      let size = git_odb_read_header(&length, &type, database, &oid) == 0 ? Int64(length) : Int64(file.size)
      return (withUnsafePointer(to: &oid) { ObjectID($0) }, size)
    }
    var changes: [BlobChange] = []
    for index in 0..<git_diff_num_deltas(diff) {
      let delta = git_diff_get_delta(diff, index)!.pointee
      // Submodules (commits) and symbolic links carry no file bytes into an image.
      let (old, oldSize) = isFile(delta.old_file) ? blob(delta.old_file) : (nil, 0)
      let (new, newSize) = isFile(delta.new_file) ? blob(delta.new_file) : (nil, 0)
      guard old != nil || new != nil, let path = (delta.new_file.path ?? delta.old_file.path) else { continue }
      changes.append(
        BlobChange(path: String(cString: path), oldBlob: old, newBlob: new, oldSize: oldSize, newSize: newSize))
    }
    return changes
  }

  /// The bytes of a blob, or nil when it is larger than `limit` (lockfiles and
  /// Dockerfiles are read; a model file never is).
  public func blobBytes(_ id: ObjectID, limit: Int) throws(GitError) -> [UInt8]? {
    var oid = id.gitOID
    var blob: OpaquePointer?
    guard git_blob_lookup(&blob, handle, &oid) == 0, let blob else {
      throw GitError.last("cannot read blob \(id.short)")
    }
    defer { git_blob_free(blob) }
    let size = Int(git_blob_rawsize(blob))
    guard size <= limit else { return nil }
    guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
    return Array(UnsafeRawBufferPointer(start: raw, count: size))
  }

  /// The blob at `path` in a commit's tree, or nil when there is no file there.
  public func blob(at path: String, in commit: ObjectID) throws(GitError) -> ObjectID? {
    let root = try tree(of: commit)
    defer { git_tree_free(root) }
    var entry: OpaquePointer?
    guard git_tree_entry_bypath(&entry, root, path) == 0, let entry else { return nil }
    defer { git_tree_entry_free(entry) }
    guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
    return ObjectID(git_tree_entry_id(entry))
  }

  private func isFile(_ file: git_diff_file) -> Bool {
    let mode = UInt32(file.mode)
    return mode == GIT_FILEMODE_BLOB.rawValue || mode == GIT_FILEMODE_BLOB_EXECUTABLE.rawValue
  }

  private func tree(of commitID: ObjectID) throws(GitError) -> OpaquePointer {
    var oid = commitID.gitOID
    var commit: OpaquePointer?
    guard git_commit_lookup(&commit, handle, &oid) == 0, let commit else {
      throw GitError("commit \(commitID.short) is not in this repository (fetch it, or check the oid)")
    }
    defer { git_commit_free(commit) }
    var tree: OpaquePointer?
    guard git_commit_tree(&tree, commit) == 0, let tree else {
      throw GitError.last("cannot read the tree of \(commitID.short)")
    }
    return tree
  }
}
