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
    var exitCode: Int32
    var images: [Image]
  }

  struct Image: Encodable {
    var image: String
    /// `measured`, `predicted` or `unmeasured`.
    var kind: String
    var metric: String?
    var status: String?
    var size: Int64?
    var delta: Int64?
    var uncertainty: Int64?
    var from: String?
    var stepsBack: Int?
    var refusable: Bool?
    var results: [RuleResult]
    var contributions: [Contribution]
    var notes: [String]
    var command: String?
  }

  public static func render(_ report: PredictReport) -> String {
    encodeJSON(
      Document(
        commit: report.commit, commitSubject: report.commitSubject, exitCode: report.exitCode,
        images: report.entries.map(image)))
  }

  static func image(_ entry: PredictReport.Entry) -> Image {
    switch entry {
    case .measured(let e):
      return Image(
        image: e.image, kind: "measured", metric: e.metric.rawValue, status: e.status.rawValue, size: e.size,
        delta: e.baseDelta, uncertainty: 0, from: e.commit, stepsBack: 0, refusable: nil, results: e.results,
        contributions: [], notes: [], command: nil)
    case .predicted(let p):
      return Image(
        image: p.evaluation.image, kind: "predicted", metric: p.metric.rawValue, status: p.status.rawValue,
        size: p.size, delta: p.delta, uncertainty: p.uncertainty, from: p.prediction.measured.commit,
        stepsBack: p.prediction.stepsBack, refusable: !p.certainBreaks.isEmpty, results: p.evaluation.results,
        contributions: p.prediction.contributions, notes: p.prediction.notes, command: nil)
    case .unpredictable(let image, let reason):
      return Image(
        image: image, kind: "unpredictable", metric: nil, status: "error", size: nil, delta: nil, uncertainty: nil,
        from: nil, stepsBack: nil, refusable: nil, results: [], contributions: [], notes: [reason], command: nil)
    case .unmeasured(let image, let missing):
      return Image(
        image: image, kind: "unmeasured", metric: nil, status: nil, size: nil, delta: nil, uncertainty: nil,
        from: nil, stepsBack: nil, refusable: nil, results: [], contributions: [], notes: [],
        command: missing.command)
    }
  }
}
