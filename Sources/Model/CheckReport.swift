/// One image judged at one commit.
public struct ImageEvaluation: Sendable {
  public var image: String
  public var owner: String?
  public var metric: Metric
  public var commit: String
  public var measurement: ImageMeasurement
  /// The budget's limits that outputs show beside the size.
  public var limits: BudgetLimits
  public var base: BaseMeasurement?
  public var results: [RuleResult]
  public var justifications: [Justification]
  /// What changed against the base, when there is one.
  public var diff: MeasurementDiff?
  /// The Dockerfile line of each layer, when `[image.X] dockerfile` names one.
  public var sources: LayerSources? = nil
  /// Set when the commit has no measurement of its own and is judged with an
  /// ancestor's (`measurement.commit`), nothing in context having changed since.
  public var inherited: Inheritance?

  public init(
    image: String, owner: String?, metric: Metric, commit: String, measurement: ImageMeasurement,
    limits: BudgetLimits, base: BaseMeasurement?, results: [RuleResult], justifications: [Justification],
    diff: MeasurementDiff?, sources: LayerSources? = nil, inherited: Inheritance? = nil
  ) {
    self.image = image
    self.owner = owner
    self.metric = metric
    self.commit = commit
    self.measurement = measurement
    self.limits = limits
    self.base = base
    self.results = results
    self.justifications = justifications
    self.diff = diff
    self.sources = sources
    self.inherited = inherited
  }

  /// The size judged, in the budget's metric.
  public var size: Int64 { measurement.bytes(for: metric.rawValue) }
}

/// What of an image's budget a report shows: `max` (and as budgets.toml's reader
/// knows it, "150 MB"), `warn`, and what `max_growth` judges (`own` or `total`).
public struct BudgetLimits: Sendable, Equatable {
  public var max: Int64?
  public var maxText: String?
  public var warn: Int64?
  public var growthOf: String
  /// The line of the image's `[image.NAME]` table in budgets.toml, where results
  /// about the image as a whole point.
  public var line: Int?

  public init(max: Int64?, maxText: String?, warn: Int64?, growthOf: String, line: Int? = nil) {
    self.max = max
    self.maxText = maxText
    self.warn = warn
    self.growthOf = growthOf
    self.line = line
  }
}

/// `check` over every budgeted image at one commit.
public struct CheckReport: Sendable {
  public var commit: String
  public var commitSubject: String?
  public var branch: String?
  public var budgetsPath: String
  /// budgets.toml's path in the repository (`budgets.toml`, `ci/budgets.toml`),
  /// wherever the command ran: annotations and SARIF locations are resolved against
  /// the repository's root, where an absolute path or one relative to a
  /// subdirectory points nowhere. `budgetsPath` until the caller knows it.
  public var budgetsRepositoryPath: String
  public var images: [ImageEvaluation]
  public var missing: [MissingMeasurement]

  public init(
    commit: String, commitSubject: String?, branch: String?, budgetsPath: String, images: [ImageEvaluation],
    missing: [MissingMeasurement]
  ) {
    self.commit = commit
    self.commitSubject = commitSubject
    self.branch = branch
    self.budgetsPath = budgetsPath
    self.budgetsRepositoryPath = budgetsPath
    self.images = images
    self.missing = missing
  }
}
