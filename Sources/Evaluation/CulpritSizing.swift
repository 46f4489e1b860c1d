import Analysis
import Budgets
import Model

extension BisectSearch {
  /// The size the search judged a candidate by; nil when it was not measured.
  public func size(at index: Int) -> Int64? {
    guard case .measured(let size) = candidates[index].state else { return nil }
    return size
  }

  /// Gives candidates the sizes already stored along the first-parent `line` (oldest
  /// first, candidates and the commits between them): a measured commit that does not
  /// touch the context has the size of the candidate before it. Returns, per candidate
  /// sized that way, the commit whose measurement gave the size.
  public mutating func seed(line: [String], sizes: [String: Int64]) -> [Int: String] {
    let positions = Dictionary(uniqueKeysWithValues: candidates.enumerated().map { ($1.id, $0) })
    var sources: [Int: String] = [:]
    var latest: Int? = nil
    for commit in line {
      if let position = positions[commit] { latest = position }
      if let size = sizes[commit], let latest, candidates[latest].state == .unknown {
        record(latest, size: size)
        sources[latest] = commit
      }
    }
    return sources
  }

  /// The culprit's sizes before and after, from the sizes the search judged by (never
  /// 0 B for a size that is unknown), and what grew, read from the measurements those
  /// sizes came from (`sources`: a candidate sized from a later commit's measurement).
  public func culpritSizes(
    _ index: Int, previous: Int?, base: String, baseSize: Int64?, image: String, metric: Metric,
    sources: [Int: String], measurements: any MeasurementSource
  ) throws(LookupError) -> CulpritSizes {
    func source(_ index: Int) -> String { sources[index] ?? candidates[index].id }
    let after = try measurements.measurement(image: image, commit: source(index))
    let before = try measurements.measurement(image: image, commit: previous.map(source) ?? base)
    return CulpritSizes(
      sizeBefore: previous.flatMap { size(at: $0) } ?? baseSize ?? before?.bytes(for: metric.rawValue),
      sizeAfter: size(at: index) ?? after?.bytes(for: metric.rawValue),
      diff: before.flatMap { old in after.map { MeasurementDiff.between(old, $0) } },
      growthSplit: before.flatMap { old in after.flatMap { GrowthSplit.between(old, $0, metric: metric) } },
      baseLayers: before.flatMap { old in after.flatMap { GrowthSplit.baseLayerCounts(old, $0) } })
  }
}

/// A bisect culprit's sizes and what grew between its predecessor and it.
public struct CulpritSizes: Sendable {
  public var sizeBefore: Int64?
  public var sizeAfter: Int64?
  public var diff: MeasurementDiff?
  /// The growth split into base image and own layers, in the budget's metric.
  public var growthSplit: GrowthSplit?
  /// How many first layers of each measurement are the base image's (nil when not known).
  public var baseLayers: (old: Int, new: Int)?
}

extension BisectResult {
  /// "Who grew it": changes between consecutive known sizes, largest first.
  public static func steps(_ points: [(commit: Commit, size: Int64, index: Int)], total: Int64) -> [Step] {
    var steps: [Step] = []
    for (previous, next) in zip(points, points.dropFirst()) where next.size != previous.size {
      let delta = next.size - previous.size
      steps.append(
        Step(
          commit: next.commit, span: next.index - previous.index, delta: delta,
          share: total == 0 ? 0 : Double(delta) / Double(total)))
    }
    return steps.sorted { abs($0.delta) > abs($1.delta) }
  }
}
