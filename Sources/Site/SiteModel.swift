import Analysis
import Budgets
import Evaluation
import Model

/// What the site shows, gathered by SizeBudgetKit from the store and the history;
/// the page renderers here only turn it into HTML and SVG.
public struct SitePoint: Sendable {
  public var commit: String
  public var subject: String
  public var author: String
  public var time: Int64
  public var compressed: Int64
  public var uncompressed: Int64
  /// The compressed size is an estimate (a docker-archive's).
  public var compressedEstimated: Bool

  public init(
    commit: String, subject: String, author: String, time: Int64, compressed: Int64, uncompressed: Int64,
    compressedEstimated: Bool = false
  ) {
    self.commit = commit
    self.subject = subject
    self.author = author
    self.time = time
    self.compressed = compressed
    self.uncompressed = uncompressed
    self.compressedEstimated = compressedEstimated
  }

  public func bytes(_ metric: String) -> Int64 { metric == "uncompressed" ? uncompressed : compressed }
  /// The size in `metric`, "≈"-marked when it is an estimate.
  public func text(_ metric: String) -> String {
    (metric == "compressed" && compressedEstimated ? "≈" : "") + ByteSize.format(bytes(metric))
  }
}

public struct SiteImage: Sendable {
  public var name: String
  public var owner: String?
  /// The budget's metric: the one `max` and `warn` apply to.
  public var metric: String
  public var max: Int64?
  public var warn: Int64?
  /// Measured commits along the branch's first-parent line, oldest first.
  public var points: [SitePoint]
  /// The newest measurement, with its check verdict and `explain` findings.
  public var latest: ImageMeasurement?
  public var status: ImageStatus?
  public var findings: [Finding]

  public init(
    name: String, owner: String?, metric: String, max: Int64?, warn: Int64?, points: [SitePoint],
    latest: ImageMeasurement?, status: ImageStatus?, findings: [Finding]
  ) {
    self.name = name
    self.owner = owner
    self.metric = metric
    self.max = max
    self.warn = warn
    self.points = points
    self.latest = latest
    self.status = status
    self.findings = findings
  }

  public var current: Int64? { points.last?.bytes(metric) }
  /// The current size as shown: "≈" when it is an estimate.
  public var currentText: String? { points.last?.text(metric) }
  public var headroom: Int64? { max.flatMap { max in current.map { max - $0 } } }
}

/// One image's part of a commit page: the diffs and the verdict, already rendered
/// as `sizebudget diff` and `sizebudget check` print them (one verdict everywhere).
public struct SiteCommitSection: Sendable {
  public var image: String
  public var point: SitePoint
  public var previous: SitePoint?
  public var diffPrevious: String?
  public var baseLabel: String?
  public var diffBase: String?
  public var status: ImageStatus?
  public var verdict: String

  public init(
    image: String, point: SitePoint, previous: SitePoint?, diffPrevious: String?, baseLabel: String?,
    diffBase: String?, status: ImageStatus?, verdict: String
  ) {
    self.image = image
    self.point = point
    self.previous = previous
    self.diffPrevious = diffPrevious
    self.baseLabel = baseLabel
    self.diffBase = diffBase
    self.status = status
    self.verdict = verdict
  }
}
