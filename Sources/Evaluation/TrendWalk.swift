/// The points of a trend: the measured commits of each image along a branch's
/// first-parent line, in a period, and the last one before it (the size the period
/// started with). Side branches are left out: their measurements are a pull
/// request's, not the branch's.
public struct TrendWalk {
  /// One image's stored size at a commit.
  public struct Sample: Sendable {
    public var size: Int64
    public var estimated: Bool

    public init(size: Int64, estimated: Bool) {
      self.size = size
      self.estimated = estimated
    }
  }

  /// How far back the walk goes at most.
  public static let walkLimit = 100_000

  let history: any CommitHistory
  /// Stamps of commits the history cannot read (a shallow clone), from the store.
  let knownStamps: [String: CommitStamp]

  public init(history: any CommitHistory, knownStamps: [String: CommitStamp] = [:]) {
    self.history = history
    self.knownStamps = knownStamps
  }

  /// Per image name, its points oldest first; `samples` holds each image's sizes by
  /// commit. Commits belong to the period by committer time.
  public func points(
    from tip: String, samples: [String: [String: Sample]], since: Int64, until: Int64
  ) throws(LookupError) -> [String: [ImageTrend.Point]] {
    var points: [String: [ImageTrend.Point]] = [:]
    var started: Set<String> = []
    var walked = 0
    var lastIndex: [String: Int] = [:]
    let images = samples.keys.sorted()
    try history.walkFirstParent(from: tip) { commit in
      walked += 1
      for image in images where !started.contains(image) {
        guard let sample = samples[image]?[commit] else { continue }
        let stamp = history.stamp(commit) ?? knownStamps[commit]
        let time = stamp?.time ?? 0
        guard time <= until else { continue }
        // Newest first: the gap of the newer point is the distance to this one.
        if let newer = lastIndex[image], var list = points[image], !list.isEmpty {
          list[list.count - 1].gap = walked - newer
          points[image] = list
        }
        lastIndex[image] = walked
        points[image, default: []].append(
          ImageTrend.Point(
            commit: commit, subject: stamp?.subject ?? "", author: stamp?.author ?? "", time: time,
            size: sample.size, estimated: sample.estimated))
        if time < since { started.insert(image) }
      }
      return started.count < images.count && walked < Self.walkLimit
    }
    return points.mapValues { Array($0.reversed()) }
  }
}
