import Analysis
import Budgets
import Model

/// Finds what growth is measured against: the nearest measured commit on the
/// first-parent line from the merge-base of the commit and the budget's base branch.
public struct BaseFinder {
  /// How far back along the first-parent line to look for a measurement.
  public static let searchLimit = 10_000

  let history: any CommitHistory
  let store: any MeasurementSource
  /// Commits the caller knows are on the first-parent line of every budget's base
  /// branch (the site walks that line): their merge-base with the base is themselves,
  /// and a merge-base walk from the tip, once per commit, would make a long history
  /// quadratic.
  public var onBase: Set<String> = []
  /// What the noise walks read (`observedNoise`): share one across the commits a
  /// command judges.
  public var noiseMemo = NoiseMemo()

  public init(history: any CommitHistory, store: any MeasurementSource) {
    self.history = history
    self.store = store
  }

  public enum Lookup {
    case found(BaseMeasurement)
    /// No measured commit; `start` is where one would be needed.
    case missing(reason: String, start: String?)
    /// The commit is the first of the base branch: nothing came before it.
    case firstCommit
  }

  public func base(for budget: ImageBudget, at commit: String) throws(LookupError) -> Lookup {
    let baseTip: String
    do {
      baseTip = try history.branchTip(budget.base)
    } catch {
      return .missing(reason: "base \(error.message), or set base in budgets.toml", start: nil)
    }
    let knownOnBase = onBase.contains(commit)
    guard let mergeBase = knownOnBase ? commit : try history.mergeBase(commit, baseTip) else {
      return .missing(reason: "\(short(commit)) and \(budget.base) share no history", start: nil)
    }
    // On the base branch itself the merge-base is the commit: compare with what came before.
    let isOnBase = mergeBase == commit
    guard let start = isOnBase ? try history.firstParent(commit) : mergeBase else { return .firstCommit }
    var current: String? = start
    var steps = 0
    while let id = current, steps < Self.searchLimit {
      if try store.hasMeasurement(image: budget.name, commit: id),
        let measurement = try store.measurement(image: budget.name, commit: id)
      {
        let back = steps == 0 ? "" : ", \(counted(steps, "commit")) further back"
        let how =
          isOnBase
          ? "the nearest measured first parent of \(short(commit)) on \(budget.base)\(back)"
          : "the merge-base of \(short(commit)) and \(budget.base)\(back)"
        return .found(BaseMeasurement(commit: id, subject: history.subject(id), measurement: measurement, how: how))
      }
      current = try history.firstParent(id)
      steps += 1
    }
    return .missing(
      reason: "no measurement of \(budget.name) on \(budget.base) at or before \(short(start))", start: start)
  }

  /// `Size-Budget:` trailers of the commits after the base up to the commit, as they
  /// bear on `image`: those that justify its growth (naming it, or naming no image),
  /// and those whose name list names only other, unbudgeted names it could have meant.
  public func trailers(from base: String?, to commit: String, image: String, budgetedImages: Set<String>)
    throws(LookupError) -> (justifications: [Justification], misnamed: [MisnamedTrailer])
  {
    let trailers = try history.sizeBudgetReasons(after: base, upTo: commit, limit: Self.searchLimit).map {
      Justification.parse(commit: $0.commit, trailer: $0.reason)
    }
    let misnamed = trailers.compactMap { MisnamedTrailer($0, budgetedImages: budgetedImages) }
    return (trailers.filter { $0.covers(image) }, misnamed.filter { $0.couldMean(image) })
  }

  private func short(_ commit: String) -> String { String(commit.prefix(12)) }
}

extension BaseFinder {
  /// The newest measured commits of `budget`'s image on the first-parent line of its
  /// base branch, newest first, at most `count` of them (looking no further back
  /// than `within` commits). A base branch that does not resolve is an error.
  public func measuredOnBase(_ budget: ImageBudget, count: Int, within: Int = searchLimit) throws(LookupError)
    -> [String]
  {
    let tip: String
    do {
      tip = try history.branchTip(budget.base)
    } catch {
      var unresolved = LookupError("base \(error.message), or set base in budgets.toml")
      unresolved.isUnresolvedBase = true
      throw unresolved
    }
    var found: [String] = []
    var current: String? = tip
    var steps = 0
    while let id = current, found.count < count, steps < within {
      if try store.hasMeasurement(image: budget.name, commit: id) { found.append(id) }
      current = try history.firstParent(id)
      steps += 1
    }
    return found
  }
}

extension BaseFinder {
  /// How many measured commits back the image's observed noise is read.
  public static let noiseWindow = 10
  /// How many commits back along the first-parent line to look for them: `log` and
  /// the site judge hundreds of commits, each with this walk, so it stays short.
  public static let noiseSearchLimit = 200

  /// The image's observed noise that bears on judging growth at `commit` against
  /// `base`: the widest spread recorded with its newest `noiseWindow` measurements on
  /// the first-parent line from `commit` (itself included, at most `noiseSearchLimit`
  /// commits back), and with the base. Every command reads it here, so check, the
  /// pre-push hook and predict judge the same growth with the same noise; not the
  /// whole history, so one flaky commit long ago (or a mistake) does not widen every
  /// later judgement. Only growth is judged against noise: without `max_growth` or
  /// without a base there is nothing to look up (nil, and no reads). What the walk
  /// reads is kept in `noiseMemo`, so the commits `log` and the site judge one after
  /// another share their walks.
  public func observedNoise(for budget: ImageBudget, at commit: String, base: BaseMeasurement?) throws(LookupError)
    -> (commit: String, bytes: Int64)?
  {
    guard budget.maxGrowth != nil, let base else { return nil }
    let key = NoiseMemo.Key(image: budget.name, commit: commit)
    let seen: [(commit: String, noise: MeasurementNoise)]
    if let walked = noiseMemo.walks[key] {
      seen = walked
    } else {
      var found: [(commit: String, noise: MeasurementNoise)] = []
      var measured = 0
      var current: String? = commit
      var steps = 0
      while let id = current, measured < Self.noiseWindow, steps < Self.noiseSearchLimit {
        let recorded = try measuredNoise(image: budget.name, commit: id)
        if recorded.measured {
          measured += 1
          if let noise = recorded.noise { found.append((id, noise)) }
        }
        current = try memoisedFirstParent(id)
        steps += 1
      }
      noiseMemo.walks[key] = found
      seen = found
    }
    var bearing = seen
    if !bearing.contains(where: { $0.commit == base.commit }), let noise = base.measurement.noise {
      bearing.append((base.commit, noise))
    }
    return MeasurementNoise.bearingOn(bearing, metric: budget.metric.rawValue)
  }

  private func measuredNoise(image: String, commit: String) throws(LookupError)
    -> (measured: Bool, noise: MeasurementNoise?)
  {
    let key = NoiseMemo.Key(image: image, commit: commit)
    if let known = noiseMemo.recorded[key] { return known }
    let recorded = try store.measuredNoise(image: image, commit: commit)
    noiseMemo.recorded[key] = recorded
    return recorded
  }

  private func memoisedFirstParent(_ commit: String) throws(LookupError) -> String? {
    if let known = noiseMemo.parents[commit] { return known }
    let parent = try history.firstParent(commit)
    noiseMemo.parents[commit] = .some(parent)
    return parent
  }
}

/// What the noise walks of one command have read: each commit's first parent, and
/// whether an image was measured there and with what noise, and each (image, commit)'s
/// walk. A command that judges many commits (`log`, the site, a report) passes one to
/// every `BaseFinder` it makes; it must not outlive the command (a measurement written
/// later is not seen).
public final class NoiseMemo {
  struct Key: Hashable {
    var image: String
    var commit: String
  }
  var parents: [String: String?] = [:]
  var recorded: [Key: (measured: Bool, noise: MeasurementNoise?)] = [:]
  var walks: [Key: [(commit: String, noise: MeasurementNoise)]] = [:]

  public init() {}
}
