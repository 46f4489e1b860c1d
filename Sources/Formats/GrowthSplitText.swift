import Evaluation
import Model

/// The growth split as every output words it (check, diff, log, report, the site):
/// one "growth:" line with `GrowthSplit.summary`, and the base's "rebuilt upstream"
/// line when the base changed, said once.
public enum GrowthSplitText {
  /// `growth: base image python:3.11-slim +5.2 MB, own layers +1 kB (base image layers
  /// by annotations)`; `metric` names the measure where the output around it does not.
  public static func text(_ split: GrowthSplit, metric: String? = nil, indent: String = "  ", terminal: TerminalStyle)
    -> [String]
  {
    var out = [
      "\(indent)growth: \(split.summary)" + terminal.apply(.dim, " (\(how(split, metric: metric)))")
    ]
    if let rebuilt = split.baseLine { out.append(terminal.apply(.warning, "\(indent)\(rebuilt)")) }
    return out
  }

  /// The same as Markdown paragraphs: "Growth: …." and "🔄 … rebuilt upstream: …";
  /// `label` names whose growth where several images share a page ("`api` growth").
  public static func markdown(_ split: GrowthSplit, metric: String? = nil, label: String = "Growth") -> [String] {
    var out = ["\(label): \(CheckMarkdown.escape(split.summary)) (\(how(split, metric: metric)))."]
    if let rebuilt = split.baseLine { out += ["", "🔄 \(CheckMarkdown.escape(rebuilt))"] }
    return out
  }

  /// "base image layers by annotations", after the metric when it is named.
  static func how(_ split: GrowthSplit, metric: String?) -> String {
    (metric.map { "\($0); " } ?? "") + "base image layers by \(split.how)"
  }
}
