import Budgets

extension LogOutput {
  /// `log --format markdown`: the rows as a GitHub table (a pull request's history of
  /// sizes), with the same columns and words as the text.
  public static func markdown(_ history: LogHistory) -> String {
    guard !history.rows.isEmpty else {
      return "No measurements on `\(history.range)` (\(grouped(history.walked)) commits walked)."
    }
    var table = TextTable([
      .init("commit"), .init("date"), .init("image"), .init("size", .right), .init("change", .right), .init("status"),
      .init("subject"),
    ])
    for (row, delta) in zip(history.rows, history.deltas()) {
      table.add([
        "`\(row.commit.prefix(12))`", date(row.time), row.image, ByteSize.format(history.size(row)),
        delta.map(ByteSize.formatDelta) ?? "", row.verdict?.headline ?? "", shorten(row.subject, to: 60),
      ])
    }
    return "### Sizes along `\(history.range)`\n\n" + table.markdown() + "\n\n"
      + "\(grouped(history.rows.count)) measurement\(history.rows.count == 1 ? "" : "s") on "
      + "\(grouped(history.walked)) commits"
  }
}
