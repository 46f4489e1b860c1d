import Budgets
import Evaluation
import Prediction

/// `predict --format json`: schema `sizebudget.predict/v1`, every figure marked
/// predicted or measured.
public enum PredictJSON {
  struct Document: Encodable {
    let schema = "sizebudget.predict/v1"
    var commit: String
    var commitSubject: String?
    /// The worst image's status (`Judgement`), as check's JSON: `pass` only when
    /// `exit_code` is 0.
    var status: String
    var headline: String
    var exitCode: Int32
    var images: [Image]
  }

  struct Image: Encodable {
    var image: String
    /// `measured`, `inherited` (judged by an ancestor's measurement, nothing in context
    /// changed since), `predicted`, `unpredictable` or `unmeasured`.
    var kind: String
    var metric: String?
    var status: String?
    var size: Int64?
    var delta: Int64?
    /// ± bytes; null for a prediction that may be far off (its Dockerfile changed in
    /// ways not priced).
    var uncertainty: Int64?
    /// Both measures' ± bytes, whichever the budget judges (null when unknown).
    var compressedUncertainty: Int64? = nil
    var uncompressedUncertainty: Int64? = nil
    var headline: String?
    /// Whether `[hook] predict = "refuse"` refuses it: over budget by the one judgement.
    var from: String?
    var stepsBack: Int?
    var refusable: Bool?
    var results: [RuleResult]
    var contributions: [Contribution]
    var notes: [String]
    var command: String?
    /// A measured commit: what a prediction from its previous measured first parent
    /// said, beside what was measured.
    var accuracy: Accuracy? = nil
  }

  struct Accuracy: Encodable {
    var from: String
    var predictedChange: Int64
    var uncertainty: Int64?
    var measuredChange: Int64
    var error: Int64

    init(_ accuracy: PredictionAccuracy) {
      from = accuracy.from
      predictedChange = accuracy.predictedChange
      uncertainty = accuracy.uncertainty
      measuredChange = accuracy.measuredChange
      error = accuracy.error
    }
  }

  public static func render(_ report: PredictReport) -> String {
    encodeJSON(
      Document(
        commit: report.commit, commitSubject: report.commitSubject, status: report.status.rawValue,
        headline: report.headline, exitCode: report.exitCode,
        images: report.entries.map { entry in
          var image = image(entry)
          image.accuracy = report.accuracy[image.image].map(Accuracy.init)
          return image
        }))
  }

  static func image(_ entry: PredictReport.Entry) -> Image {
    switch entry {
    case .measured(let e):
      return Image(
        image: e.image, kind: e.inherited == nil ? "measured" : "inherited", metric: e.metric.rawValue,
        status: e.status.rawValue, size: e.size, delta: e.baseDelta, uncertainty: 0, headline: e.verdict.headline,
        from: e.inherited?.commit ?? e.commit, stepsBack: e.inherited?.steps ?? 0, refusable: nil, results: e.results,
        contributions: [], notes: [], command: nil)
    case .predicted(let p):
      let reliable = p.prediction.isReliable
      return Image(
        image: p.evaluation.image, kind: "predicted", metric: p.metric.rawValue, status: p.status.rawValue,
        size: p.size, delta: p.delta, uncertainty: reliable ? p.uncertainty : nil,
        compressedUncertainty: reliable ? p.prediction.uncertainty(for: .compressed) : nil,
        uncompressedUncertainty: reliable ? p.prediction.uncertainty(for: .uncompressed) : nil,
        headline: p.verdict.headline, from: p.prediction.measured.commit,
        stepsBack: p.prediction.stepsBack, refusable: p.status == .fail, results: p.evaluation.results,
        contributions: p.prediction.contributions, notes: p.prediction.notes, command: nil)
    case .unpredictable(let image, let reason):
      return Image(
        image: image, kind: "unpredictable", metric: nil, status: "error", size: nil, delta: nil, uncertainty: nil,
        headline: Judgement.error(reason).headline, from: nil, stepsBack: nil, refusable: nil, results: [],
        contributions: [], notes: [reason], command: nil)
    case .unmeasured(let image, let missing):
      return Image(
        image: image, kind: "unmeasured", metric: nil, status: ImageStatus.missing.rawValue, size: nil, delta: nil,
        uncertainty: nil, headline: "missing: no measured ancestor to predict from", from: nil, stepsBack: nil,
        refusable: nil, results: [], contributions: [], notes: [],
        command: missing.command)
    }
  }
}
