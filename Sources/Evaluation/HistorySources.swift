import Analysis

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
}

/// What evaluation reads of the store.
public protocol MeasurementSource {
  func hasMeasurement(image: String, commit: String) throws(LookupError) -> Bool
  func measurement(image: String, commit: String) throws(LookupError) -> ImageMeasurement?
}

/// A history or store read that failed: its message says what and what to do.
public struct LookupError: Error, Sendable {
  public var message: String
  public init(_ message: String) { self.message = message }
}
