/// A commit judged with an ancestor's measurement, because nothing between them can
/// change the image: the diff touches nothing in the image's `context`, or only
/// budgets.toml.
public struct Inheritance: Sendable, Codable, Equatable {
  /// The measured ancestor (nearest on the first-parent line).
  public var commit: String
  /// First-parent steps from the judged commit back to it.
  public var steps: Int

  public init(commit: String, steps: Int) {
    self.commit = commit
    self.steps = steps
  }

  /// "measured at abc1234, nothing in context changed since".
  public var message: String { "measured at \(commit.prefix(12)), nothing in context changed since" }
}
