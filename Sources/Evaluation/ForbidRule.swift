import Budgets

/// `forbid`: files that must not be in the image, with the offending paths. A
/// symbolic link ships the file it points to, so a matching link weighs its target
/// (measured since sizebudget follows links); matches that ship no bytes at all
/// (dangling links, empty files) warn instead of breaking the budget.
public struct ForbidRule: BudgetRule {
  public init() {}

  public func evaluate(_ context: RuleContext) -> [RuleResult] {
    context.budget.forbid.map { pattern in
      guard context.measurement.layersRead else {
        return .layersNotRead("forbid", subject: pattern.value.text, line: pattern.position.line)
      }
      guard let match = context.measurement.forbidden.first(where: { $0.pattern == pattern.value.text }) else {
        return RuleResult(
          rule: "forbid", subject: pattern.value.text, status: .unknown,
          message: "forbid \"\(pattern.value.text)\" was added after this measurement: measure again to check it",
          budgetLine: pattern.position.line)
      }
      guard match.files > 0 else {
        return RuleResult(
          rule: "forbid", subject: match.pattern, status: .pass, actual: 0,
          message: "nothing matches \"\(match.pattern)\"", budgetLine: pattern.position.line)
      }
      let shown = match.examples.prefix(10).map { example in
        example.path + (example.symlinkTarget.map { " → \($0)" } ?? "")
          + " \(ByteSize.format(example.bytes)) (layer \(example.layer))"
      }
      let more = match.files > shown.count ? ["and \(match.files - shown.count) more"] : []
      guard match.bytes > 0 else {
        return RuleResult(
          rule: "forbid", subject: match.pattern, status: .warn, actual: 0,
          message: "\(counted(match.files, "file")) \(inflected(match.files, "matches", "match")) forbidden "
            + "\"\(match.pattern)\" but \(inflected(match.files, "ships", "ship")) "
            + "no bytes (links to nothing in the image, or empty files; a measurement from before links were "
            + "followed: measure again)",
          budgetLine: pattern.position.line, details: shown + more)
      }
      let files = AcknowledgedFiles(
        match.examples.map { ($0.path, $0.bytes) }, total: match.files, budget: context.budget)
      // Forbidden bytes are what the files hold on disk (uncompressed), whatever the metric.
      let found =
        "\(counted(match.files, "file")) (\(ByteSize.format(match.bytes)) uncompressed) "
        + inflected(match.files, "matches", "match")
      if files.all {
        return RuleResult(
          rule: "forbid", subject: match.pattern, status: .acknowledged, actual: match.bytes,
          message: found + " forbidden \"\(match.pattern)\", all acknowledged by allow \(files.named)",
          budgetLine: pattern.position.line, details: shown + more)
      }
      return RuleResult(
        rule: "forbid", subject: match.pattern, status: .fail, actual: match.bytes,
        message: found + " forbidden \"\(match.pattern)\""
          + (files.count > 0 ? "; \(files.count) of them acknowledged by allow \(files.named)" : ""),
        budgetLine: pattern.position.line, details: shown + more,
        layer: Findings.layer(of: match.examples.map { (Optional($0.layer), $0.bytes) }, in: context.measurement).0)
    }
  }
}
