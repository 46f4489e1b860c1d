import Budgets
import Evaluation

/// What `budgets tighten` did or would do: one line per size, then the diff.
public enum TightenText {
  public static func render(_ plans: [Tightening.ImagePlan], diff: String, path: String, dryRun: Bool) -> String {
    var lines: [String] = []
    for plan in plans { lines += describe(plan, path: path) }
    let lowered = plans.flatMap(\.proposals).filter(\.isChange).count
    let count = "\(lowered) budget\(lowered == 1 ? "" : "s")"
    lines.append("")
    if lowered == 0 {
      lines.append("Nothing to tighten: \(path) is left as it is.")
    } else {
      lines.append(diff.hasSuffix("\n") ? String(diff.dropLast()) : diff)
      lines.append("")
      lines.append(
        dryRun
          ? "--dry-run: \(count) would be lowered; \(path) is left as it is."
          : "Lowered \(count) in \(path): review the diff and commit it.")
    }
    return lines.joined(separator: "\n")
  }

  private static func describe(_ plan: Tightening.ImagePlan, path: String) -> [String] {
    guard let commit = plan.commit else { return ["\(plan.image): skipped: \(plan.skipped ?? "not measured")"] }
    var lines = [
      "\(plan.image): from its measurement at \(commit.prefix(12)) on \(plan.base) (first parent), "
        + "+\(plan.headroomPercent)% headroom (warn +\(half(plan.headroomPercent))%)"
    ]
    if let bound = plan.estimateBound {
      lines.append(
        "  the compressed size is an estimate (layers stored uncompressed): its error bound, "
          + "\(ByteSize.format(bound)), is added to max's headroom (half of it to warn's)")
    }
    for proposal in plan.proposals {
      let slot = proposal.slot
      let name = "\(slot.key) \(slot.current) (\(path):\(slot.position.line))"
      let measured = proposal.measured.map { "measured \(figure($0, plan, slot.key))" } ?? ""
      switch proposal.outcome {
      case .lower(let number, let bytes):
        lines.append("  \(name) → \(proposed(number, unit: slot.unit, bytes: bytes)): \(measured)")
      case .alreadyTight(let proposed):
        lines.append(
          "  \(name) is already at or under \(ByteSize.format(proposed)) (\(measured) + headroom): left as it is")
      case .left(let reason):
        lines.append("  \(name) left as it is: \(reason)")
      }
    }
    return lines
  }

  /// A proposed value as the file will write it (`1235 MB`; a bare number of bytes as
  /// `150000000 B`): in decimal units that is already the tool's units, and rounding
  /// it to 3 significant digits would say a figure the file does not hold. One the
  /// file writes in binary units is given in the tool's units (kB, MB: powers of
  /// 1000), like every other figure, with what is written after it:
  /// `2.31 MB (written "2.2 MiB")`. Check's loose_budget warning says it the same way.
  public static func proposed(_ number: String, unit: String, bytes: Int64) -> String {
    guard unit.lowercased().hasSuffix("ib") else { return "\(number) \(unit.isEmpty ? "B" : unit)" }
    return ByteSize.format(bytes) + " (written \"\(number) \(unit)\")"
  }

  /// "342 MB compressed", "≈ 342 MB compressed" for an estimate, paths uncompressed.
  private static func figure(_ bytes: Int64, _ plan: Tightening.ImagePlan, _ key: BudgetText.SizeKey) -> String {
    if case .path = key { return "\(ByteSize.format(bytes)) uncompressed" }
    return (plan.estimateBound != nil ? "≈ " : "") + "\(ByteSize.format(bytes)) \(plan.metric.rawValue)"
  }

  private static func half(_ percent: Int) -> String {
    percent % 2 == 0 ? "\(percent / 2)" : "\(percent / 2).5"
  }
}
