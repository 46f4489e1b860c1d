import Analysis
import Budgets
import Evaluation
import Model
import Testing

/// What the noise lookup reads: nothing when growth is not judged, and each commit
/// once however many neighbouring commits a command judges.
@Suite struct NoiseLookupTests {
  /// A straight first-parent line: commit `i`'s parent is `i - 1`.
  final class Line: CommitHistory {
    var parentReads = 0
    func branchTip(_ name: String) throws(LookupError) -> String { Self.id(999) }
    func mergeBase(_ a: String, _ b: String) throws(LookupError) -> String? { a }
    func firstParent(_ commit: String) throws(LookupError) -> String? {
      parentReads += 1
      let n = Int(commit.drop { $0 == "0" }) ?? 0
      return n == 0 ? nil : Self.id(n - 1)
    }
    func subject(_ commit: String) -> String? { nil }
    func sizeBudgetReasons(after base: String?, upTo commit: String, limit: Int) throws(LookupError) -> [Justification]
    { [] }
    func contextChanges(from ancestor: String, to commit: String, context: [String]) throws(LookupError) -> [String] {
      []
    }
    func walkFirstParent(from tip: String, _ visit: (String) -> Bool) throws(LookupError) {}
    func stamp(_ commit: String) -> CommitStamp? { nil }
    static func id(_ n: Int) -> String {
      let digits = String(n)
      return String(repeating: "0", count: 40 - digits.count) + digits
    }
  }

  /// Every third commit measured; every ninth with 5 kB of noise, and 30 with 40 kB.
  final class Store: MeasurementSource {
    var reads = 0
    func hasMeasurement(image: String, commit: String) throws(LookupError) -> Bool {
      reads += 1
      return Self.number(commit) % 3 == 0
    }
    func measurement(image: String, commit: String) throws(LookupError) -> ImageMeasurement? {
      reads += 1
      return nil
    }
    func noise(image: String, commit: String) throws(LookupError) -> MeasurementNoise? {
      reads += 1
      let n = Self.number(commit)
      guard n % 9 == 0 || n == 30 else { return nil }
      return MeasurementNoise(compressedBytes: n == 30 ? 40_000 : 5_000, uncompressedBytes: nil, layers: [])
    }
    static func number(_ commit: String) -> Int { Int(commit.drop { $0 == "0" }) ?? 0 }
  }

  static let base = BaseMeasurement(
    commit: Line.id(0), subject: nil, measurement: RuleTests.measurement(100_000_000), how: "test")

  @Test func withoutMaxGrowthOrABaseNothingIsRead() throws {
    let history = Line()
    let store = Store()
    let finder = BaseFinder(history: history, store: store)
    let noGrowth = try RuleTests.budget("[image.api]\nmax = \"200 MB\"")
    #expect(try finder.observedNoise(for: noGrowth, at: Line.id(100), base: Self.base) == nil)
    let growth = try RuleTests.budget("[image.api]\nmax_growth = \"+1 MB\"")
    #expect(try finder.observedNoise(for: growth, at: Line.id(100), base: nil) == nil)
    #expect(store.reads == 0)
    #expect(history.parentReads == 0)
  }

  @Test func neighbouringCommitsShareOneWalk() throws {
    let history = Line()
    let store = Store()
    var finder = BaseFinder(history: history, store: store)
    let growth = try RuleTests.budget("[image.api]\nmax_growth = \"+1 MB\"")
    // The window: the 10 newest measured commits from 100 are 99, 96, ... 72; 99, 90,
    // 81 and 72 saw 5 kB, and the newest is named.
    let at100 = try #require(try finder.observedNoise(for: growth, at: Line.id(100), base: Self.base))
    #expect(at100 == (Line.id(99), 5_000))
    // From 57 the window reaches 30, which saw 40 kB; from 60 it stops at 33.
    let at57 = try #require(try finder.observedNoise(for: growth, at: Line.id(57), base: Self.base))
    #expect(at57 == (Line.id(30), 40_000))
    let at60 = try #require(try finder.observedNoise(for: growth, at: Line.id(60), base: Self.base))
    #expect(at60 == (Line.id(54), 5_000))
    // A command judging 100 commits in a row, sharing one memo: each commit is read
    // once (one store question each), not once per walk that passes it.
    finder.noiseMemo = NoiseMemo()
    store.reads = 0
    history.parentReads = 0
    for n in stride(from: 200, to: 100, by: -1) {
      _ = try finder.observedNoise(for: growth, at: Line.id(n), base: Self.base)
    }
    // 200 down to 72 (the window of 101 reaches 72): 129 commits.
    #expect(history.parentReads == 129)
    #expect(store.reads <= 129 + 129 / 3 + 1)
    // Judged again, nothing is read.
    store.reads = 0
    _ = try finder.observedNoise(for: growth, at: Line.id(150), base: Self.base)
    #expect(store.reads == 0)
  }
}
