import Analysis
import Budgets
import Evaluation
import Model

/// An image judged at a commit nobody has built: its predicted measurement run
/// through the same rules as `check`. The rules a prediction speaks to (max and warn,
/// growth, the path caps where changed files land, forbid patterns against added
/// files) say "predicted" and how far off they may be; every other result is the
/// measured ancestor's own (a forbidden file, a finding already there stays), so a
/// prediction never says "within budget" where `check` on that measurement does not.
/// The status is `Judgement.judge` of these results, as everywhere.
public struct PredictedEvaluation: Sendable {
  public var prediction: ImagePrediction
  public var evaluation: ImageEvaluation
  /// ± bytes of the judged metric; meaningless when `prediction.isReliable` is false.
  public var uncertainty: Int64
  /// Size rules the prediction breaks by less than its uncertainty (or at all, when it
  /// is unreliable): judged as warnings ("may break"), never as broken budgets.
  public var mayBreak: [RuleResult] = []

  public var metric: Metric { evaluation.metric }
  public var delta: Int64 { prediction.delta(for: metric) }
  public var size: Int64 { evaluation.size }
  public var verdict: Verdict { evaluation.verdict }
  public var status: ImageStatus { evaluation.status }

  /// "± 300 kB", or "uncertainty unknown" for a prediction that may be far off.
  public var uncertaintyText: String {
    prediction.isReliable ? "± \(ByteSize.format(uncertainty))" : "uncertainty unknown"
  }

  public static func judge(
    _ prediction: ImagePrediction, budget: ImageBudget, base: BaseMeasurement?, justifications: [Justification],
    misnamedTrailers: [MisnamedTrailer] = [], firstCommit: Bool, baseMissing: String?,
    noise: (commit: String, bytes: Int64)? = nil
  ) -> PredictedEvaluation {
    let measurement = prediction.predictedMeasurement(budget: budget)
    var context = RuleContext(
      budget: budget, measurement: measurement, base: base, justifications: justifications,
      firstCommit: firstCommit, baseMissing: baseMissing)
    context.misnamedTrailers = misnamedTrailers
    // The image's observed noise, as check reads it (`BaseFinder.observedNoise`).
    context.noise = noise
    var evaluation = Evaluator.evaluate(context)
    var judged = PredictedEvaluation(
      prediction: prediction, evaluation: evaluation, uncertainty: prediction.uncertainty(for: budget.metric))
    let paths = prediction.touchedPaths(budget: budget)
    let patterns = prediction.touchedPatterns(budget: budget)
    let measuredAt = " (measured at \(prediction.measured.commit.prefix(12)))"
    evaluation.results = evaluation.results.map { result in
      var judgedResult = result
      switch result.rule {
      case "max", "warn", "max_growth":
        judgedResult.message = "predicted " + result.message + " (\(judged.uncertaintyText))"
        judgedResult = judged.unlessCertain(judgedResult, margin: judged.sizeMargin(result))
      case "path" where result.subject.map(paths.contains) == true:
        judgedResult.message = "predicted: " + result.message
        judgedResult = judged.unlessCertain(
          judgedResult, margin: prediction.uncertainty(for: .uncompressed))
      case "forbid" where result.subject.map(patterns.contains) == true:
        // The added file's place in the image is read from the COPY line: no uncertainty.
        judgedResult.message = "predicted: " + result.message
      default:
        judgedResult.message = result.message + measuredAt
      }
      return judgedResult
    }
    judged.evaluation = evaluation
    return judged
  }

  /// How far over its limit a size rule must be predicted to be broken for certain:
  /// the prediction's uncertainty, and for growth against an estimated size the
  /// estimate's error too.
  func sizeMargin(_ result: RuleResult) -> Int64 {
    guard result.rule == "max_growth", let base = evaluation.base,
      case .estimated(let bound, _) = Comparability.between(
        evaluation.measurement, base: base.measurement, metric: metric)
    else { return uncertainty }
    return uncertainty + bound
  }

  /// A broken size rule stays broken only when it is over its limit by more than
  /// `margin` and the prediction is reliable; else it is a warning that it may break.
  mutating func unlessCertain(_ result: RuleResult, margin: Int64) -> RuleResult {
    guard result.status == .fail, let actual = result.actual, let limit = result.limit else { return result }
    if prediction.isReliable && actual - limit > margin { return result }
    var warned = result
    warned.status = .warn
    warned.message +=
      prediction.isReliable
      ? ": may break it, by less than the prediction's uncertainty" : ": may break it (the prediction may be far off)"
    mayBreak.append(warned)
    return warned
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
  /// Per measured image, what would have been predicted from its previous measured
  /// first parent, beside what was measured: the prediction's accuracy.
  public var accuracy: [String: PredictionAccuracy] = [:]

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

  /// Each image's verdict, by the one judgement: an image that cannot be predicted
  /// is an error, one with nothing to predict from is missing a measurement.
  public var verdicts: [(image: String, verdict: Verdict)] {
    entries.map { entry in
      switch entry {
      case .measured(let evaluation): (evaluation.image, evaluation.verdict)
      case .predicted(let predicted): (predicted.evaluation.image, predicted.verdict)
      case .unpredictable(let image, let reason): (image, Judgement.error(reason))
      case .unmeasured(let image, _):
        (image, Verdict(status: .missing, headline: "missing: no measured ancestor to predict from"))
      }
    }
  }

  /// The worst image's status (`Judgement.combined`), as `check` combines them.
  public var status: ImageStatus { Judgement.combined(verdicts.map(\.verdict.status)) }
  public var headline: String { Judgement.headline(verdicts) }
  /// `ImageStatus.exitCode` of the worst status: 1 over budget (measured, or predicted
  /// beyond the uncertainty), 2 an image cannot be predicted, 3 nothing to predict from.
  public var exitCode: Int32 { status.exitCode }
}

/// A measured commit's change beside what a prediction from its previous measured
/// first parent said it would be.
public struct PredictionAccuracy: Sendable {
  /// The measured ancestor the prediction starts from.
  public var from: String
  public var metric: Metric
  public var predictedChange: Int64
  /// ± bytes; nil when the prediction may be far off (uncertainty unknown).
  public var uncertainty: Int64?
  public var measuredChange: Int64

  public init(_ prediction: ImagePrediction, measured: ImageMeasurement, metric: Metric) {
    from = prediction.measured.commit
    self.metric = metric
    predictedChange = prediction.delta(for: metric)
    uncertainty = prediction.isReliable ? prediction.uncertainty(for: metric) : nil
    measuredChange = measured.bytes(for: metric.rawValue) - prediction.measured.bytes(for: metric.rawValue)
  }

  /// Predicted minus measured.
  public var error: Int64 { predictedChange - measuredChange }
  public var withinUncertainty: Bool? { uncertainty.map { abs(error) <= $0 } }
}
