import CGit2

/// Git notes through libgit2: one blob per annotated commit, kept in a tree that a
/// notes ref (`refs/notes/sizebudget`) points to through a chain of notes commits.
/// Every write makes a new notes commit and moves the ref with compare-and-swap, so
/// two writers in one clone never lose each other's notes.
extension Repository {
  /// Where a ref points, or nil when it does not exist.
  public func referenceTarget(_ name: String) -> ObjectID? {
    var oid = git_oid()
    guard git_reference_name_to_id(&oid, handle, name) == 0 else { return nil }
    return withUnsafePointer(to: &oid) { ObjectID($0) }
  }

  /// Points `name` at `target` if it still points at `expected` (nil: does not exist
  /// yet). Returns false when another writer moved it first.
  public func updateReference(_ name: String, to target: ObjectID, expecting expected: ObjectID?, message: String)
    throws(GitError) -> Bool
  {
    var new = target.gitOID
    var reference: OpaquePointer?
    let status: Int32
    if var old = expected?.gitOID {
      status = git_reference_create_matching(&reference, handle, name, &new, 1, &old, message)
    } else {
      status = git_reference_create(&reference, handle, name, &new, 0, message)
    }
    git_reference_free(reference)
    if status == GIT_EMODIFIED.rawValue || status == GIT_EEXISTS.rawValue || status == GIT_ELOCKED.rawValue {
      return false
    }
    guard status == 0 else { throw GitError.last("cannot update \(name)") }
    return true
  }

  /// Every note of a notes commit: annotated commit → note blob.
  public func notes(atCommit notesCommit: ObjectID) throws(GitError) -> [ObjectID: ObjectID] {
    let commit = try lookupCommit(notesCommit)
    defer { git_commit_free(commit) }
    var iterator: OpaquePointer?
    guard git_note_commit_iterator_new(&iterator, commit) == 0, let iterator else {
      throw GitError.last("cannot read the notes of \(notesCommit.hex.prefix(12))")
    }
    defer { git_note_iterator_free(iterator) }
    var entries: [ObjectID: ObjectID] = [:]
    var blob = git_oid()
    var annotated = git_oid()
    while true {
      let status = git_note_next(&blob, &annotated, iterator)
      if status == GIT_ITEROVER.rawValue { break }
      guard status == 0 else { throw GitError.last("cannot read the notes of \(notesCommit.hex.prefix(12))") }
      entries[withUnsafePointer(to: &annotated) { ObjectID($0) }] = withUnsafePointer(to: &blob) { ObjectID($0) }
    }
    return entries
  }

  /// The blob of `commit`'s note in a notes commit, if it has one (a direct look-up,
  /// not a walk of every note).
  public func noteBlob(atCommit notesCommit: ObjectID, for commit: ObjectID) -> ObjectID? {
    guard let notes = try? lookupCommit(notesCommit) else { return nil }
    defer { git_commit_free(notes) }
    var oid = commit.gitOID
    var note: OpaquePointer?
    guard git_note_commit_read(&note, handle, notes, &oid) == 0, let note else { return nil }
    defer { git_note_free(note) }
    return git_note_id(note).map { ObjectID($0) }
  }

  /// The notes added or changed from one notes commit to another (`from` nil: every
  /// note of `to`): annotated commit → blob. Read by diffing the two trees, so a
  /// sync of a history of 20,000 measured commits reads only what is new.
  public func changedNotes(from old: ObjectID?, to new: ObjectID) throws(GitError) -> [ObjectID: ObjectID] {
    guard let old, old != new, (try? lookupCommit(old)).map({ git_commit_free($0) }) != nil else {
      return old == new ? [:] : try notes(atCommit: new)
    }
    let oldTree = try tree(of: old)
    defer { git_tree_free(oldTree) }
    let newTree = try tree(of: new)
    defer { git_tree_free(newTree) }
    var diff: OpaquePointer?
    guard git_diff_tree_to_tree(&diff, handle, oldTree, newTree, nil) == 0, let diff else {
      throw GitError.last("cannot compare the notes of \(old.hex.prefix(12)) and \(new.hex.prefix(12))")
    }
    defer { git_diff_free(diff) }
    var changed: [ObjectID: ObjectID] = [:]
    for index in 0..<git_diff_num_deltas(diff) {
      let delta = git_diff_get_delta(diff, index)!.pointee
      guard delta.status != GIT_DELTA_DELETED, let path = delta.new_file.path else { continue }
      // `ab/cdef…` in a fanned-out tree, `abcdef…` in a flat one.
      guard let annotated = ObjectID(hex: String(cString: path).filter { $0 != "/" }) else {
        continue
      }
      var blob = delta.new_file.id
      changed[annotated] = withUnsafePointer(to: &blob) { ObjectID($0) }
    }
    return changed
  }

  private func tree(of commitID: ObjectID) throws(GitError) -> OpaquePointer {
    let commit = try lookupCommit(commitID)
    defer { git_commit_free(commit) }
    var tree: OpaquePointer?
    guard git_commit_tree(&tree, commit) == 0, let tree else { throw GitError.last("cannot read a notes tree") }
    return tree
  }

  /// The note of `commit` under `ref`, if any.
  public func note(ref: String, for commit: ObjectID) -> [UInt8]? {
    var oid = commit.gitOID
    var note: OpaquePointer?
    guard git_note_read(&note, handle, ref, &oid) == 0, let note else { return nil }
    defer { git_note_free(note) }
    guard let blobID = git_note_id(note) else { return nil }
    return try? blob(ObjectID(blobID))
  }

  public func blob(_ id: ObjectID) throws(GitError) -> [UInt8] {
    var oid = id.gitOID
    var blob: OpaquePointer?
    guard git_blob_lookup(&blob, handle, &oid) == 0, let blob else {
      throw GitError.last("cannot read blob \(id.hex.prefix(12))")
    }
    defer { git_blob_free(blob) }
    let size = Int(git_blob_rawsize(blob))
    guard size > 0, let content = git_blob_rawcontent(blob) else { return [] }
    return [UInt8](UnsafeRawBufferPointer(start: content, count: size))
  }

  /// The id `bytes` have as a blob, without writing it.
  public static func blobID(of bytes: [UInt8]) -> ObjectID? {
    var oid = git_oid()
    let status = bytes.withUnsafeBytes { git_odb_hash(&oid, $0.baseAddress, $0.count, GIT_OBJECT_BLOB) }
    guard status == 0 else { return nil }
    return withUnsafePointer(to: &oid) { ObjectID($0) }
  }

  public func writeBlob(_ bytes: [UInt8]) throws(GitError) -> ObjectID {
    var oid = git_oid()
    let status = bytes.withUnsafeBytes { git_blob_create_from_buffer(&oid, handle, $0.baseAddress, $0.count) }
    guard status == 0 else { throw GitError.last("cannot write a blob") }
    return withUnsafePointer(to: &oid) { ObjectID($0) }
  }

  /// A notes commit whose tree holds exactly `entries` (annotated commit → blob),
  /// laid out as git does: flat up to 256 notes, else fanned out by the first two hex
  /// digits (`ab/cdef…`). The ref is not moved.
  public func commitNotes(_ entries: [ObjectID: ObjectID], parents: [ObjectID], message: String)
    throws(GitError) -> ObjectID
  {
    let tree = try writeNotesTree(entries)
    return try createCommit(tree: tree, parents: parents, message: message)
  }

  /// Adds or replaces one note on top of `parent` (nil: the first notes commit),
  /// returning the new notes commit; the ref is not moved.
  public func commitNote(_ content: [UInt8], for commit: ObjectID, parent: ObjectID?, message: String)
    throws(GitError) -> ObjectID
  {
    let parentCommit = try parent.map { id throws(GitError) in try lookupCommit(id) }
    defer { if let parentCommit { git_commit_free(parentCommit) } }
    let signature = try notesSignature()
    defer { git_signature_free(signature) }
    var annotated = commit.gitOID
    var created = git_oid()
    // git_note_commit_create takes a C string: notes here are JSON, which has no NUL.
    let text = String(decoding: content, as: UTF8.self)
    guard git_note_commit_create(&created, nil, handle, parentCommit, signature, signature, &annotated, text, 1) == 0
    else {
      throw GitError.last("cannot write the note of \(commit.hex.prefix(12))")
    }
    return withUnsafePointer(to: &created) { ObjectID($0) }
  }

  // MARK: Internals

  private func lookupCommit(_ id: ObjectID) throws(GitError) -> OpaquePointer {
    var oid = id.gitOID
    var commit: OpaquePointer?
    guard git_commit_lookup(&commit, handle, &oid) == 0, let commit else {
      throw GitError.last("cannot read commit \(id.hex.prefix(12))")
    }
    return commit
  }

  private func writeNotesTree(_ entries: [ObjectID: ObjectID]) throws(GitError) -> ObjectID {
    if entries.count <= 256 {
      return try writeTree(entries.map { ($0.key.hex, $0.value, GIT_FILEMODE_BLOB) })
    }
    var fanned: [String: [(String, ObjectID, git_filemode_t)]] = [:]
    for (commit, blob) in entries {
      let hex = commit.hex
      fanned[String(hex.prefix(2)), default: []].append((String(hex.dropFirst(2)), blob, GIT_FILEMODE_BLOB))
    }
    var subtrees: [(String, ObjectID, git_filemode_t)] = []
    for (prefix, children) in fanned { subtrees.append((prefix, try writeTree(children), GIT_FILEMODE_TREE)) }
    return try writeTree(subtrees)
  }

  private func writeTree(_ entries: [(String, ObjectID, git_filemode_t)]) throws(GitError) -> ObjectID {
    var builder: OpaquePointer?
    guard git_treebuilder_new(&builder, handle, nil) == 0, let builder else {
      throw GitError.last("cannot build a notes tree")
    }
    defer { git_treebuilder_free(builder) }
    for (name, id, mode) in entries {
      var oid = id.gitOID
      guard git_treebuilder_insert(nil, builder, name, &oid, mode) == 0 else {
        throw GitError.last("cannot build a notes tree")
      }
    }
    var tree = git_oid()
    guard git_treebuilder_write(&tree, builder) == 0 else { throw GitError.last("cannot write a notes tree") }
    return withUnsafePointer(to: &tree) { ObjectID($0) }
  }

  private func createCommit(tree: ObjectID, parents: [ObjectID], message: String) throws(GitError) -> ObjectID {
    var treeOID = tree.gitOID
    var treeObject: OpaquePointer?
    guard git_tree_lookup(&treeObject, handle, &treeOID) == 0, let treeObject else {
      throw GitError.last("cannot read the notes tree")
    }
    defer { git_tree_free(treeObject) }
    var parentCommits: [OpaquePointer?] = []
    defer { for parent in parentCommits { git_commit_free(parent) } }
    for parent in parents { parentCommits.append(try lookupCommit(parent)) }
    let signature = try notesSignature()
    defer { git_signature_free(signature) }
    var created = git_oid()
    let status = parentCommits.withUnsafeMutableBufferPointer { buffer in
      buffer.baseAddress!.withMemoryRebound(to: OpaquePointer?.self, capacity: buffer.count) { pointer in
        git_commit_create(
          &created, handle, nil, signature, signature, nil, message, treeObject, buffer.count,
          UnsafeMutablePointer(mutating: pointer))
      }
    }
    guard status == 0 else { throw GitError.last("cannot write a notes commit") }
    return withUnsafePointer(to: &created) { ObjectID($0) }
  }

  /// The user's identity when git knows it, else a fixed one (CI runners often have
  /// no user.name).
  private func notesSignature() throws(GitError) -> UnsafeMutablePointer<git_signature> {
    var signature: UnsafeMutablePointer<git_signature>?
    if git_signature_default(&signature, handle) == 0, let signature { return signature }
    guard git_signature_now(&signature, "sizebudget", "sizebudget@localhost") == 0, let signature else {
      throw GitError.last("cannot make a signature for the notes commit")
    }
    return signature
  }
}
