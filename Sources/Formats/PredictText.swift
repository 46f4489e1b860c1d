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
        let metric = evaluation.metric == .compressed ? "compressed" : "uncompressed"
        let how =
          evaluation.inherited.map { "judged by its ancestor's measurement (\($0.message))" }
          ?? "measured at this commit"
        lines.append(
          "\(evaluation.image): \(how), \(ByteSize.format(evaluation.size)) \(metric): "
            + evaluation.verdict.headline)
        lines += resultLines(evaluation.results, terminal: terminal)
        if let accuracy = report.accuracy[evaluation.image] { lines.append("  " + accuracyLine(accuracy)) }
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
          + "(\(ByteSize.formatDelta(predicted.delta)) \(predicted.uncertaintyText) from "
          + "\(prediction.measured.commit.prefix(12)), measured, \(back)): "
          + "\(predicted.evaluation.verdict.headline) (predicted, no image built)")
    ]
    lines += resultLines(predicted.evaluation.results, terminal: terminal)
    if !prediction.contributions.isEmpty {
      let onRemote = prediction.contributions.filter { $0.onRemote == true }.count
      lines.append(
        onRemote == 0
          ? "  what the push changes:"
          : "  what changed since the measured ancestor (\(onRemote) already on the remote, marked):")
      lines += prediction.contributions.map {
        "    " + contribution($0, metric: predicted.metric) + ($0.onRemote == true ? " — already on the remote" : "")
      }
    }
    lines += prediction.notes.map { "  note: \($0)" }
    return lines
  }

  /// Each rule's line, and the first files or layers behind one that does not pass.
  static func resultLines(_ results: [RuleResult], terminal: TerminalStyle) -> [String] {
    results.flatMap { result in
      let details = result.status == .pass ? [] : result.details.prefix(3).map { terminal.apply(.dim, "      \($0)") }
      return ["  \(CheckText.symbol(result.status)) \(result.message)"] + details
    }
  }

  /// "predicted from abc123456789 (measured): +3 MB ± 300 kB; measured +3.1 MB, off by
  /// -100 kB (within the uncertainty)".
  static func accuracyLine(_ accuracy: PredictionAccuracy) -> String {
    let metric = accuracy.metric == .compressed ? "compressed" : "uncompressed"
    let stated = accuracy.uncertainty.map { "± \(ByteSize.format($0))" } ?? "uncertainty unknown"
    let within =
      accuracy.withinUncertainty.map { $0 ? " (within the uncertainty)" : " (outside the uncertainty)" } ?? ""
    return "predicted from \(accuracy.from.prefix(12)) (measured) without a build: "
      + "\(ByteSize.formatDelta(accuracy.predictedChange)) \(stated) \(metric); measured "
      + "\(ByteSize.formatDelta(accuracy.measuredChange)), off by \(ByteSize.formatDelta(accuracy.error))\(within)"
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
