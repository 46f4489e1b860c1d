/// Which commit made an image break its budget, found with as few builds as what is
/// known allows.
///
/// The candidates are the commits on the first-parent line that touch the image's
/// context, oldest first (the others cannot change the image and inherit their
/// parent's size). Sizes are assumed to stay bad once bad, as `git bisect` assumes.
/// Unlike a plain bisection, the next commit to build splits the *likelihood* in two,
/// not the count: each candidate weighs the bytes it adds to the context (read from
/// git, no build needed), so a commit that adds a 50 MB file is tested first, and a
/// history where every commit weighs the same is bisected as usual.
public struct BisectSearch: Sendable {
  public enum State: Sendable, Equatable {
    case unknown
    case skipped
    case measured(Int64)
  }

  public struct Candidate: Sendable {
    public var id: String
    /// Bytes the commit adds inside the context (at least 1).
    public var weight: Int64
    public var state: State

    public init(id: String, weight: Int64, state: State = .unknown) {
      self.id = id
      self.weight = max(1, weight)
      self.state = state
    }
  }

  public enum Outcome: Sendable, Equatable {
    /// Still searching.
    case searching
    /// The first bad candidate, with the last good one before it (nil: the base).
    case culprit(Int, previous: Int?)
    /// No candidate is bad: nothing in the range broke the budget.
    case nothingBad
    /// Skipped builds hide the culprit: it is one of these candidates.
    case undetermined([Int])
  }

  public private(set) var candidates: [Candidate]
  /// True for a size that breaks the budget.
  let isBad: @Sendable (Int64) -> Bool

  public init(candidates: [Candidate], isBad: @escaping @Sendable (Int64) -> Bool) {
    self.candidates = candidates
    self.isBad = isBad
  }

  public mutating func record(_ index: Int, size: Int64) { candidates[index].state = .measured(size) }
  public mutating func skip(_ index: Int) { candidates[index].state = .skipped }

  func bad(_ index: Int) -> Bool? {
    guard case .measured(let size) = candidates[index].state else { return nil }
    return isBad(size)
  }

  /// The interval still in doubt: after the last good candidate, up to the first bad
  /// one (`candidates.count` when none is known bad: maybe nothing is).
  var bounds: (lowGood: Int, highBad: Int) {
    var lowGood = -1
    for index in candidates.indices where bad(index) == false { lowGood = index }
    let highBad = candidates.indices.first { $0 > lowGood && bad($0) == true } ?? candidates.count
    return (lowGood, highBad)
  }

  public var outcome: Outcome {
    let (lowGood, highBad) = bounds
    let open = candidates.indices.filter { $0 > lowGood && $0 < highBad && candidates[$0].state == .unknown }
    guard open.isEmpty else { return .searching }
    if highBad == candidates.count {
      let skipped = candidates.indices.filter { $0 > lowGood }
      return skipped.isEmpty ? .nothingBad : .undetermined(skipped)
    }
    if highBad == lowGood + 1 { return .culprit(highBad, previous: lowGood >= 0 ? lowGood : nil) }
    return .undetermined(Array((lowGood + 1)...highBad))
  }

  /// Up to `count` candidates to build next, splitting the likelihood of where the
  /// culprit is into `count + 1` equal parts; empty when the search is over.
  public func nextProbes(count: Int = 1) -> [Int] {
    guard outcome == .searching else { return [] }
    let (lowGood, highBad) = bounds
    // Where the culprit may be: each candidate in the interval, plus "none" when no
    // candidate is known bad yet (weighted like the lightest candidate).
    let positions = Array((lowGood + 1)..<min(highBad + 1, candidates.count))
    let noneWeight: Int64 = highBad == candidates.count ? (positions.map { candidates[$0].weight }.min() ?? 1) : 0
    let total = positions.reduce(noneWeight) { $0 + candidates[$1].weight }
    var probes: [Int] = []
    for part in 1...max(1, count) {
      let target = Double(total) * Double(part) / Double(count + 1)
      // Probing m answers "is the culprit at or before m?": pick the unknown m whose
      // mass up to and including it is nearest the target.
      var best: (index: Int, distance: Double)? = nil
      var mass: Int64 = 0
      for index in positions {
        mass += candidates[index].weight
        guard candidates[index].state == .unknown, index < highBad, !probes.contains(index) else { continue }
        let distance = abs(Double(mass) - target)
        if distance < best?.distance ?? .infinity { best = (index, distance) }
      }
      if let best { probes.append(best.index) }
    }
    return probes.sorted()
  }
}
