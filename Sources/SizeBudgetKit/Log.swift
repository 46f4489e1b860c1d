import Analysis
import Budgets
import Evaluation
import Formats
import Foundation
import GitHistory
import Store

/// `sizebudget log [RANGE]`: sizes along history, one row per measured commit.
public enum Log {
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
            var row = LogRow(
              commit: hex, image: summary.image, compressedBytes: summary.compressedBytes,
              uncompressedBytes: summary.uncompressedBytes)
            row.compressedEstimated = summary.compressedEstimated
            rows.append(row)
          }
        }
        return true
      }
    } catch {
      throw .usage("\(error)")
    }
    let records = (try? store.commits(Set(rows.map(\.commit)))) ?? [:]
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
      }, budgets: budgets)
    return request.json ? LogOutput.json(history) : LogOutput.text(history, terminal: terminal, sparklines: sparklines)
  }
}
