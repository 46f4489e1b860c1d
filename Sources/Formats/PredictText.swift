import Budgets
import Evaluation
import Prediction

/// `predict` for a terminal (and the hook's lines): per image the predicted size,
/// the rules it was judged by, and every contribution with where it comes from.
public enum PredictText {
  public static func render(_ report: PredictReport, terminal: TerminalStyle = .plain) -> String {
    var lines = ["sizebudget predict \(report.commit.prefix(12)) \(report.commitSubject.map { "\"\($0)\"" } ?? "")"]
    for entry in report.entries {
      lines.append("")
      switch entry {
      case .measured(let evaluation):
        lines.append(
          "\(evaluation.image): measured at this commit, \(ByteSize.format(evaluation.size)): "
            + evaluation.verdict.headline)
        lines += evaluation.results.map { "  \(CheckText.symbol($0.status)) \($0.message)" }
      case .predicted(let predicted):
        lines += section(predicted, terminal: terminal)
      case .unpredictable(let image, let reason):
        lines.append("\(image): cannot be predicted: \(reason)")
      case .unmeasured(let image, let missing):
        lines.append(
          "\(image): no measured ancestor to predict from: measure one (\(missing.command))")
      }
    }
    return lines.joined(separator: "\n")
  }

  public static func section(_ predicted: PredictedEvaluation, terminal: TerminalStyle) -> [String] {
    let prediction = predicted.prediction
    let metric = predicted.metric == .compressed ? "compressed" : "uncompressed"
    let back =
      prediction.stepsBack == 1 ? "its parent" : "\(prediction.stepsBack) commits back"
    var lines = [
      terminal.apply(
        CheckText.style(predicted.status),
        "\(predicted.evaluation.image): predicted \(ByteSize.format(predicted.size)) \(metric) "
          + "(\(ByteSize.formatDelta(predicted.delta)) ± \(ByteSize.format(predicted.uncertainty)) from "
          + "\(prediction.measured.commit.prefix(12)), measured, \(back)): "
          + "\(predicted.evaluation.verdict.headline) (predicted, no image built)")
    ]
    lines += predicted.evaluation.results.map { "  \(CheckText.symbol($0.status)) \($0.message)" }
    if !prediction.contributions.isEmpty {
      lines.append("  what the push changes:")
      lines += prediction.contributions.map { "    " + contribution($0, metric: predicted.metric) }
    }
    lines += prediction.notes.map { "  note: \($0)" }
    return lines
  }

  /// `+3.0 MB app/model.bin (COPY app/ /app, Dockerfile:5; estimated from git's zlib size)`.
  public static func contribution(_ c: Contribution, metric: Metric) -> String {
    switch c.kind {
    case .unknownPackage:
      return "unknown  \(c.subject) (\(c.source))"
    case .file, .package, .layer:
      let how = metric == .compressed ? "; \(c.compressedHow)" : ""
      return "\(ByteSize.formatDelta(c.bytes(for: metric))) \(c.subject) (\(c.source)\(how))"
    }
  }
}
