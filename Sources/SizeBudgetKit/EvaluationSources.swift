import Analysis
import Evaluation
import GitHistory
import Model
import Store

/// GitHistory's repository as the history Evaluation reads.
struct RepositoryHistory: CommitHistory {
  let repository: Repository

  func branchTip(_ name: String) throws(LookupError) -> String {
    try git { () throws(GitError) in try repository.resolveBranch(name).hex }
  }

  func mergeBase(_ a: String, _ b: String) throws(LookupError) -> String? {
    let (a, b) = try (id(a), id(b))
    return try git { () throws(GitError) in try repository.mergeBase(a, b)?.hex }
  }

  func firstParent(_ commit: String) throws(LookupError) -> String? {
    let commit = try id(commit)
    return try git { () throws(GitError) in try repository.firstParent(commit)?.hex }
  }

  func subject(_ commit: String) -> String? {
    ObjectID(hex: commit).flatMap { try? repository.commit($0).subject }
  }

  func sizeBudgetReasons(after base: String?, upTo commit: String, limit: Int) throws(LookupError) -> [Justification] {
    let tip = try id(commit)
    let range = RevisionRange(include: [tip], exclude: base.flatMap { ObjectID(hex: $0) }.map { [$0] } ?? [], text: "")
    var found: [Justification] = []
    var visited = 0
    do {
      // A commit that cannot be read is an error: taking it for "no trailer" would
      // fail a growth its author justified.
      try repository.walk(range) { id in
        visited += 1
        found += try repository.commit(id).sizeBudgetReasons.map { Justification(commit: id.hex, reason: $0) }
        return visited < limit
      }
    } catch {
      throw LookupError(
        "cannot read the Size-Budget: trailers between \(base.map { String($0.prefix(12)) } ?? "the root") and "
          + "\(commit.prefix(12)): \((error as? GitError)?.message ?? "\(error)")")
    }
    return found
  }

  func contextChanges(from ancestor: String, to commit: String, context: [String]) throws(LookupError) -> [String] {
    let (ancestor, commit) = try (id(ancestor), id(commit))
    return try git { () throws(GitError) in
      try repository.contextChanges(from: ancestor, to: commit, context: context)
    }
  }

  func walkFirstParent(from tip: String, _ visit: (String) -> Bool) throws(LookupError) {
    let tip = try id(tip)
    do {
      // The commit-graph index: a weekly report over a long history reads flat arrays.
      try HistoryIndex(repository).walk(RevisionRange(include: [tip], exclude: [], text: ""), firstParent: true) {
        visit($0.hex)
      }
    } catch {
      throw LookupError("cannot walk the history from \(tip.short): \((error as? GitError)?.message ?? "\(error)")")
    }
  }

  func stamp(_ commit: String) -> CommitStamp? {
    guard let id = ObjectID(hex: commit), let info = try? repository.commit(id) else { return nil }
    return CommitStamp(subject: info.subject, author: info.authorName, time: info.committerTime)
  }

  private func id(_ hex: String) throws(LookupError) -> ObjectID {
    guard let id = ObjectID(hex: hex) else { throw LookupError("\"\(hex)\" is not a commit id") }
    return id
  }

  private func git<T>(_ body: () throws(GitError) -> T) throws(LookupError) -> T {
    do { return try body() } catch { throw LookupError(error.message) }
  }
}

/// The store as the measurements Evaluation reads.
struct StoreMeasurements: MeasurementSource {
  let store: MeasurementStore

  func hasMeasurement(image: String, commit: String) throws(LookupError) -> Bool {
    do { return try store.hasMeasurement(image: image, commit: commit) } catch {
      throw LookupError(error.message, unreachable: error.unreachable)
    }
  }

  func measurement(image: String, commit: String) throws(LookupError) -> ImageMeasurement? {
    do { return try store.measurement(image: image, commit: commit) } catch {
      throw LookupError(error.message, unreachable: error.unreachable)
    }
  }

  /// The noise alone: the growth rules read it for several recent commits, whose
  /// layers and paths they do not need.
  func noise(image: String, commit: String) throws(LookupError) -> MeasurementNoise? {
    do { return try store.recordedNoise(image: image, commit: commit) } catch {
      throw LookupError(error.message, unreachable: error.unreachable)
    }
  }

  /// Both in one query.
  func measuredNoise(image: String, commit: String) throws(LookupError) -> (measured: Bool, noise: MeasurementNoise?) {
    do { return try store.measuredNoise(image: image, commit: commit) } catch {
      throw LookupError(error.message, unreachable: error.unreachable)
    }
  }
}
