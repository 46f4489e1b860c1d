import GitHistory
import Sharing
import Store

/// `sizebudget forget [REV] --image NAME`: removes one measurement (a typo's, a
/// broken build's) from the store and from its commit's note. The note keeps a record
/// of the removal, so the next `sync` shares it and no clone brings it back.
public enum Forget {
  public static func run(revision: String?, image: String?, in context: CommandContext) throws(CommandError)
    -> String
  {
    let image = try context.knownImage(image)
    let commit = try context.resolveCommit(revision)
    let store = try context.store()
    let measuredAt: String?
    do {
      measuredAt = try store.measuredAt(image: image, commit: commit)
    } catch {
      throw .from(error)
    }
    guard let measuredAt else {
      throw CommandError(
        .missingMeasurement,
        "\(image) has no measurement at \(revision ?? "HEAD") (\(commit.prefix(12))): nothing to forget "
          + "(sizebudget log --image \(image) lists the measured commits)")
    }
    let shown = "\(image) at \(commit.prefix(12)) (measured \(measuredAt))"
    // A PostgreSQL store is the shared record itself, and outside a clone there are no notes.
    guard !store.isShared, let repository = context.repositoryIfAny else {
      do { try store.remove(image: image, commit: commit) } catch { throw .from(error) }
      return "forgot \(shown)"
    }
    do {
      try NotesSync(repository: repository, store: store).forget(
        image: image, commit: commit, measuredAt: measuredAt)
    } catch {
      throw .from(error)
    }
    return "forgot \(shown) in the store and in refs/notes/sizebudget; sizebudget sync shares the removal"
  }
}
