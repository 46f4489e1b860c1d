import Analysis
import Foundation
import GitHistory
import Model
import Store

/// Measurements shared through git notes: every measurement is written to the note
/// of its commit under `refs/notes/sizebudget`; `sync` fetches the remote's notes,
/// merges them with the local ones (union per commit and image; the newer
/// measurement wins), imports what is new into the store, exports what the notes
/// lack, and pushes, retrying after a fresh fetch when another runner pushed first.
public final class NotesSync {
  public static let ref = "refs/notes/sizebudget"
  /// Where a writer leaves its notes when its pushes to `ref` were refused
  /// `attempts` times: a ref of its own, which the next sync that gets through folds
  /// into `ref` and deletes.
  public static let inbox = "refs/notes/sizebudget-inbox"

  let repository: Repository
  let store: MeasurementStore
  let transport: GitTransport

  public init(repository: Repository, store: MeasurementStore) {
    self.repository = repository
    self.store = store
    transport = GitTransport(gitDirectory: repository.gitDirectory)
  }

  /// What a sync did, for the command's report.
  public struct Report: Sendable, Equatable {
    public var remote: String?
    /// Whether the remote had notes.
    public var fetched = false
    public var imported = 0
    public var exported = 0
    public var pushed = false
    public var attempts = 0
    /// The inbox ref the notes went to when every push to the notes ref was refused.
    public var inbox: String?
    /// Inbox refs of other writers folded into the notes ref and deleted.
    public var foldedInboxes = 0
    public var notes = 0
    /// Notes that could not be read (not ours, or from a newer sizebudget): skipped.
    public var warnings: [String] = []
  }

  public struct Options: Sendable {
    public var remote: String?
    public var push = true
    /// Push attempts, each after a fresh fetch and merge, before the notes go to an
    /// inbox ref of their own.
    public var attempts = 20
    /// The wait after a refused push: random, up to `maximumWait` after the first
    /// refusal, then shorter (see `wait(afterRejection:)`), never below `minimumWait`.
    public var maximumWait = 0.5
    public var minimumWait = 0.02
    /// Per image, the paths budgets.toml caps: notes keep them however deep (as
    /// `measure` does), so that a clone importing the note can judge those caps.
    public var keepPaths: [String: Set<String>] = [:]

    public init(remote: String?) { self.remote = remote }
  }

  // MARK: Recording one measurement

  /// Writes a measurement into its commit's note (merged with the images already
  /// there), locally; `sync` shares it.
  public func record(_ measurement: ImageMeasurement, commit: CommitRecord?, keepPaths: Set<String>)
    throws(SharingError)
  {
    guard let annotated = ObjectID(hex: measurement.commit) else { return }
    var document = NoteDocument(commit: commit, images: [:])
    try updateLocalRef { tip throws(SharingError) -> ObjectID? in
      let existing = existingNote(annotated, in: tip)
      if case .otherVersion(let message) = existing {
        throw SharingError("\(message); the measurement is in the store only")
      }
      document = existing.document ?? NoteDocument(commit: commit, images: [:])
      if document.commit == nil { document.commit = NoteDocument(commit: commit, images: [:]).commit }
      document.images[measurement.image] = NoteDocument.trimmed(measurement, keepPaths: keepPaths)
      let content = document.encoded()
      return try git { () throws(GitError) in
        try repository.commitNote(content, for: annotated, parent: tip, message: "sizebudget: \(measurement.image)")
      }
    }
    try markShared([(annotated, [measurement.image: measurement.measuredAt], WrittenNote(document))])
  }

  // MARK: Forgetting one measurement

  /// Removes the measurement of `image` taken at `measuredAt` from its commit's note,
  /// leaving a record that it was forgotten (which `sync` shares, so that no clone
  /// brings it back), and from the store.
  public func forget(image: String, commit: String, measuredAt: String) throws(SharingError) {
    guard let annotated = ObjectID(hex: commit) else { return }
    var document = NoteDocument(commit: nil, images: [:])
    try updateLocalRef { tip throws(SharingError) -> ObjectID? in
      let existing = existingNote(annotated, in: tip)
      if case .otherVersion(let message) = existing {
        throw SharingError("\(message); nothing was forgotten")
      }
      document = existing.document ?? NoteDocument(commit: nil, images: [:])
      if document.commit == nil {
        let record = try storeCall { () throws(StoreError) in try store.commits([commit])[commit] }
        document.commit = NoteDocument(commit: record, images: [:]).commit
      }
      document.forget(image, measuredAt: measuredAt)
      return try git { () throws(GitError) in
        try repository.commitNote(
          document.encoded(), for: annotated, parent: tip, message: "sizebudget: forget \(image)")
      }
    }
    // Telling the store about the new note is what removes the measurement from it.
    try markShared([(annotated, [:], WrittenNote(document))])
  }

  // MARK: Sync

  public func sync(_ options: Options) throws(SharingError) -> Report {
    var report = Report(remote: options.remote)
    // What only the store holds goes into the local notes first; the loop below then
    // keeps the time between fetch and push short, because any push by another
    // runner in between means one more round.
    report.exported = try exportUnshared(keepPaths: options.keepPaths)
    while let remote = options.remote {
      report.attempts += 1
      let fetched = try transport.fetch(remote: remote, ref: Self.ref, inbox: Self.inbox) {
        repository.references(matching: $0).map(\.name)
      }
      report.fetched = fetched.main || !fetched.inboxes.isEmpty
      if fetched.main { try mergeRemote(GitTransport.trackingRef(remote), into: &report) }
      for name in fetched.inboxes {
        try mergeRemote(GitTransport.trackingInbox(remote) + "/" + name, into: &report)
      }
      guard options.push, let local = repository.referenceTarget(Self.ref) else { break }
      let upToDate =
        fetched.main && fetched.inboxes.isEmpty && repository.referenceTarget(GitTransport.trackingRef(remote)) == local
      if upToDate { break }
      let merged = fetched.inboxes.map { Self.inbox + "/" + $0 }
      guard case .rejected(let reason) = try transport.push(remote: remote, ref: Self.ref, deleting: merged) else {
        report.pushed = true
        report.foldedInboxes = merged.count
        break
      }
      guard report.attempts < options.attempts else {
        // Leave the notes where no push can race: the next sync that gets through
        // folds them in. Nothing is lost, and this job does not fail.
        let name = Self.inbox + "/" + Self.inboxName()
        try transport.pushInbox(remote: remote, ref: Self.ref, to: name)
        report.pushed = true
        report.inbox = name
        report.warnings.append(
          "the push to \(Self.ref) was refused \(report.attempts) times (git said: \(reason)); the notes went to "
            + "\(name), which the next sync folds in")
        break
      }
      Thread.sleep(forTimeInterval: Self.wait(afterRejection: report.attempts, options))
    }
    report.imported += try importChangedNotes(into: &report)
    report.notes = try storeCall { () throws(StoreError) in try store.sharedCommitCount() }
    return report
  }

  /// A remote as messages may show it: a URL's credentials hidden.
  public static func shown(remote: String) -> String { GitTransport.shown(remote) }

  /// `HOST-PID-RANDOM`, unique per writer.
  static func inboxName() -> String {
    let host = GitTransport.safe(
      ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host")
    return
      "\(host)-\(ProcessInfo.processInfo.processIdentifier)-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
  }

  /// How long to wait after the `attempt`th refused push: random (writers that
  /// collided spread out), and shorter the more often this writer was refused, so
  /// that it gets ahead of writers that just pushed instead of starving behind them
  /// (plain exponential backoff let one of 8 writers need 52 attempts).
  static func wait(afterRejection attempt: Int, _ options: Options) -> Double {
    let ceiling = max(options.minimumWait, options.maximumWait / Double(attempt))
    return Double.random(in: 0...ceiling)
  }

  /// Empties the store and fills it again from the notes (after exporting anything
  /// only the store held, so nothing is lost).
  public func rebuild(_ options: Options) throws(SharingError) -> Report {
    var report = try sync(options)
    try storeCall { () throws(StoreError) in try store.removeAllMeasurements() }
    report.imported = try importChangedNotes(into: &report)
    return report
  }

  // MARK: Merging

  /// Makes the local notes ref the union of itself and `tracking`.
  func mergeRemote(_ tracking: String, into report: inout Report) throws(SharingError) {
    guard let theirs = repository.referenceTarget(tracking) else { return }
    var warnings: [String] = []
    try updateLocalRef { ours throws(SharingError) -> ObjectID? in
      guard let ours else { return theirs }
      if repository.isAncestor(theirs, of: ours) { return nil }
      if repository.isAncestor(ours, of: theirs) { return theirs }
      return try mergedCommit(ours, theirs, warnings: &warnings)
    }
    report.warnings += warnings
  }

  private func mergedCommit(_ ours: ObjectID, _ theirs: ObjectID, warnings: inout [String]) throws(SharingError)
    -> ObjectID
  {
    var merged = try git { () throws(GitError) in try repository.notes(atCommit: ours) }
    let theirNotes = try git { () throws(GitError) in try repository.notes(atCommit: theirs) }
    // Three-way: a note only one side changed since the common notes commit is that
    // side's, whatever it holds. Only notes both sides changed need a decision, so
    // an older sizebudget never turns a newer version's note back.
    let base = try git { () throws(GitError) in try repository.mergeBase(ours, theirs) }
    let baseNotes =
      try base.map { base throws(SharingError) in
        try git { () throws(GitError) in try repository.notes(atCommit: base) }
      } ?? [:]
    for (commit, theirBlob) in theirNotes {
      guard let ourBlob = merged[commit] else {
        merged[commit] = theirBlob
        continue
      }
      if ourBlob == theirBlob || theirBlob == baseNotes[commit] { continue }
      if ourBlob == baseNotes[commit] {
        merged[commit] = theirBlob
        continue
      }
      let our = readNote(commit, ourBlob, warnings: &warnings)
      let their = readNote(commit, theirBlob, warnings: &warnings)
      switch (our, their) {
      case (.document(let our), .document(let their)):
        let document = NoteDocument.merge(our, their)
        merged[commit] = try git { () throws(GitError) in try repository.writeBlob(document.encoded()) }
      default:
        // A note of another version wins over ours (a newer sizebudget merged it
        // knowing both), a readable one over an unreadable one; between two of a
        // kind the larger blob id, so that every machine keeps the same one.
        let ourRank = our.rank
        let theirRank = their.rank
        if theirRank > ourRank || (theirRank == ourRank && theirBlob.hex > ourBlob.hex) { merged[commit] = theirBlob }
      }
    }
    return try git { () throws(GitError) in
      try repository.commitNotes(merged, parents: [ours, theirs], message: "sizebudget sync: merge")
    }
  }

  // MARK: Import and export

  /// Imports the notes added or changed since the last import (a diff of two notes
  /// trees; all of them the first time), in batches of one transaction each; the
  /// last batch records the notes commit imported up to.
  func importChangedNotes(into report: inout Report) throws(SharingError) -> Int {
    guard let tip = repository.referenceTarget(Self.ref) else { return 0 }
    let last = try storeCall { () throws(StoreError) in try store.importedNotesTip() }.flatMap { ObjectID(hex: $0) }
    if last == tip { return 0 }
    let entries = try git { () throws(GitError) in try repository.changedNotes(from: last, to: tip) }
    let known = try storeCall { () throws(StoreError) in try store.sharedNoteBlobs() }
    let changed = entries.filter { known[$0.key.hex] != $0.value.hex }.sorted { $0.key < $1.key }
    var imported = 0
    var batch: [MeasurementStore.SharedNote] = []
    func flush(final: Bool) throws(SharingError) {
      guard !batch.isEmpty || final else { return }
      let notes = batch
      imported += try storeCall { () throws(StoreError) in
        try store.importNotes(
          notes, importedTip: final ? tip.hex : nil, prefers: { NoteDocument.replaces($0, stored: $1) })
      }
      batch.removeAll(keepingCapacity: true)
    }
    var skippedOtherVersions = false
    for (commit, blob) in changed {
      let note = readNote(commit, blob, warnings: &report.warnings)
      if case .otherVersion = note { skippedOtherVersions = true }
      guard let document = note.document else { continue }
      batch.append(Self.sharedNote(commit, blob, document))
      if batch.count == 500 { try flush(final: false) }
    }
    // Past a note this version cannot read, the position stays where it was, so that
    // an upgraded sizebudget imports it on its next sync (without --rebuild).
    if skippedOtherVersions {
      try flush(final: false)
    } else {
      try flush(final: true)
    }
    return imported
  }

  static func sharedNote(_ commit: ObjectID, _ blob: ObjectID, _ document: NoteDocument) -> MeasurementStore.SharedNote
  {
    let measurements = document.images.map { image, measurement in
      var m = measurement
      m.image = image
      m.commit = commit.hex
      return m
    }
    return .init(
      commit: commit.hex, blob: blob.hex, commitRecord: document.commitRecord(oid: commit.hex),
      measurements: measurements.sorted { $0.image < $1.image }, forgotten: document.forgotten ?? [:])
  }

  /// Writes into the notes the store's measurements that the notes lack or hold older.
  /// A few are added note by note; many (a first sync of an old store) in one new tree.
  func exportUnshared(keepPaths: [String: Set<String>] = [:]) throws(SharingError) -> Int {
    let pending = try storeCall { () throws(StoreError) in try store.unsharedMeasurements() }
    guard !pending.isEmpty else { return 0 }
    var byCommit: [String: [String]] = [:]
    for (commit, image) in pending { byCommit[commit, default: []].append(image) }
    let noteByNote = byCommit.count <= 50
    var written: [(commit: ObjectID, measuredAt: [String: String], written: WrittenNote?)] = []
    try updateLocalRef { tip throws(SharingError) -> ObjectID? in
      written = []
      var head = tip
      var entries: [ObjectID: ObjectID] = [:]
      if !noteByNote, let tip { entries = try git { () throws(GitError) in try repository.notes(atCommit: tip) } }
      for (commit, images) in byCommit.sorted(by: { $0.key < $1.key }) {
        guard let annotated = ObjectID(hex: commit) else { continue }
        let existing = existingNote(annotated, in: head)
        // Another version's note is left as it is; the measurement stays in the store.
        if case .otherVersion = existing { continue }
        guard
          let exportable = try exportedNote(
            annotated, images: images, existing: existing.document, keepPaths: keepPaths)
        else {
          // The note is newer: nothing to write, and markShared imports it.
          written.append((annotated, [:], nil))
          continue
        }
        var (document, exported) = exportable
        if document.commit == nil {
          let record = try storeCall { () throws(StoreError) in try store.commits([commit])[commit] }
          document.commit = NoteDocument(commit: record, images: [:]).commit
        }
        let content = document.encoded()
        if noteByNote {
          head = try git { () throws(GitError) in
            try repository.commitNote(content, for: annotated, parent: head, message: "sizebudget: export")
          }
        } else {
          entries[annotated] = try git { () throws(GitError) in try repository.writeBlob(content) }
        }
        written.append((annotated, exported, WrittenNote(document, content: content)))
      }
      if noteByNote { return head }
      return try git { () throws(GitError) in
        try repository.commitNotes(
          entries, parents: tip.map { [$0] } ?? [], message: "sizebudget: \(pending.count) measurements")
      }
    }
    try markShared(written)
    return written.reduce(0) { $0 + $1.measuredAt.count }
  }

  /// The note of a commit with the store's measurements of `images` put in, where
  /// they are newer than what the note holds; nil when the note is newer in all of
  /// them (nothing to write: the import takes the note's into the store).
  private func exportedNote(
    _ commit: ObjectID, images: [String], existing: NoteDocument?, keepPaths: [String: Set<String>]
  ) throws(SharingError) -> (NoteDocument, exported: [String: String])? {
    var document = existing ?? NoteDocument(commit: nil, images: [:])
    var exported: [String: String] = [:]
    for image in images {
      guard
        let local = try storeCall({ () throws(StoreError) in try store.measurement(image: image, commit: commit.hex) })
      else { continue }
      // Forgotten in the note (by another clone): the import drops it from the store.
      if document.forgets(image, measuredAt: local.measuredAt) { continue }
      let candidate = NoteDocument.trimmed(local, keepPaths: keepPaths[image] ?? [])
      if let current = document.images[image] {
        guard NoteDocument.prefers(candidate, over: current) else { continue }
        document.images[image] = NoteDocument.met(candidate, other: current)
      } else {
        document.images[image] = candidate
      }
      exported[image] = candidate.measuredAt
    }
    return exported.isEmpty ? nil : (document, exported)
  }

  /// Tells the store what the notes of these commits now hold, importing whatever
  /// in them is newer than the store's (a note may carry another machine's newer
  /// measurement of an image next to ours). Marking them known without that would
  /// leave the store behind the note for good.
  private func markShared(_ written: [(commit: ObjectID, measuredAt: [String: String], written: WrittenNote?)])
    throws(SharingError)
  {
    guard let tip = repository.referenceTarget(Self.ref) else { return }
    var notes: [MeasurementStore.SharedNote] = []
    for (commit, measuredAt, written) in written {
      guard let blob = repository.noteBlob(atCommit: tip, for: commit) else { continue }
      // The document this process wrote, unless another writer changed the note since.
      var ignored: [String] = []
      let document =
        written.flatMap { $0.blob == blob ? $0.document : nil } ?? readNote(commit, blob, warnings: &ignored).document
      guard let document else { continue }
      var note = Self.sharedNote(commit, blob, document)
      // What this process just wrote is the store's own, unless another writer
      // replaced it in between (then it is compared like any import).
      note.fromStore = Set(note.measurements.filter { measuredAt[$0.image] == $0.measuredAt }.map(\.image))
      notes.append(note)
    }
    guard !notes.isEmpty else { return }
    _ = try storeCall { () throws(StoreError) in
      try store.importNotes(notes, prefers: { NoteDocument.replaces($0, stored: $1) })
    }
  }

  // MARK: Helpers

  /// A note this process wrote, with the id of its blob, so that telling the store
  /// about it needs no read of the blob back (20,000 of them in a first sync).
  struct WrittenNote {
    var document: NoteDocument
    var blob: ObjectID?

    init(_ document: NoteDocument, content: [UInt8]? = nil) {
      self.document = document
      self.blob = Repository.blobID(of: content ?? document.encoded())
    }
  }

  /// Moves the local notes ref to what `change` makes of its current tip (nil: leave
  /// it), again from the new tip whenever another process moved it in between.
  private func updateLocalRef(_ change: (ObjectID?) throws(SharingError) -> ObjectID?) throws(SharingError) {
    for _ in 0..<100 {
      let tip = repository.referenceTarget(Self.ref)
      guard let next = try change(tip), next != tip else { return }
      let moved = try git { () throws(GitError) in
        try repository.updateReference(Self.ref, to: next, expecting: tip, message: "sizebudget")
      }
      if moved { return }
    }
    throw SharingError("\(Self.ref) kept changing under this process (100 tries): run the command again")
  }

  private func existingNote(_ commit: ObjectID, in tip: ObjectID?) -> ReadNote {
    guard let tip, let blob = repository.noteBlob(atCommit: tip, for: commit) else { return .none }
    var ignored: [String] = []
    return readNote(commit, blob, warnings: &ignored)
  }

  /// A note as read: ours, another version's (kept as it is), or not ours at all
  /// (may be replaced).
  enum ReadNote {
    case none
    case document(NoteDocument)
    case otherVersion(String)
    case unreadable

    var document: NoteDocument? {
      if case .document(let document) = self { return document }
      return nil
    }

    /// Which of two different notes of a commit a merge keeps.
    var rank: Int {
      switch self {
      case .none, .unreadable: 0
      case .document: 1
      case .otherVersion: 2
      }
    }
  }

  private func readNote(_ commit: ObjectID, _ blob: ObjectID, warnings: inout [String]) -> ReadNote {
    let bytes: [UInt8]
    do {
      bytes = try repository.blob(blob)
    } catch {
      warnings.append("the note of commit \(commit.hex.prefix(12)) cannot be read: \(error)")
      return .unreadable
    }
    do {
      return .document(try NoteDocument.decode(bytes, commit: commit.hex))
    } catch {
      warnings.append(error.message)
      return NoteDocument.isOtherVersion(NoteDocument.schema(of: bytes)) ? .otherVersion(error.message) : .unreadable
    }
  }

  private func git<T>(_ body: () throws(GitError) -> T) throws(SharingError) -> T {
    do { return try body() } catch { throw SharingError(error.message) }
  }

  private func storeCall<T>(_ body: () throws(StoreError) -> T) throws(SharingError) -> T {
    do { return try body() } catch { throw SharingError(error.message) }
  }
}
