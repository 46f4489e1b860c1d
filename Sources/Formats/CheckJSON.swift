import Analysis
import Evaluation
import Model

/// `check --format json`: the `sizebudget.check/v1` schema of docs/json-schema.md.
public enum CheckJSON {
  struct Document: Encodable {
    let schema = "sizebudget.check/v1"
    var commit: String
    var commitSubject: String?
    var branch: String?
    /// The worst image's status (`Judgement`): `pass` only when `exit_code` is 0.
    var status: String
    /// "over budget: forbid ×2, max_growth".
    var headline: String
    var exitCode: Int32
    var images: [Image]
    var missing: [MissingMeasurement]
    /// The commit status's line, the comment's marker and the comment itself: what
    /// `sizebudget comment --from` posts without the repository or the store.
    var summary: String
    var marker: String
    var comment: String
  }

  struct Image: Encodable {
    var image: String
    var owner: String?
    var metric: String
    var status: String
    var headline: String
    /// The rules behind the status, counted ("forbid ×2").
    var statusRules: [String]
    var size: Int64
    /// True when `size` is an estimate (the compressed size of a docker-archive).
    var sizeEstimated: Bool
    var compressedBytes: Int64
    var compressedEstimated: Bool
    var uncompressedBytes: Int64
    var max: Int64?
    var warn: Int64?
    var headroom: Int64?
    var base: Base?
    var results: [RuleResult]
    var justifications: [Justification]
    var diff: MeasurementDiff?
    var sources: LayerSources?
    /// Growth against the base split into base image and own layers.
    var growthSplit: GrowthSplit?
    var growthOf: String
    /// Set when judged with an ancestor's measurement (nothing in context changed since).
    var inherited: Inheritance?
  }

  struct Base: Encodable {
    var commit: String
    var subject: String?
    var size: Int64
    var sizeEstimated: Bool
    var delta: Int64
    var how: String
  }

  public static func render(_ report: CheckReport) -> String {
    encodeJSON(
      Document(
        commit: report.commit, commitSubject: report.commitSubject, branch: report.branch,
        status: report.status.rawValue, headline: report.headline, exitCode: report.exitCode,
        images: report.images.map(image),
        missing: report.missing, summary: CheckMarkdown.statusLine(report), marker: CheckMarkdown.marker(report),
        comment: CheckMarkdown.render(report)))
  }

  static func image(_ evaluation: ImageEvaluation) -> Image {
    let m = evaluation.measurement
    let verdict = evaluation.verdict
    return Image(
      image: evaluation.image, owner: evaluation.owner, metric: evaluation.metric.rawValue,
      status: verdict.status.rawValue, headline: verdict.headline, statusRules: verdict.rules, size: evaluation.size,
      sizeEstimated: evaluation.sizeIsEstimate,
      compressedBytes: m.compressedBytes,
      compressedEstimated: m.compressedEstimated, uncompressedBytes: m.uncompressedBytes,
      max: evaluation.budget.max?.value.bytes, warn: evaluation.budget.warn?.value.bytes, headroom: evaluation.headroom,
      base: evaluation.base.map {
        Base(
          commit: $0.commit, subject: $0.subject, size: $0.measurement.bytes(for: evaluation.metric.rawValue),
          sizeEstimated: evaluation.baseIsEstimate, delta: evaluation.baseDelta ?? 0, how: $0.how)
      }, results: evaluation.results, justifications: evaluation.justifications, diff: evaluation.diff,
      sources: evaluation.sources, growthSplit: evaluation.growthSplit,
      growthOf: evaluation.budget.growthOf.rawValue, inherited: evaluation.inherited)
  }
}
