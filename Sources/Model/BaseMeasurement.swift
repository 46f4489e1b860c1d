/// The measurement a commit is compared with: the nearest measured commit on the
/// first-parent line from the merge-base with the budget's base branch.
public struct BaseMeasurement: Sendable {
  public var commit: String
  public var subject: String?
  public var measurement: ImageMeasurement
  /// How it was found, for the report ("merge-base of HEAD and main, 2 commits back").
  public var how: String

  public init(commit: String, subject: String?, measurement: ImageMeasurement, how: String) {
    self.commit = commit
    self.subject = subject
    self.measurement = measurement
    self.how = how
  }
}
