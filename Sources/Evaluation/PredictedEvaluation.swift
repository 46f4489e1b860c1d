import Analysis
import Budgets
import Prediction

/// An image judged at a commit nobody has built: its predicted measurement run
/// through the same rules as `check`, keeping those a prediction can speak to (max
/// and warn, growth, the path caps where changed files land, forbid patterns against
/// added files), each message saying "predicted" and how far off it may be.
public struct PredictedEvaluation: Sendable {
  public var prediction: ImagePrediction
  public var evaluation: ImageEvaluation
  /// ± bytes of the judged metric.
  public var uncertainty: Int64

  public var metric: Metric { evaluation.metric }
  public var delta: Int64 { prediction.delta(for: metric) }
  public var size: Int64 { evaluation.size }
  public var status: ImageStatus { evaluation.status }

  /// The `max` or growth failures that stay failures with the uncertainty taken off
  /// (and, for growth against an estimated size, the estimate's error too): what
  /// `[hook] predict = "refuse"` refuses.
  public var certainBreaks: [RuleResult] {
    // A Dockerfile change it cannot price may move the size either way.
    guard !prediction.dockerfileChanged else { return [] }
    // Growth against an estimated base may also be off by the estimate's error.
    var estimateError: Int64 = 0
    if let base = evaluation.base,
      case .estimated(let bound, _) = Comparability.between(
        evaluation.measurement, base: base.measurement, metric: metric)
    {
      estimateError = bound
    }
    return evaluation.results.filter { result in
      guard result.status == .fail, let actual = result.actual, let limit = result.limit else { return false }
      if result.rule == "max" { return actual - limit > uncertainty }
      return result.rule == "max_growth" && actual - limit > uncertainty + estimateError
    }
  }

  public static func judge(
    _ prediction: ImagePrediction, budget: ImageBudget, base: BaseMeasurement?, justifications: [Justification],
    firstCommit: Bool, baseMissing: String?
  ) -> PredictedEvaluation {
    let measurement = prediction.predictedMeasurement(budget: budget)
    var evaluation = Evaluator.evaluate(
      RuleContext(
        budget: budget, measurement: measurement, base: base, justifications: justifications,
        firstCommit: firstCommit, baseMissing: baseMissing))
    let paths = prediction.touchedPaths(budget: budget)
    let patterns = prediction.touchedPatterns(budget: budget)
    let uncertainty = prediction.uncertainty(for: budget.metric)
    evaluation.results = evaluation.results.compactMap { result in
      switch result.rule {
      case "max", "warn", "max_growth":
        var predicted = result
        predicted.message = "predicted " + result.message + " (± \(ByteSize.format(uncertainty)))"
        return predicted
      case "path" where result.subject.map(paths.contains) == true,
        "forbid" where result.subject.map(patterns.contains) == true:
        var predicted = result
        predicted.message = "predicted: " + result.message
        return predicted
      default: return nil
      }
    }
    return PredictedEvaluation(prediction: prediction, evaluation: evaluation, uncertainty: uncertainty)
  }
}

/// `predict` over the budgeted images at one commit.
public struct PredictReport: Sendable {
  public enum Entry: Sendable {
    /// The commit is measured: its measurement is judged, as `check` judges it.
    case measured(ImageEvaluation)
    case predicted(PredictedEvaluation)
    /// No ancestor within reach is measured: nothing to predict from.
    case unmeasured(image: String, command: MissingMeasurement)
    /// The push cannot be predicted (a Dockerfile that does not parse, a missing
    /// stage): the hook says so and goes on; `predict` exits 2.
    case unpredictable(image: String, reason: String)
  }

  public var commit: String
  public var commitSubject: String?
  public var entries: [Entry]

  public init(commit: String, commitSubject: String?, entries: [Entry]) {
    self.commit = commit
    self.commitSubject = commitSubject
    self.entries = entries
  }

  public var predicted: [PredictedEvaluation] {
    entries.compactMap { if case .predicted(let p) = $0 { p } else { nil } }
  }
  public var unpredictable: [(image: String, reason: String)] {
    entries.compactMap { if case .unpredictable(let image, let reason) = $0 { (image, reason) } else { nil } }
  }
  public var measured: [ImageEvaluation] {
    entries.compactMap { if case .measured(let e) = $0 { e } else { nil } }
  }

  /// 2 when an image cannot be predicted (its Dockerfile is broken); 1 when a measured
  /// image breaks a budget or a predicted one breaks max or growth by more than its
  /// uncertainty; 3 when an image has nothing to predict from; else 0.
  public var exitCode: Int32 {
    if entries.contains(where: { if case .unpredictable = $0 { true } else { false } }) { return 2 }
    if measured.contains(where: { $0.status == .fail }) || predicted.contains(where: { !$0.certainBreaks.isEmpty }) {
      return 1
    }
    if entries.contains(where: { if case .unmeasured = $0 { true } else { false } }) { return 3 }
    return 0
  }
}
