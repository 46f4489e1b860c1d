import Budgets

extension LogOutput {
  /// `log --format markdown`: the rows as a GitHub table (a pull request's history of
  /// sizes), with the same columns and words as the text.
  public static func markdown(_ history: LogHistory) -> String {
    guard !history.rows.isEmpty else {
      return "No measurements on `\(history.range)` (\(grouped(history.walked)) commits walked)."
    }
    let rebuilt = history.rows.filter { $0.growthSplit?.baseChanged == true }
    var table = TextTable(
      [.init("commit"), .init("date"), .init("image"), .init(history.sizeTitle, .right), .init("change", .right)]
        + (rebuilt.isEmpty ? [] : [.init("base")]) + [.init("status"), .init("subject")])
    for row in history.rows {
      table.add(
        [
          "`\(row.commit.prefix(12))`", date(row.time), row.image, history.sizeCell(row),
          row.change.map { ByteSizeText.formatDelta($0, estimated: row.changeEstimated) } ?? "",
        ] + (rebuilt.isEmpty ? [] : [baseTag(row)]) + [row.verdict?.headline ?? "", shorten(row.subject, to: 60)])
    }
    let legend =
      history.rows.contains(where: { $0.sizeEstimated || $0.changeEstimated }) ? ByteSizeText.estimateNote + "\n\n" : ""
    let bases = rebuiltLines(rebuilt) { "🔄 " + CheckMarkdown.escape($0) }.map { $0.isEmpty ? "" : "- " + $0 }
    return "### Sizes along `\(history.range)`\n\n" + table.markdown() + "\n\n"
      + (bases.isEmpty ? "" : bases.joined(separator: "\n") + "\n") + legend
      + "\(counted(history.rows.count, "measurement")) on "
      + "\(grouped(history.walked)) commits"
  }
}
