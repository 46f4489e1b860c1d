import Evaluation
import Testing

@Suite struct BisectSearchTests {
  /// Runs the search against true sizes, counting builds.
  func run(_ sizes: [Int64], weights: [Int64], limit: Int64 = 100, jobs: Int = 1) -> (BisectSearch.Outcome, Int) {
    var search = BisectSearch(
      candidates: zip(sizes.indices, weights).map { BisectSearch.Candidate(id: "c\($0.0)", weight: $0.1) },
      isBad: { $0 > limit })
    var builds = 0
    while search.outcome == .searching {
      let probes = search.nextProbes(count: jobs)
      #expect(!probes.isEmpty)
      for index in probes {
        builds += 1
        search.record(index, size: sizes[index])
      }
    }
    return (search.outcome, builds)
  }

  @Test func aHeavyCommitIsFoundInTwoBuilds() {
    var sizes = [Int64](repeating: 50, count: 60)
    for index in 37..<60 { sizes[index] = 500 }
    var weights = [Int64](repeating: 1_000, count: 60)
    weights[37] = 3_000_000
    let (outcome, builds) = run(sizes, weights: weights)
    #expect(outcome == .culprit(37, previous: 36))
    #expect(builds == 2)
  }

  @Test func equalWeightsBisectLikeGit() {
    for culprit in [0, 1, 17, 62, 63] {
      var sizes = [Int64](repeating: 50, count: 64)
      for index in culprit..<64 { sizes[index] = 500 }
      let (outcome, builds) = run(sizes, weights: Array(repeating: 1, count: 64))
      #expect(outcome == .culprit(culprit, previous: culprit == 0 ? nil : culprit - 1))
      #expect(builds <= 7, "culprit \(culprit): \(builds) builds")
    }
  }

  @Test func nothingBadWhenTheLastCandidateIsGood() {
    let (outcome, builds) = run(Array(repeating: 50, count: 20), weights: Array(repeating: 1, count: 20))
    #expect(outcome == .nothingBad)
    #expect(builds <= 5)
  }

  @Test func parallelProbesSplitTheRange() {
    var sizes = [Int64](repeating: 50, count: 64)
    for index in 40..<64 { sizes[index] = 500 }
    let (outcome, builds) = run(sizes, weights: Array(repeating: 1, count: 64), jobs: 3)
    #expect(outcome == .culprit(40, previous: 39))
    #expect(builds <= 12)
  }

  @Test func knownSizesNeedNoBuild() {
    var search = BisectSearch(
      candidates: (0..<5).map { BisectSearch.Candidate(id: "c\($0)", weight: 1) }, isBad: { $0 > 100 })
    for (index, size) in [50, 50, 500, 500, 500].enumerated() { search.record(index, size: Int64(size)) }
    #expect(search.outcome == .culprit(2, previous: 1))
    #expect(search.nextProbes().isEmpty)
  }

  @Test func skipsCanLeaveItUndetermined() {
    var search = BisectSearch(
      candidates: (0..<4).map { BisectSearch.Candidate(id: "c\($0)", weight: 1) }, isBad: { $0 > 100 })
    search.record(0, size: 50)
    search.skip(1)
    search.skip(2)
    search.record(3, size: 500)
    #expect(search.outcome == .undetermined([1, 2, 3]))
  }

  /// A measured commit that does not touch the context sizes the candidate before it,
  /// and the culprit's sizes are the ones the search judged by.
  @Test func storedSizesSeedTheCandidateBeforeThem() {
    var search = BisectSearch(
      candidates: [BisectSearch.Candidate(id: "c1", weight: 1), BisectSearch.Candidate(id: "c3", weight: 1)],
      isBad: { $0 > 15 })
    let sources = search.seed(line: ["c1", "c2", "c3", "c4"], sizes: ["c2": 10, "c4": 20, "c3": 30])
    #expect(sources == [0: "c2", 1: "c3"])
    #expect(search.size(at: 0) == 10 && search.size(at: 1) == 30)
    #expect(search.outcome == .culprit(1, previous: 0))
  }
}
