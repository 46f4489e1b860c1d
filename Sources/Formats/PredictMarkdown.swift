import Budgets
import Evaluation
import Prediction

/// `predict --format markdown`: the "expected" lines a pull request comment can carry
/// before the image is built; every figure says it is predicted.
public enum PredictMarkdown {
  public static func render(_ report: PredictReport) -> String {
    var lines = [
      "### sizebudget: expected sizes at `\(report.commit.prefix(12))`", "",
      "| image | expected | change | status |", "| --- | --- | --- | --- |",
    ]
    for entry in report.entries {
      switch entry {
      case .measured(let e):
        lines.append(
          "| \(e.image) | \(ByteSize.format(e.size)) (measured) | \(e.baseDelta.map(ByteSize.formatDelta) ?? "–") "
            + "| \(CheckMarkdown.emoji(e.status)) \(e.verdict.headline) |")
      case .predicted(let p):
        lines.append(
          "| \(p.evaluation.image) | \(ByteSize.format(p.size)) (predicted) | "
            + "\(ByteSize.formatDelta(p.delta)) ± \(ByteSize.format(p.uncertainty)) | "
            + "\(CheckMarkdown.emoji(p.status)) \(p.evaluation.verdict.headline) (predicted) |")
      case .unpredictable(let image, let reason):
        lines.append("| \(image) | – | – | cannot be predicted: \(CheckMarkdown.escape(reason)) |")
      case .unmeasured(let image, _):
        lines.append("| \(image) | – | – | no measured ancestor |")
      }
    }
    for p in report.predicted {
      lines += ["", "<details><summary>\(p.evaluation.image): what the push changes</summary>", ""]
      lines += p.evaluation.results.map { "- \(CheckMarkdown.emoji($0.status)) \(CheckMarkdown.escape($0.message))" }
      lines += p.prediction.contributions.map {
        "- " + CheckMarkdown.escape(PredictText.contribution($0, metric: p.metric))
      }
      lines += p.prediction.notes.map { "- _\(CheckMarkdown.escape($0))_" }
      lines += ["", "</details>"]
    }
    return lines.joined(separator: "\n")
  }
}
