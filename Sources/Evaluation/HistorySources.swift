import Analysis
import Model

/// What evaluation reads of git history, by full commit id. SizeBudgetKit adapts
/// GitHistory's repository to it, so Evaluation judges without opening git itself.
public protocol CommitHistory {
  /// The tip of a branch (`main`, `origin/main`).
  func branchTip(_ name: String) throws(LookupError) -> String
  /// The best common ancestor of two commits; nil when they share no history.
  func mergeBase(_ a: String, _ b: String) throws(LookupError) -> String?
  /// The first parent; nil for a root commit.
  func firstParent(_ commit: String) throws(LookupError) -> String?
  /// The subject line, when the commit can be read.
  func subject(_ commit: String) -> String?
  /// `Size-Budget:` trailers of the commits after `base` (exclusive) up to `commit`,
  /// looking at no more than `limit` commits, as written (images not yet told apart).
  func sizeBudgetReasons(after base: String?, upTo commit: String, limit: Int) throws(LookupError) -> [Justification]
  /// The paths that differ between two commits' trees and lie inside `context`
  /// (repository paths: a directory with a trailing `/`, or a file; empty: everything).
  func contextChanges(from ancestor: String, to commit: String, context: [String]) throws(LookupError) -> [String]
  /// The first-parent line from `tip`, newest first, until `visit` returns false.
  func walkFirstParent(from tip: String, _ visit: (String) -> Bool) throws(LookupError)
  /// Who made a commit and when it landed; nil when it cannot be read.
  func stamp(_ commit: String) -> CommitStamp?
}

/// A commit as a trend shows it.
public struct CommitStamp: Sendable {
  public var subject: String
  public var author: String
  /// Seconds since 1970: the committer date, when the commit landed where it is (a
  /// rebase keeps the old author date).
  public var time: Int64

  public init(subject: String, author: String, time: Int64) {
    self.subject = subject
    self.author = author
    self.time = time
  }
}

/// What evaluation reads of the store.
public protocol MeasurementSource {
  func hasMeasurement(image: String, commit: String) throws(LookupError) -> Bool
  func measurement(image: String, commit: String) throws(LookupError) -> ImageMeasurement?
  /// The noise recorded with the measurement of (image, commit): nil when there is
  /// none (or no measurement).
  func noise(image: String, commit: String) throws(LookupError) -> MeasurementNoise?
  /// Whether (image, commit) was measured, and the noise recorded with it: the noise
  /// walk asks both of every commit it passes.
  func measuredNoise(image: String, commit: String) throws(LookupError) -> (measured: Bool, noise: MeasurementNoise?)
}

extension MeasurementSource {
  public func noise(image: String, commit: String) throws(LookupError) -> MeasurementNoise? {
    try measurement(image: image, commit: commit)?.noise
  }

  public func measuredNoise(image: String, commit: String) throws(LookupError)
    -> (measured: Bool, noise: MeasurementNoise?)
  {
    guard try hasMeasurement(image: image, commit: commit) else { return (false, nil) }
    return (true, try noise(image: image, commit: commit))
  }
}

/// A history or store read that failed: its message says what and what to do.
public struct LookupError: Error, Sendable {
  public var message: String
  /// What could not be reached (the store's server, lost mid-command): a transient
  /// failure the command reports as exit 4, not a wrong setting.
  public var unreachable: String? = nil
  /// The budget's base branch does not resolve (a setting to fix, which the growth
  /// lookup already reports), not a failed read.
  public var isUnresolvedBase = false
  public init(_ message: String, unreachable: String? = nil) {
    self.message = message
    self.unreachable = unreachable
  }
}
