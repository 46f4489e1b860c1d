/// What `bisect` found, ready to print.
public struct BisectResult: Sendable, Encodable {
  public struct Commit: Sendable, Encodable {
    public var id: String
    public var subject: String
    public var author: String
    public var time: Int64

    public init(id: String, subject: String, author: String, time: Int64) {
      self.id = id
      self.subject = subject
      self.author = author
      self.time = time
    }
  }

  public struct Culprit: Sendable, Encodable {
    public var commit: Commit
    /// The last known good commit before it (a candidate, or the base).
    public var before: Commit
    /// nil when the size before it is not known (the base was never measured and
    /// the rule did not need it): shown as unknown, never as 0 B.
    public var sizeBefore: Int64?
    public var sizeAfter: Int64
    public var delta: Int64? { sizeBefore.map { sizeAfter - $0 } }
    /// Its changed files inside the image's context.
    public var contextFiles: [String]
    public var diff: MeasurementDiff?
    /// Its growth split into base image and own layers, in the budget's metric.
    public var growthSplit: GrowthSplit?
    /// How many first layers of the measurement before it and of its own are the base
    /// image's: "what grew" leaves them to the growth split. Not in JSON (the split
    /// and the diff's layers say it).
    public var baseLayers: (old: Int, new: Int)?

    enum CodingKeys: String, CodingKey {
      case commit, before, sizeBefore, sizeAfter, contextFiles, diff, growthSplit
    }

    public init(
      commit: Commit, before: Commit, sizeBefore: Int64?, sizeAfter: Int64, contextFiles: [String],
      diff: MeasurementDiff?, growthSplit: GrowthSplit? = nil, baseLayers: (old: Int, new: Int)? = nil
    ) {
      self.commit = commit
      self.before = before
      self.sizeBefore = sizeBefore
      self.sizeAfter = sizeAfter
      self.contextFiles = contextFiles
      self.diff = diff
      self.growthSplit = growthSplit
      self.baseLayers = baseLayers
    }
  }

  /// A change between two consecutive known sizes along the line.
  public struct Step: Sendable, Encodable {
    /// The commit the change is pinned on, or the first of the commits it spans.
    public var commit: Commit
    /// How many candidate commits the change may come from (1: exactly this one).
    public var span: Int
    public var delta: Int64
    public var share: Double

    public init(commit: Commit, span: Int, delta: Int64, share: Double) {
      self.commit = commit
      self.span = span
      self.delta = delta
      self.share = share
    }
  }

  public struct Build: Sendable, Encodable {
    public var commit: String
    public var status: String
    public var size: Int64?
    public var seconds: Double
    public var lastLines: [String]

    public init(commit: String, status: String, size: Int64?, seconds: Double, lastLines: [String]) {
      self.commit = commit
      self.status = status
      self.size = size
      self.seconds = seconds
      self.lastLines = lastLines
    }
  }

  public var schema = "sizebudget.bisect/v1"
  public var image: String
  public var metric: String
  public var range: String
  public var rule: String
  public var base: Commit
  public var baseSize: Int64?
  public var tip: Commit
  /// `culprit`, `nothing`, `undetermined` (skipped or failed builds hide the culprit),
  /// `unmeasurable` (no size along the line) or `failing` (stopped: the build fails
  /// the same way every time).
  public var outcome: String
  /// bisect's exit status for this outcome (README "bisect").
  public var exitCode: Int32 = 0
  public var culprit: Culprit?
  /// When skipped builds hide the culprit: the commits it may be.
  public var suspects: [Commit]
  public var steps: [Step]
  public var commitsInRange: Int
  public var candidates: Int
  public var builds: [Build]
  public var seconds: Double

  public init(
    image: String, metric: String, range: String, rule: String, base: Commit, baseSize: Int64?, tip: Commit,
    outcome: String, culprit: Culprit?, suspects: [Commit], steps: [Step], commitsInRange: Int, candidates: Int,
    builds: [Build], seconds: Double
  ) {
    self.image = image
    self.metric = metric
    self.range = range
    self.rule = rule
    self.base = base
    self.baseSize = baseSize
    self.tip = tip
    self.outcome = outcome
    self.culprit = culprit
    self.suspects = suspects
    self.steps = steps
    self.commitsInRange = commitsInRange
    self.candidates = candidates
    self.builds = builds
    self.seconds = seconds
  }
}
