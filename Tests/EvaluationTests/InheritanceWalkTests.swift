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
    // 100 lookups of `limit` commits each, all but 99 of them shared.
    #expect(store.reads == limit + 99)
    #expect(history.parentReads == limit + 100)
  }
}
