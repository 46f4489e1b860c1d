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

  /// The split under a `max_growth` result, for the outputs that carry a message per
  /// rule (JUnit, SARIF, github annotations): the "growth:" line, plain, and with
  /// `rebuilt` the base's "rebuilt upstream" line (where the output has no other place
  /// for it). Empty for other rules, and for growth that has no split.
  public static func lines(for result: RuleResult, in image: ImageEvaluation, rebuilt: Bool) -> [String] {
    guard result.rule == "max_growth", result.subject == nil, let split = image.growthSplit else { return [] }
    let growth = "growth: \(split.summary) (\(how(split, metric: nil)))"
    return [growth] + (rebuilt ? split.baseLine.map { [$0] } ?? [] : [])
  }

  /// "base image layers by annotations", after the metric when it is named.
  static func how(_ split: GrowthSplit, metric: String?) -> String {
    (metric.map { "\($0); " } ?? "") + "base image layers by \(split.how)"
  }
}
