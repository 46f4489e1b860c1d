import Analysis
import Budgets
import Foundation
import GitHistory
import Model
import Sharing
import Store

/// `sizebudget sync`: share measurements with the team through git notes
/// (`refs/notes/sizebudget`), and the note every `measure` writes.
public enum Sync {
  public struct Request: Sendable {
    public var remote: String?
    public var push = true
    public var rebuild = false
    public var attempts = 20

    public init() {}
  }

  public static func run(_ request: Request, in context: CommandContext) throws(CommandError) -> String {
    let repository = try context.repository()
    let store = try context.store()
    try refuseShared(store)
    let remote = try remoteName(request.remote, repository)
    var options = NotesSync.Options(remote: remote)
    options.push = request.push
    options.attempts = max(1, request.attempts)
    // A broken or missing budgets.toml must not stop sharing: it only tells which
    // deep paths the notes keep.
    options.keepPaths = keepPaths((try? context.budgetsIfPresent()) ?? nil)
    let sync = NotesSync(repository: repository, store: store)
    do {
      let report = request.rebuild ? try sync.rebuild(options) : try sync.sync(options)
      return describe(report, rebuilt: request.rebuild)
    } catch {
      throw .from(error)
    }
  }

  /// For `measure --sync` and `check --sync`: one line saying what was shared.
  static func share(
    _ repository: Repository, _ store: MeasurementStore, remote: String?, budgets: BudgetFile?
  ) throws(CommandError) -> String {
    try refuseShared(store)
    var options = NotesSync.Options(remote: try remoteName(remote, repository))
    options.keepPaths = keepPaths(budgets)
    do {
      return describe(try NotesSync(repository: repository, store: store).sync(options), rebuilt: false)
    } catch {
      throw .from(error)
    }
  }

  /// Per image, the paths its budget caps (`[image.X.paths]`): notes keep them.
  static func keepPaths(_ budgets: BudgetFile?) -> [String: Set<String>] {
    Dictionary(
      (budgets?.images ?? []).map { ($0.name, Set($0.paths.map(\.path))) }, uniquingKeysWith: { $0.union($1) })
  }

  /// Notes share a clone's SQLite store; a PostgreSQL store is shared already.
  static func refuseShared(_ store: MeasurementStore) throws(CommandError) {
    guard store.isShared else { return }
    throw .usage(
      "the store is PostgreSQL (\(store.path)), which every runner shares already: sync and --sync are for the "
        + "per-clone SQLite store; drop them, or pass --store .git/sizebudget.sqlite to sync a clone's own store")
  }

  /// Writes a new measurement into its commit's note; a failure is reported, not
  /// fatal (the store has the measurement, and the next sync exports it).
  static func record(
    _ measurement: ImageMeasurement, commit: CommitRecord?, keepPaths: Set<String>, repository: Repository?,
    store: MeasurementStore
  ) -> String? {
    guard let repository else { return nil }
    do {
      try NotesSync(repository: repository, store: store).record(measurement, commit: commit, keepPaths: keepPaths)
      return nil
    } catch {
      return
        "warning: the measurement is stored but not in refs/notes/sizebudget yet (\(error.message)); sizebudget sync will add it"
    }
  }

  /// The remote to share with: the one named, else `origin`, else the only remote;
  /// nil (local notes only) when the clone has none.
  static func remoteName(_ requested: String?, _ repository: Repository) throws(CommandError) -> String? {
    if let requested {
      guard repository.remoteURL(requested) != nil || requested.contains("/") || requested.contains(":") else {
        throw .usage(
          "no remote \"\(requested)\" in this clone (git remote -v lists them); give a remote name, a URL or a path")
      }
      return requested
    }
    if repository.remoteURL("origin") != nil { return "origin" }
    let remotes = repository.remoteNames()
    return remotes.count == 1 ? remotes[0] : nil
  }

  static func describe(_ report: NotesSync.Report, rebuilt: Bool) -> String {
    var parts: [String] = []
    if let remote = report.remote.map(NotesSync.shown(remote:)) {
      parts.append(report.fetched ? "fetched \(remote)'s notes" : "\(remote) has no sizebudget notes yet")
    } else {
      parts.append("no remote: local notes only")
    }
    parts.append("\(counted(report.imported, "measurement")) imported")
    parts.append("\(report.exported) exported")
    if let inbox = report.inbox {
      parts.append("left in \(inbox) (the notes ref stayed busy)")
    } else if report.pushed {
      parts.append("pushed" + (report.attempts > 1 ? " (attempt \(report.attempts))" : ""))
    } else if report.remote != nil {
      parts.append("nothing to push")
    }
    if report.foldedInboxes > 0 {
      parts.append("folded \(report.foldedInboxes) inbox \(inflected(report.foldedInboxes, "ref"))")
    }
    var lines = [
      "sizebudget sync: " + parts.joined(separator: ", ")
        + "; refs/notes/sizebudget holds \(report.notes) measured \(inflected(report.notes, "commit"))"
        + (rebuilt ? "; the store was rebuilt from them" : "")
    ]
    lines += report.warnings.prefix(10).map { "warning: \($0)" }
    if report.warnings.count > 10 { lines.append("warning: … and \(report.warnings.count - 10) more notes skipped") }
    return lines.joined(separator: "\n")
  }
}
