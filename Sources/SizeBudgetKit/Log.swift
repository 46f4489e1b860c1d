import Analysis
import Budgets
import Evaluation
import Formats
import Foundation
import GitHistory
import Store

/// `sizebudget log [RANGE]`: sizes along history, one row per measured commit.
public enum Log {
  /// How many rows, newest first, `log` judges as `check` would (each needs the whole
  /// measurement and a base lookup; a 20,000-row history shows sizes for the rest).
  public static let judgedRows = 200

  public struct Request: Sendable {
    public var range = "HEAD"
    public var images: [String] = []
    public var firstParent = false
    public var json = false

    public init() {}
  }

  public static func run(_ request: Request, in context: CommandContext, terminal: TerminalStyle, sparklines: Bool)
    throws(CommandError) -> String
  {
    let budgets = try context.budgetsIfPresent()
    let repository = try context.repository()
    let store = try context.store()
    let range: RevisionRange
    do {
      range = try repository.resolveRange(request.range)
    } catch {
      throw .usage(error.message)
    }
    try context.requireKnown(request.images)
    let imageFilter = Set(request.images)
    // Every measurement's headline, by commit: one query, then the walk only looks up.
    var byCommit: [String: [MeasurementSummary]] = [:]
    do {
      for summary in try store.summaries() where imageFilter.isEmpty || imageFilter.contains(summary.image) {
        byCommit[summary.commit, default: []].append(summary)
      }
    } catch {
      throw .usage(error.message)
    }
    var rows: [LogRow] = []
    var walked = 0
    do {
      try HistoryIndex(repository).walk(range, firstParent: request.firstParent) { id in
        walked += 1
        let hex = id.hex
        if let summaries = byCommit[hex] {
          for summary in summaries.sorted(by: { $0.image < $1.image }) {
            rows.append(
              LogRow(
                commit: hex, image: summary.image, compressedBytes: summary.compressedBytes,
                uncompressedBytes: summary.uncompressedBytes))
          }
        }
        return true
      }
    } catch {
      throw .usage("\(error)")
    }
    let records = (try? store.commits(Set(rows.map(\.commit)))) ?? [:]
    let unjudged = try judge(&rows, budgets: budgets, context)
    let history = LogHistory(
      range: request.range, walked: walked,
      rows: rows.map { row in
        var row = row
        if let record = records[row.commit] {
          row.subject = record.subject
          row.time = record.time
          row.author = record.authorName
        } else if let info = try? repository.commit(ObjectID(hex: row.commit)!) {
          row.subject = info.subject
          row.time = info.time
          row.author = info.authorName
        }
        return row
      }, budgets: budgets, unjudged: unjudged)
    return request.json ? LogOutput.json(history) : LogOutput.text(history, terminal: terminal, sparklines: sparklines)
  }

  /// Gives the newest `judgedRows` rows of budgeted images `check`'s verdict (one
  /// evaluation per commit, all its images at once); returns how many budgeted rows
  /// were left unjudged. A commit that cannot be judged says why in its rows.
  static func judge(_ rows: inout [LogRow], budgets: BudgetFile?, _ context: CommandContext) throws(CommandError)
    -> Int
  {
    guard let budgets else { return 0 }
    let budgeted = rows.indices.filter { budgets.image(named: rows[$0].image) != nil }
    let judged = budgeted.prefix(judgedRows)
    var byCommit: [String: [Int]] = [:]
    var order: [String] = []
    for index in judged {
      if byCommit[rows[index].commit] == nil { order.append(rows[index].commit) }
      byCommit[rows[index].commit, default: []].append(index)
    }
    for commit in order {
      let indices = byCommit[commit]!
      let images = indices.compactMap { budgets.image(named: rows[$0].image) }
      do {
        let report = try Check.evaluate(commit: commit, images: images, context, revision: commit)
        for index in indices {
          rows[index].verdict = report.images.first { $0.image == rows[index].image }?.verdict
        }
      } catch {
        for index in indices { rows[index].verdict = Judgement.error(error.message) }
      }
    }
    return budgeted.count - judged.count
  }
}
