import Analysis
import Budgets
import Evaluation
import ImageSource
import Model

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
    if let split = culprit.growthSplit { out += GrowthSplitText.text(split, terminal: terminal) }
    if let diff = culprit.diff {
      out.append(
        contentsOf: CheckText.whatGrew(
          diff, since: culprit.before.id, baseLayers: culprit.baseLayers, terminal: terminal))
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
        if let split = culprit.growthSplit { out += [""] + GrowthSplitText.markdown(split) }
        if let diff = culprit.diff, diff.compressed.delta != 0 || diff.uncompressed.delta != 0 {
          out.append("")
          out += CheckMarkdown.whatGrew(diff, baseLayers: culprit.baseLayers)
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
