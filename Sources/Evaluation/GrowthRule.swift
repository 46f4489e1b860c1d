import Budgets
import Model

/// `max_growth`: how much the image grew against its base. A commit since the base
/// with a `Size-Budget:` trailer turns a failure into "justified", shown with its
/// reason; it never passes silently.
public struct GrowthRule: BudgetRule {
  public init() {}

  public func evaluate(_ context: RuleContext) -> [RuleResult] {
    guard let growth = context.budget.maxGrowth else { return [] }
    return judge(growth, context) + misnamedTrailerWarnings(growth, context)
  }

  /// A trailer that meant to justify this image but names it wrong justifies nothing;
  /// a warning says so, so the author fixes the name rather than wondering.
  func misnamedTrailerWarnings(_ growth: Located<Growth>, _ context: RuleContext) -> [RuleResult] {
    context.misnamedTrailers.map { trailer in
      RuleResult(
        rule: "max_growth", subject: "Size-Budget: " + trailer.unknownNames.joined(separator: ", "), status: .warn,
        message: trailer.message(for: context.budget.name), budgetLine: growth.position.line)
    }
  }

  func judge(_ growth: Located<Growth>, _ context: RuleContext) -> [RuleResult] {
    guard let base = context.base else {
      if context.firstCommit {
        return [
          RuleResult(
            rule: "max_growth", status: .pass,
            message: "the first commit of \(context.budget.base): no earlier size to grow from",
            budgetLine: growth.position.line)
        ]
      }
      var result = RuleResult(
        rule: "max_growth", status: .unknown, limit: nil,
        message:
          "no measured base to compare with (\(context.baseMissing ?? "base \(context.budget.base)")): growth cannot be judged",
        budgetLine: growth.position.line)
      result.lacksMeasurement = true
      return [result]
    }
    let comparability = Comparability.between(context.measurement, base: base.measurement, metric: context.metric)
    if case .unknown(let reason) = comparability {
      return [
        RuleResult(
          rule: "max_growth", status: .unknown, message: "growth cannot be judged: \(reason)",
          budgetLine: growth.position.line)
      ]
    }
    let baseSize = base.measurement.bytes(for: context.metric.rawValue)
    let split = GrowthSplit.between(base.measurement, context.measurement, metric: context.metric)
    let judged = Self.judged(context, split: split, total: context.size.saturatingSubtracting(baseSize))
    let delta = judged.delta
    let allowance = growth.value.allowance(over: baseSize)
    var against = "\(judged.label)against \(base.commit.prefix(12))"
    var errorBound: Int64 = 0
    if case .estimated(let bound, let note) = comparability {
      errorBound = bound
      against +=
        " (≈: \(note); the estimate's error is up to ±\(Comparability.estimateErrorPercent) %, "
        + "\(ByteSize.format(bound)))"
    }
    let approximate =
      Comparability.isEstimate(context.measurement, context.metric)
      || Comparability.isEstimate(base.measurement, context.metric)
    let grew = ByteSize.formatDelta(delta, estimated: approximate)
    if delta <= allowance {
      return [
        RuleResult(
          rule: "max_growth", status: .pass, actual: delta, limit: allowance,
          message: "grew \(grew) \(against), within \(growth.value)\(judged.suffix)",
          budgetLine: growth.position.line, details: judged.details)
      ]
    }
    let overBy = ByteSize.format(delta - allowance)
    if delta - allowance <= errorBound {
      // Over the limit by less than the estimate may be wrong: a warning to look at,
      // never a failed gate on what may be the estimator's noise.
      return [
        RuleResult(
          rule: "max_growth", status: .warn, actual: delta, limit: allowance,
          message: "grew \(grew) \(against), over \(growth.value) by \(overBy), within the estimate's error: "
            + "not failed; measure both commits from the same kind of source to judge\(judged.suffix)",
          budgetLine: growth.position.line, details: judged.details)
      ]
    }
    if let noise = Self.noise(covering: delta, context) {
      // Not a failure, not silent either: a warning that says why.
      return [
        RuleResult(
          rule: "max_growth", status: .warn, actual: delta, limit: allowance,
          message: "grew \(grew) \(against), over \(growth.value) by \(overBy) "
            + "but within noise (\(noise))\(judged.suffix)",
          budgetLine: growth.position.line, details: judged.details)
      ]
    }
    if !context.justifications.isEmpty {
      let reasons = context.justifications.map { "\($0.commit.prefix(12)): \($0.reason)" }
      return [
        RuleResult(
          rule: "max_growth", status: .justified, actual: delta, limit: allowance,
          message: "grew \(grew) \(against), over \(growth.value) by \(overBy)\(judged.suffix), "
            + "justified by Size-Budget: \(context.justifications.map(\.reason).joined(separator: "; "))",
          budgetLine: growth.position.line, details: judged.details + reasons,
          layer: largestAddedLayer(base, context))
      ]
    }
    return [
      RuleResult(
        rule: "max_growth", status: .fail, actual: delta, limit: allowance,
        message: "grew \(grew) \(against), over \(growth.value) by \(overBy)\(judged.suffix)",
        budgetLine: growth.position.line, details: judged.details, layer: largestAddedLayer(base, context))
    ]
  }

  /// The growth `growth_of` asks to judge, what to add to the message, and the split
  /// as detail lines. `own` without a known split is judged on the total, and says so.
  static func judged(_ context: RuleContext, split: GrowthSplit?, total: Int64)
    -> (delta: Int64, label: String, suffix: String, details: [String])
  {
    // The split and a rebuilt base are each format's image-level lines; repeating
    // them under the rule said the rebuilt base three times in text.
    let details: [String] = []
    guard context.budget.growthOf == .own else { return (total, "", "", details) }
    guard let split else {
      return (
        total, "", " (growth_of = \"own\", but the base image's layers are not known: the total is judged)", details
      )
    }
    let rebuilt =
      split.baseChanged
      ? "; the base image's \(ByteSize.formatDelta(split.baseDelta)) not counted (growth_of = \"own\")" : ""
    return (split.ownDelta, "in own layers ", rebuilt, details)
  }

  /// What makes `delta` noise, if anything: the image's observed spread between two
  /// measurements of one commit (`±30 kB observed at abc1234`), else the budget's
  /// `tolerance`. A change no bigger than the noise says nothing about the commit.
  static func noise(covering delta: Int64, _ context: RuleContext) -> String? {
    if let observed = context.noise, delta <= observed.bytes {
      return "±\(ByteSize.format(observed.bytes)) observed at \(observed.commit.prefix(12))"
    }
    if let tolerance = context.budget.tolerance, delta <= tolerance.value.bytes {
      return "tolerance \(tolerance.value) at budgets.toml:\(tolerance.position.line)"
    }
    return nil
  }

  /// The biggest layer the base does not have: where a reviewer looks first. When
  /// only own layers are judged, a rebuilt base image's layer is not what failed.
  func largestAddedLayer(_ base: BaseMeasurement, _ context: RuleContext) -> Int? {
    let firstOwn =
      context.budget.growthOf == .own
      ? GrowthSplit.baseLayerCounts(base.measurement, context.measurement)?.new ?? 0 : 0
    return MeasurementDiff.layerChanges(base.measurement, context.measurement)
      .filter { $0.kind == .added && $0.index >= firstOwn }
      .max { $0.compressedBytes < $1.compressedBytes }?.index
  }
}
