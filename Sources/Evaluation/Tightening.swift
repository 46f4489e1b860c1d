import Analysis
import Budgets

/// The ratchet (`sizebudget budgets tighten`): new `max`, `warn` and path caps from
/// the latest measurement on the base branch plus headroom. It only ever lowers a
/// budget, so that a slimming is kept and the next regression cannot hide under the
/// old size; a value already tighter than the proposal is left as it is.
public enum Tightening {
  /// What happens to one size in budgets.toml.
  public enum Outcome: Sendable {
    /// Lowered to `number` of the slot's unit (`bytes` once parsed).
    case lower(number: String, bytes: Int64)
    /// Already at or under the proposal (`proposed` bytes): left as it is.
    case alreadyTight(proposed: Int64)
    /// Not changed, and why (no figure measured, not editable in place).
    case left(reason: String)
  }

  public struct Proposal: Sendable {
    public var slot: BudgetText.SizeSlot
    /// The measured figure this size is proposed from.
    public var measured: Int64?
    public var outcome: Outcome

    public var isChange: Bool {
      if case .lower = outcome { true } else { false }
    }
  }

  /// One image's proposals, or why it is skipped.
  public struct ImagePlan: Sendable {
    public var image: String
    /// The measured commit on the base branch the proposals come from.
    public var commit: String?
    public var base: String
    public var metric: Metric
    public var headroomPercent: Int
    /// Said when the image's size is an estimate: the bytes added to its headroom.
    public var estimateBound: Int64?
    public var proposals: [Proposal] = []
    public var skipped: String?
  }

  /// An image with no measurement on its base branch: named, nothing proposed.
  public static func skipped(_ budget: ImageBudget, headroomPercent: Int, reason: String) -> ImagePlan {
    ImagePlan(
      image: budget.name, commit: nil, base: budget.base, metric: budget.metric, headroomPercent: headroomPercent,
      skipped: reason)
  }

  /// Proposals for `slots` (the image's sizes as written) from `measurement`, the
  /// latest on the base branch at `commit`.
  public static func plan(
    _ budget: ImageBudget, slots: [BudgetText.SizeSlot], measurement: ImageMeasurement, commit: String,
    headroomPercent: Int
  ) -> ImagePlan {
    var plan = ImagePlan(
      image: budget.name, commit: commit, base: budget.base, metric: budget.metric, headroomPercent: headroomPercent)
    // An estimated size may be off by up to its error bound: the budget must leave
    // room for that too, or an exact measurement of the same image could fail it.
    let bound = Comparability.isEstimate(measurement, budget.metric) ? Comparability.errorBound(measurement) : 0
    if bound > 0 { plan.estimateBound = bound }
    let imageSize: Int64? =
      budget.metric == .uncompressed && !measurement.layersRead ? nil : measurement.bytes(for: budget.metric.rawValue)
    for slot in slots {
      // Headroom in tenths of a percent: warn sits halfway between the size and max,
      // so that it warns before max fails, and half of 5 % stays exact.
      switch slot.key {
      case .max:
        plan.proposals.append(
          proposal(slot, measured: imageSize, tenths: headroomPercent * 10, extra: bound, measurement))
      case .warn:
        plan.proposals.append(
          proposal(slot, measured: imageSize, tenths: headroomPercent * 5, extra: bound / 2, measurement))
      case .path(let path):
        // Paths are uncompressed bytes, counted exactly: no estimate to allow for.
        let bytes = measurement.layersRead ? measurement.bytes(at: path) : 0
        plan.proposals.append(
          proposal(slot, measured: bytes > 0 ? bytes : nil, tenths: headroomPercent * 10, extra: 0, measurement))
      }
    }
    return plan
  }

  /// The measured figure plus `tenths` of a percent and `extra` bytes, rounded up to a
  /// readable number in the unit the file uses for this size.
  private static func proposal(
    _ slot: BudgetText.SizeSlot, measured: Int64?, tenths: Int, extra: Int64, _ measurement: ImageMeasurement
  ) -> Proposal {
    guard let measured else {
      let reason =
        if case .path(let path) = slot.key {
          measurement.layersRead
            ? "\(path) holds nothing in the measurement (or lies deeper than path_depth)"
            : "the measurement read only the registry manifest, so path sizes are not known"
        } else {
          "the measurement read only the registry manifest, so its uncompressed size is not known"
        }
      return Proposal(slot: slot, measured: nil, outcome: .left(reason: reason))
    }
    if let reason = slot.notEditable { return Proposal(slot: slot, measured: measured, outcome: .left(reason: reason)) }
    let room = Int64((Double(measured) * Double(tenths) / 1000).rounded(.up)) + extra
    let floor = measured + room
    let number = ByteSize.readableNumber(atLeast: floor, slack: room / 4, unit: slot.unit)
    let proposed = ByteSize.parseNumber(number, unit: slot.unit) ?? floor
    guard proposed < slot.current.bytes else {
      return Proposal(slot: slot, measured: measured, outcome: .alreadyTight(proposed: proposed))
    }
    return Proposal(slot: slot, measured: measured, outcome: .lower(number: number, bytes: proposed))
  }
}
