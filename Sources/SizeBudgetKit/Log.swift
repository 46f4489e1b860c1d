import Analysis
import Budgets
import Evaluation
import Formats
import Foundation
import GitHistory
import Model
import Prediction
import Store

/// `sizebudget log [RANGE]`: sizes along history, one row per measured commit.
public enum Log {
  /// How many rows, newest first, `log` judges as `check` would (each needs the whole
  /// measurement and a base lookup; a 20,000-row history shows sizes for the rest).
  public static let judgedRows = 200
  /// How many of the newest walked commits may get a row inheriting an ancestor's
  /// measurement (each costs a first-parent walk and a tree diff).
  public static let inheritWindow = 50

  public struct Request: Sendable {
    public var range = "HEAD"
    public var images: [String] = []
    public var firstParent = false
    /// text, json or markdown.
    public var format = "text"
    /// Set each judged row's predicted change beside its measured one.
    public var predicted = false

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
      throw .from(error)
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
      throw .from(error)
    }
    var rows: [LogRow] = []
    var walked = 0
    var newest: [String] = []
    do {
      try HistoryIndex(repository).walk(range, firstParent: request.firstParent) { id in
        walked += 1
        let hex = id.hex
        if newest.count < inheritWindow { newest.append(hex) }
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
    rows = try addInherited(to: rows, newest: newest, budgets: budgets, images: imageFilter, context)
    let records = (try? store.commits(Set(rows.map(\.commit)))) ?? [:]
    var loaded: [String: ImageMeasurement] = [:]
    let unjudged = try judge(&rows, budgets: budgets, context, loaded: &loaded)
    if request.predicted, let budgets { try predict(&rows, budgets: budgets, context) }
    LogSizes.fill(&rows, budgets: budgets)
    LogSizes.split(&rows, measurements: loaded)
    var history = LogHistory(
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
      }, unjudged: unjudged)
    history.showPredicted = request.predicted
    switch request.format {
    case "json": return LogOutput.json(history)
    case "markdown": return LogOutput.markdown(history)
    default:
      return TextWrap.fit(
        LogOutput.text(history, terminal: terminal, sparklines: sparklines), width: TextWrap.lineWidth())
    }
  }

  /// Rows for the newest commits that have no measurement of a budgeted image but
  /// inherit one (nothing in its context changed since a measured ancestor), as
  /// `check` judges them; only commits newer than the image's newest measured row.
  static func addInherited(
    to rows: [LogRow], newest: [String], budgets: BudgetFile?, images filter: Set<String>, _ context: CommandContext
  ) throws(CommandError) -> [LogRow] {
    guard let budgets else { return rows }
    let inheritance = try Check.inheritanceFinder(context)
    let position = Dictionary(newest.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
    var added: [LogRow] = []
    for budget in budgets.images where filter.isEmpty || filter.contains(budget.name) {
      guard let firstRow = rows.first(where: { $0.image == budget.name }), let end = position[firstRow.commit]
      else { continue }
      for commit in newest.prefix(end) {
        let lookup: InheritanceFinder.Lookup
        do { lookup = try inheritance.lookup(budget, at: commit) } catch { throw .from(error) }
        guard case .inherits(let found, let measurement) = lookup else { continue }
        var row = LogRow(
          commit: commit, image: budget.name, compressedBytes: measurement.compressedBytes,
          uncompressedBytes: measurement.uncompressedBytes)
        row.inherited = found
        added.append(row)
      }
    }
    guard !added.isEmpty else { return rows }
    // Newest first, as walked: the added rows all lie in the window.
    let all = added + rows
    return all.indices.sorted { a, b in
      let (pa, pb) = (position[all[a].commit] ?? Int.max, position[all[b].commit] ?? Int.max)
      if pa != pb { return pa < pb }
      if all[a].commit == all[b].commit { return all[a].image < all[b].image }
      return a < b
    }.map { all[$0] }
  }

  /// The newest `judgedRows` rows of budgeted images: what would have been predicted
  /// for the commit, from the nearest measured commit before it, had it not been
  /// built (a row that cannot be predicted stays blank).
  static func predict(_ rows: inout [LogRow], budgets: BudgetFile, _ context: CommandContext) throws(CommandError) {
    let predictor = Predictor(repository: try context.repository(), store: try context.store())
    var done = 0
    for index in rows.indices where done < judgedRows {
      guard let budget = budgets.image(named: rows[index].image) else { continue }
      done += 1
      guard let prediction = try? predictor.predict(budget, at: rows[index].commit, fromParent: true) else { continue }
      rows[index].predicted = (prediction.delta(for: budget.metric), prediction.uncertainty(for: budget.metric))
    }
  }

  /// Gives the newest `judgedRows` rows of budgeted images `check`'s verdict (one
  /// evaluation per commit, all its images at once); returns how many budgeted rows
  /// were left unjudged. A commit that cannot be judged says why in its rows.
  /// `loaded` gets the layers of each measurement judging read (the row's and its
  /// base's, by `LogSizes.key`): enough to split growth without reading more.
  static func judge(
    _ rows: inout [LogRow], budgets: BudgetFile?, _ context: CommandContext,
    loaded: inout [String: ImageMeasurement]
  ) throws(CommandError) -> Int {
    guard let budgets else { return 0 }
    let budgeted = rows.indices.filter { budgets.image(named: rows[$0].image) != nil }
    let judged = budgeted.prefix(judgedRows)
    var byCommit: [String: [Int]] = [:]
    var order: [String] = []
    for index in judged {
      if byCommit[rows[index].commit] == nil { order.append(rows[index].commit) }
      byCommit[rows[index].commit, default: []].append(index)
    }
    let lines = try baseLines(Set(budgets.images.map(\.base)), reaching: Set(order), context)
    // Neighbouring rows walk the same first-parent line for their noise: read it once.
    let noiseMemo = NoiseMemo()
    for commit in order {
      let indices = byCommit[commit]!
      let images = indices.compactMap { budgets.image(named: rows[$0].image) }
      // On every image's base line the commit is its own merge-base: no walk from the tip.
      let onBase: Set<String> = images.allSatisfy { lines[$0.base]?.contains(commit) == true } ? [commit] : []
      do {
        let report = try Check.evaluate(
          commit: commit, images: images, context, revision: commit, onBase: onBase, noiseMemo: noiseMemo)
        for index in indices {
          guard let evaluation = report.images.first(where: { $0.image == rows[index].image }) else { continue }
          rows[index].verdict = evaluation.verdict
          for measurement in [evaluation.measurement] + (evaluation.base.map { [$0.measurement] } ?? []) {
            loaded[LogSizes.key(image: measurement.image, commit: measurement.commit)] = layersOnly(measurement)
          }
        }
      } catch {
        for index in indices { rows[index].verdict = Judgement.error(error.message) }
      }
    }
    return budgeted.count - judged.count
  }

  /// What a growth split reads of a measurement (its layers, base and totals): the
  /// paths, packages and files are let go, so memory stays flat over 200 rows.
  static func layersOnly(_ measurement: ImageMeasurement) -> ImageMeasurement {
    var slim = measurement
    slim.paths = []
    slim.wasted = []
    slim.forbidden = []
    slim.required = []
    slim.packages = []
    slim.categories = []
    return slim
  }

  /// Per base branch, the commits of its first-parent line down to the oldest of
  /// `commits` found there (at most `BaseFinder.searchLimit` steps): judging a row on
  /// that line then needs no merge-base walk from the branch tip.
  static func baseLines(_ bases: Set<String>, reaching commits: Set<String>, _ context: CommandContext)
    throws(CommandError) -> [String: Set<String>]
  {
    let repository = try context.repository()
    var lines: [String: Set<String>] = [:]
    for base in bases {
      guard let tip = try? repository.resolveBranch(base) else { continue }
      var line: Set<String> = []
      var found = 0
      try? HistoryIndex(repository).walk(
        RevisionRange(include: [tip], exclude: [], text: base), firstParent: true
      ) { id in
        line.insert(id.hex)
        if commits.contains(id.hex) { found += 1 }
        return found < commits.count && line.count < BaseFinder.searchLimit
      }
      lines[base] = line
    }
    return lines
  }
}
