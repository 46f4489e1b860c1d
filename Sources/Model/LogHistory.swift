/// One measured commit of one image, as `log` lists it.
public struct LogRow: Sendable {
  public var commit: String
  public var image: String
  public var compressedBytes: Int64
  public var uncompressedBytes: Int64
  public var subject: String = ""
  public var author: String = ""
  public var time: Int64 = 0
  /// The compressed size is an estimate (a docker-archive's).
  public var compressedEstimated = false
  /// The size in the image's budget metric (compressed when it has no budget) and
  /// whether it is an estimate ("≈"): set by `LogSizes.fill`.
  public var metric: Metric = .compressed
  public var size: Int64 = 0
  public var sizeEstimated = false
  /// The change from the previous (older) measured row of the same image, and whether
  /// either side is an estimate; nil for the oldest and for a row that inherits.
  public var change: Int64?
  public var changeEstimated = false
  /// The image's judgement at this commit (`Judgement`, as `check` gives it); nil for
  /// an image budgets.toml does not budget, or a row older than `log` judges.
  public var verdict: Verdict?
  /// `log --predicted`: the change predicted from the previous measured first parent,
  /// before this commit was built, and its ± uncertainty.
  public var predicted: (change: Int64, uncertainty: Int64)?
  /// Set for a commit with no measurement of its own, judged with an ancestor's.
  public var inherited: Inheritance?
  /// `change` split into base image and own layers, where both measurements were
  /// loaded to judge (the newest `Log.judgedRows` rows): `LogSizes.split`.
  public var growthSplit: GrowthSplit?

  public init(commit: String, image: String, compressedBytes: Int64, uncompressedBytes: Int64) {
    self.commit = commit
    self.image = image
    self.compressedBytes = compressedBytes
    self.uncompressedBytes = uncompressedBytes
  }
}

/// What `log` found: rows newest first, sized and judged.
public struct LogHistory: Sendable {
  public var range: String
  public var walked: Int
  public var rows: [LogRow]
  /// Rows of budgeted images left unjudged (older than the newest `Log.judgedRows`).
  public var unjudged: Int
  /// Whether rows carry `predicted` (`log --predicted`).
  public var showPredicted = false

  public init(range: String, walked: Int, rows: [LogRow], unjudged: Int = 0) {
    self.range = range
    self.walked = walked
    self.rows = rows
    self.unjudged = unjudged
  }

  public var images: [String] { Array(Set(rows.map(\.image))).sorted() }

  /// Rows of the image's own measurements (not those inheriting one).
  public var measuredRows: [LogRow] { rows.filter { $0.inherited == nil } }
}
