import Analysis
import Budgets
import Evaluation
import Model
import Testing

/// Judging the commits of one line (a push, a log) walks the line once, also when no
/// ancestor is measured: the pre-push hook classifies up to 100 pushed commits, and
/// each used to walk to the root again.
@Suite struct InheritanceWalkTests {
  /// Nothing measured; every read counted.
  final class Unmeasured: MeasurementSource {
    var reads = 0
    func hasMeasurement(image: String, commit: String) throws(LookupError) -> Bool {
      reads += 1
      return false
    }
    func measurement(image: String, commit: String) throws(LookupError) -> ImageMeasurement? { nil }
    func noise(image: String, commit: String) throws(LookupError) -> MeasurementNoise? { nil }
  }

  /// The store has these commits of the line measured (and no details of them, so a
  /// lookup that finds one says `.changed`, naming it).
  final class MeasuredAt: MeasurementSource {
    let commits: Set<Int>
    init(_ commits: Set<Int>) { self.commits = commits }
    func hasMeasurement(image: String, commit: String) throws(LookupError) -> Bool {
      commits.contains(NoiseLookupTests.Store.number(commit))
    }
    func measurement(image: String, commit: String) throws(LookupError) -> ImageMeasurement? { nil }
    func noise(image: String, commit: String) throws(LookupError) -> MeasurementNoise? { nil }
  }

  static func ancestor(_ lookup: InheritanceFinder.Lookup) -> String? {
    guard case .changed(let ancestor, _) = lookup else { return nil }
    return ancestor
  }

  /// Whatever order commits are looked up in, the answer is a fresh walk's: an
  /// ancestor remembered from a nearer commit counts only within the search limit.
  @Test func aRememberedAncestorBeyondTheLimitIsNotInherited() throws {
    let line = NoiseLookupTests.Line.self
    let finder = InheritanceFinder(history: line.init(), store: MeasuredAt([0]))
    let budget = try RuleTests.budget("[image.api]\nmax = \"200 MB\"")
    #expect(Self.ancestor(try finder.lookup(budget, at: line.id(999))) == line.id(0))
    guard case .noMeasuredAncestor = try finder.lookup(budget, at: line.id(1_500)) else {
      Issue.record("commit 1500's measured ancestor is 1,500 steps back, beyond the limit")
      return
    }
    #expect(Self.ancestor(try finder.lookup(budget, at: line.id(1_000))) == line.id(0))
  }

  /// A walk that stopped at the limit leaves the next one, a step lower, to find the
  /// measured commit just beyond it.
  @Test func anAncestorJustWithinReachIsStillFound() throws {
    let line = NoiseLookupTests.Line.self
    let finder = InheritanceFinder(history: line.init(), store: MeasuredAt([3_999]))
    let budget = try RuleTests.budget("[image.api]\nmax = \"200 MB\"")
    guard case .noMeasuredAncestor = try finder.lookup(budget, at: line.id(5_000)) else {
      Issue.record("commit 5000's measured ancestor is 1,001 steps back, beyond the limit")
      return
    }
    #expect(Self.ancestor(try finder.lookup(budget, at: line.id(4_999))) == line.id(3_999))
  }

  @Test func consecutiveCommitsWithNoMeasuredAncestorWalkTheLineOnce() throws {
    let history = NoiseLookupTests.Line()
    let store = Unmeasured()
    let finder = InheritanceFinder(history: history, store: store)
    let budget = try RuleTests.budget("[image.api]\nmax = \"200 MB\"")
    // Commits 60 down to 11, newest first, as the hook's push is read.
    for n in stride(from: 60, through: 11, by: -1) {
      guard case .noMeasuredAncestor = try finder.lookup(budget, at: NoiseLookupTests.Line.id(n)) else {
        Issue.record("commit \(n) should have no measured ancestor")
        return
      }
    }
    // The first lookup reads commits 59 … 0; the other 49 find their parent's answer.
    #expect(store.reads == 60)
    #expect(history.parentReads == 61)  // 60 … 1, and 0 (a root: nil), each once
  }

  /// A long line with nothing measured within the search limit: each lookup stops at
  /// the limit, proving nothing for the next, which still reads no commit twice.
  @Test func lookupsThatStopAtTheLimitReadEachCommitOnce() throws {
    let history = NoiseLookupTests.Line()
    let store = Unmeasured()
    let finder = InheritanceFinder(history: history, store: store)
    let budget = try RuleTests.budget("[image.api]\nmax = \"200 MB\"")
    let limit = InheritanceFinder.searchLimit
    for n in stride(from: 5_000, to: 4_900, by: -1) {
      guard case .noMeasuredAncestor = try finder.lookup(budget, at: NoiseLookupTests.Line.id(n)) else {
        Issue.record("commit \(n) should have no measured ancestor within the limit")
        return
      }
    }
    // The first lookup reads `limit` commits; each later one a single new commit.
    #expect(store.reads == limit + 99)
    #expect(history.parentReads == limit + 100)
  }
}
