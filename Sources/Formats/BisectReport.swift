import Analysis
import Budgets
import Evaluation
import ImageSource
import Model

/// What `bisect` found, ready to print.
public struct BisectResult: Sendable, Encodable {
  public struct Commit: Sendable, Encodable {
    public var id: String
    public var subject: String
    public var author: String
    public var time: Int64

    public init(id: String, subject: String, author: String, time: Int64) {
      self.id = id
      self.subject = subject
      self.author = author
      self.time = time
    }
  }

  public struct Culprit: Sendable, Encodable {
    public var commit: Commit
    /// The last known good commit before it (a candidate, or the base).
    public var before: Commit
    /// nil when the size before it is not known (the base was never measured and
    /// the rule did not need it): shown as unknown, never as 0 B.
    public var sizeBefore: Int64?
    public var sizeAfter: Int64
    public var delta: Int64? { sizeBefore.map { sizeAfter - $0 } }
    /// Its changed files inside the image's context.
    public var contextFiles: [String]
    public var diff: MeasurementDiff?

    public init(
      commit: Commit, before: Commit, sizeBefore: Int64?, sizeAfter: Int64, contextFiles: [String],
      diff: MeasurementDiff?
    ) {
      self.commit = commit
      self.before = before
      self.sizeBefore = sizeBefore
      self.sizeAfter = sizeAfter
      self.contextFiles = contextFiles
      self.diff = diff
    }
  }

  /// A change between two consecutive known sizes along the line.
  public struct Step: Sendable, Encodable {
    /// The commit the change is pinned on, or the first of the commits it spans.
    public var commit: Commit
    /// How many candidate commits the change may come from (1: exactly this one).
    public var span: Int
    public var delta: Int64
    public var share: Double
  }

  public struct Build: Sendable, Encodable {
    public var commit: String
    public var status: String
    public var size: Int64?
    public var seconds: Double
    public var lastLines: [String]

    public init(commit: String, status: String, size: Int64?, seconds: Double, lastLines: [String]) {
      self.commit = commit
      self.status = status
      self.size = size
      self.seconds = seconds
      self.lastLines = lastLines
    }
  }

  public var schema = "sizebudget.bisect/v1"
  public var image: String
  public var metric: String
  public var range: String
  public var rule: String
  public var base: Commit
  public var baseSize: Int64?
  public var tip: Commit
  /// `culprit`, `nothing`, `undetermined` (skipped or failed builds hide the culprit),
  /// `unmeasurable` (no size along the line) or `failing` (stopped: the build fails
  /// the same way every time).
  public var outcome: String
  /// bisect's exit status for this outcome (README "bisect").
  public var exitCode: Int32 = 0
  public var culprit: Culprit?
  /// When skipped builds hide the culprit: the commits it may be.
  public var suspects: [Commit]
  public var steps: [Step]
  public var commitsInRange: Int
  public var candidates: Int
  public var builds: [Build]
  public var seconds: Double

  public init(
    image: String, metric: String, range: String, rule: String, base: Commit, baseSize: Int64?, tip: Commit,
    outcome: String, culprit: Culprit?, suspects: [Commit], steps: [Step], commitsInRange: Int, candidates: Int,
    builds: [Build], seconds: Double
  ) {
    self.image = image
    self.metric = metric
    self.range = range
    self.rule = rule
    self.base = base
    self.baseSize = baseSize
    self.tip = tip
    self.outcome = outcome
    self.culprit = culprit
    self.suspects = suspects
    self.steps = steps
    self.commitsInRange = commitsInRange
    self.candidates = candidates
    self.builds = builds
    self.seconds = seconds
  }

  /// "Who grew it": changes between consecutive known sizes, largest first.
  public static func steps(_ points: [(commit: Commit, size: Int64, index: Int)], total: Int64) -> [Step] {
    var steps: [Step] = []
    for (previous, next) in zip(points, points.dropFirst()) where next.size != previous.size {
      let delta = next.size - previous.size
      steps.append(
        Step(
          commit: next.commit, span: next.index - previous.index, delta: delta,
          share: total == 0 ? 0 : Double(delta) / Double(total)))
    }
    return steps.sorted { abs($0.delta) > abs($1.delta) }
  }
}

public enum BisectReport {
  public static func text(_ result: BisectResult, terminal: TerminalStyle) -> String {
    var out: [String] = []
    let built = result.builds.count
    let headline =
      "bisect \(result.image) over \(result.range): \(counted(result.commitsInRange, "commit")), "
      + "\(result.candidates) \(inflected(result.candidates, "touches", "touch")) the image's context; "
      + "\(counted(built, "build")), \(seconds(result.seconds))"
    out.append(headline)
    out.append(terminal.apply(.dim, "  looking for: \(result.rule)"))
    out.append("")
    switch result.outcome {
    case "culprit":
      if let culprit = result.culprit { out.append(contentsOf: culpritLines(culprit, result, terminal)) }
    case "nothing":
      out.append(
        terminal.apply(.good, "Nothing in \(result.range) breaks the rule")
          + ": \(result.image) is \(result.builds.last?.size.map(ByteSize.format) ?? "within it") at \(result.tip.id.prefix(12))."
      )
    case "failing" where result.suspects.isEmpty:
      out.append(
        terminal.apply(.bad, "Stopped: \(failedInARow(result)) builds in a row failed the same way")
          + " (the build command fails, not one commit): fix it, or give --run; --max-failures sets how many.")
    case "failing":
      out.append(
        terminal.apply(.bad, "Every build failed (\(counted(result.builds.count, "build")))")
          + ": the build command fails, not one commit; fix it, or give --run.")
    case "unmeasurable":
      out.append(
        terminal.apply(.warning, "Nothing measurable: no build in \(result.range) gave a size")
          + " (every one skipped or failed); measure some of these commits, or fix the build:")
      for commit in result.suspects.prefix(10) { out.append("  \(commit.id.prefix(12))  \(commit.subject)") }
    default:
      out.append(terminal.apply(.warning, "Skipped or failed builds hide the culprit; it is one of:"))
      for commit in result.suspects { out.append("  \(commit.id.prefix(12))  \(commit.subject)") }
    }
    if !result.steps.isEmpty {
      out.append("")
      out.append(whoGrewIt(result).render(terminal))
    }
    let failed = result.builds.filter { $0.status == "failed" || $0.status == "timed out" }
    for build in failed {
      out.append("")
      out.append(terminal.apply(.warning, "build of \(build.commit.prefix(12)) \(build.status); its last lines:"))
      out.append(contentsOf: build.lastLines.map { "  | \($0)" })
    }
    if !result.builds.isEmpty {
      out.append("")
      out.append(
        terminal.apply(
          .dim,
          "builds: "
            + result.builds.map {
              "\($0.commit.prefix(12)) \($0.status)"
                + ($0.size.map { " \(ByteSize.format($0)) \(result.metric)" } ?? "") + " (\(seconds($0.seconds)))"
            }
            .joined(separator: ", ")))
    }
    return out.joined(separator: "\n")
  }

  static func culpritLines(_ culprit: BisectResult.Culprit, _ result: BisectResult, _ terminal: TerminalStyle)
    -> [String]
  {
    var out: [String] = []
    out.append(
      terminal.apply(.bad, "culprit ") + terminal.apply(.bold, String(culprit.commit.id.prefix(12)))
        + "  \"\(culprit.commit.subject)\"")
    out.append("  author   \(culprit.commit.author), \(LogOutput.date(culprit.commit.time))")
    out.append(
      "  size     \(sizeChange(culprit, metric: result.metric)) \(result.metric), against \(culprit.before.id.prefix(12))"
    )
    if !culprit.contextFiles.isEmpty {
      out.append(
        "  context  " + culprit.contextFiles.prefix(8).joined(separator: ", ")
          + (culprit.contextFiles.count > 8 ? ", …" : ""))
    }
    if let diff = culprit.diff {
      out.append(contentsOf: CheckText.whatGrew(diff, since: culprit.before.id, terminal: terminal))
    }
    return out
  }

  static func whoGrewIt(_ result: BisectResult) -> TextTable {
    var table = TextTable([
      .init("who grew it"), .init("author", fit: .free), .init("date"), .init("change (\(result.metric))", .right),
      .init("share", .right),
      .init("subject", fit: .free),
    ])
    for step in result.steps.prefix(10) {
      let name = String(step.commit.id.prefix(12)) + (step.span > 1 ? " (or \(step.span - 1) before)" : "")
      table.add([
        name, step.commit.author, LogOutput.date(step.commit.time), ByteSize.formatDelta(step.delta),
        "\(Int((step.share * 100).rounded()))%", shorten(step.commit.subject, to: 50),
      ])
    }
    return table
  }

  public static func json(_ result: BisectResult) -> String { encodeJSON(result) }

  /// How many builds at the end failed (the run stopped on them).
  static func failedInARow(_ result: BisectResult) -> Int {
    result.builds.reversed().prefix { $0.status == "failed" || $0.status == "timed out" }.count
  }

  /// "1.2 MB → 4.2 MB (+3 MB)", or "? → 4.2 MB" when the size before is not known;
  /// "≈" on a size that is an estimate (a docker-archive's compressed size).
  static func sizeChange(_ culprit: BisectResult.Culprit, metric: String) -> String {
    let totals = metric == "compressed" ? culprit.diff?.compressed : nil
    let after = ByteSizeText.format(culprit.sizeAfter, estimated: totals?.afterEstimated == true)
    guard let before = culprit.sizeBefore, let delta = culprit.delta else {
      return "? → \(after) (the size before it is not measured)"
    }
    return "\(ByteSizeText.format(before, estimated: totals?.beforeEstimated == true)) → \(after) "
      + "(\(ByteSizeText.formatDelta(delta, estimated: totals?.isEstimate == true)))"
  }

  public static func markdown(_ result: BisectResult) -> String {
    var out = ["<!-- sizebudget:bisect:\(result.image) -->", ""]
    switch result.outcome {
    case "culprit":
      if let culprit = result.culprit {
        out.append(
          "### 🔎 `\(result.image)`: \(culprit.commit.id.prefix(12)) grew it"
            + (culprit.delta.map { " \(ByteSize.formatDelta($0))" } ?? ""))
        out.append("")
        out.append(
          "**\(CheckMarkdown.escape(culprit.commit.subject))** by \(CheckMarkdown.escape(culprit.commit.author)), "
            + "\(LogOutput.date(culprit.commit.time)): "
            + "\(sizeChange(culprit, metric: result.metric)) (\(result.metric)), "
            + "against `\(culprit.before.id.prefix(12))`.")
        if !culprit.contextFiles.isEmpty {
          out.append("")
          out.append(
            "Changed in the image's context: "
              + culprit.contextFiles.prefix(10).map { "`\($0)`" }.joined(separator: ", "))
        }
        if let diff = culprit.diff, diff.compressed.delta != 0 || diff.uncompressed.delta != 0 {
          out.append("")
          out += CheckMarkdown.whatGrew(diff)
        }
      }
    case "nothing":
      out.append("### ✅ `\(result.image)`: nothing in `\(result.range)` breaks the rule")
    case "failing" where result.suspects.isEmpty:
      out.append(
        "### ❌ `\(result.image)`: stopped after \(failedInARow(result)) builds in a row failed the same way")
    case "failing":
      out.append("### ❌ `\(result.image)`: every build failed (\(counted(result.builds.count, "build")))")
    case "unmeasurable":
      out.append("### ❔ `\(result.image)`: nothing measurable: every build in `\(result.range)` was skipped or failed")
    default:
      out.append("### ❔ `\(result.image)`: skipped or failed builds hide the culprit")
      out.append("")
      out.append(
        result.suspects.map { "- `\($0.id.prefix(12))` \(CheckMarkdown.escape($0.subject))" }.joined(separator: "\n"))
    }
    if !result.steps.isEmpty {
      out.append("")
      out.append("| commit | author | date | change (\(result.metric)) | share |")
      out.append("| --- | --- | --- | ---: | ---: |")
      for step in result.steps.prefix(10) {
        out.append(
          "| `\(step.commit.id.prefix(12))` \(CheckMarkdown.escape(shorten(step.commit.subject, to: 50))) | "
            + "\(CheckMarkdown.escape(step.commit.author)) | \(LogOutput.date(step.commit.time)) | "
            + "\(ByteSize.formatDelta(step.delta)) | \(Int((step.share * 100).rounded()))% |"
        )
      }
    }
    out.append("")
    out.append("<sub>sizebudget bisect · \(result.builds.count) builds · \(seconds(result.seconds))</sub>")
    return out.joined(separator: "\n")
  }

  static func seconds(_ value: Double) -> String {
    value < 10 ? "\(Double(Int(value * 10)) / 10) s" : "\(Int(value.rounded())) s"
  }
}
