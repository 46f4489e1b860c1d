import Analysis
import Budgets
import Evaluation
import Formats
import Foundation
import GitHistory
import Model
import Site
import Store

/// `sizebudget site --output DIR`: a static site from the store and the history alone.
/// Gathers here (walk, store, check, diff, explain); Site renders and writes.
public enum SiteBuild {
  public struct Request: Sendable {
    public var output: String
    public var since = "90d"
    public var branch: String?
    public var images: [String] = []
    public var config: String?
    public var store: String?

    public init(output: String) { self.output = output }
  }

  public struct Summary: Sendable {
    public var images: Int
    public var commits: Int
    public var output: String
  }

  public static func run(_ request: Request) throws(CommandError) -> Summary {
    let context = CommandContext(.init(config: request.config, store: request.store))
    let now = Int64(Date().timeIntervalSince1970)
    let since = try Report.parseTime(request.since, now: now, option: "--since")
    let defaultBase = try context.budgets().defaults.base
    let branch = request.branch ?? defaultBase
    let budgets = try Check.selectImages(try context.budgets(), request.images)
    let history = try walk(context, branch: branch, images: budgets, since: since)
    let writer: SiteWriter
    do { writer = try SiteWriter(output: request.output) } catch {
      throw .usage("cannot write the site to \(request.output): \(error.localizedDescription)")
    }
    // Every verdict the site judges (each image's latest, each commit's page) walks the
    // same first-parent line for its noise: read it once.
    let noiseMemo = NoiseMemo()
    var images: [SiteImage] = []
    for budget in budgets {
      images.append(try image(budget, points: history.points[budget.name] ?? [], context, noiseMemo: noiseMemo))
    }
    try writeCommits(history, budgets: budgets, context, writer, noiseMemo: noiseMemo)
    do {
      for image in images { try writer.writeImage(image) }
      try writer.writeIndex(
        images, repository: Notifications.repositoryName(try context.repository()) ?? "repository", branch: branch,
        generated: now)
    } catch {
      throw .usage("cannot write the site to \(request.output): \(error.localizedDescription)")
    }
    return Summary(images: images.count, commits: history.order.count, output: request.output)
  }

  struct History {
    /// Per image, its measured commits oldest first.
    var points: [String: [SitePoint]] = [:]
    /// Measured commits oldest first (any image).
    var order: [String] = []
    /// The branch's tip: every commit above is on its first-parent line.
    var tip: ObjectID?
  }

  /// The branch's first-parent line, newest first, back to `since`: every commit with
  /// a measurement of a selected image becomes a point.
  static func walk(_ context: CommandContext, branch: String, images: [ImageBudget], since: Int64) throws(CommandError)
    -> History
  {
    let repository = try context.repository()
    let store = try context.store()
    let tip: ObjectID
    do { tip = try repository.resolveBranch(branch) } catch { throw .from(error) }
    var sizes: [String: [String: MeasurementSummary]] = [:]
    var records: [String: CommitRecord] = [:]
    do {
      for image in images {
        sizes[image.name] = Dictionary(
          try store.summaries(image: image.name).map { ($0.commit, $0) }, uniquingKeysWith: { a, _ in a })
      }
      records = try store.commits(Set(sizes.values.flatMap(\.keys)))
    } catch {
      throw .from(error)
    }
    var history = History()
    history.tip = tip
    var walked = 0
    do {
      try HistoryIndex(try context.repository()).walk(
        RevisionRange(include: [tip], exclude: [], text: branch), firstParent: true
      ) { id in
        walked += 1
        let hex = id.hex
        let measured = images.filter { sizes[$0.name]?[hex] != nil }
        guard !measured.isEmpty else { return walked < TrendWalk.walkLimit }
        let info = try? (try context.repository()).commit(id)
        let record = records[hex] ?? info.map(CommitRecord.init)
        // Committer time, as the weekly report: a rebased commit's old author date
        // would end the period early.
        let time = info?.committerTime ?? record?.time ?? 0
        if time < since { return false }
        history.order.append(hex)
        for image in measured {
          let summary = sizes[image.name]![hex]!
          history.points[image.name, default: []].append(
            SitePoint(
              commit: hex, subject: record?.subject ?? "", author: record?.authorName ?? "", time: time,
              compressed: summary.compressedBytes, uncompressed: summary.uncompressedBytes,
              compressedEstimated: summary.compressedEstimated))
        }
        return walked < TrendWalk.walkLimit
      }
    } catch {
      throw .usage("cannot walk \(branch): \(error)")
    }
    history.order.reverse()
    for key in history.points.keys { history.points[key]!.reverse() }
    return history
  }

  static func image(
    _ budget: ImageBudget, points: [SitePoint], _ context: CommandContext, noiseMemo: NoiseMemo = NoiseMemo()
  ) throws(CommandError) -> SiteImage {
    var latest: ImageMeasurement? = nil
    var status: ImageStatus? = nil
    if let last = points.last {
      latest = try context.measurement(budget.name, at: last.commit)
      let report = try Check.evaluate(
        commit: last.commit, images: [budget], context, revision: last.commit, noiseMemo: noiseMemo)
      status = report.images.first?.status
    }
    let findings = latest.map { $0.layersRead ? Findings.all(in: $0) : [] } ?? []
    return SiteImage(
      name: budget.name, owner: budget.owner, metric: budget.metric.rawValue, max: budget.max?.value.bytes,
      warn: budget.warn?.value.bytes, points: points, latest: latest, status: status, findings: findings)
  }

  /// The commit, when the branch the site walks is the base of every image measured
  /// there: it is then on the base's first-parent line, and its own merge-base.
  static func onBase(_ commit: String, _ history: History, _ budgets: [ImageBudget], _ context: CommandContext)
    -> Set<String>
  {
    guard let tip = history.tip else { return [] }
    let sameBase = budgets.allSatisfy { (try? (try context.repository()).resolveBranch($0.base)) == tip }
    return sameBase ? [commit] : []
  }

  /// A diff's growth split into base image and own layers, in the budget's metric.
  static func split(_ old: ImageMeasurement, _ new: ImageMeasurement, _ budget: ImageBudget) -> DiffText.Split? {
    GrowthSplit.between(old, new, metric: budget.metric).map {
      DiffText.Split(split: $0, metric: budget.metric.rawValue)
    }
  }

  /// One page per measured commit; measurements are loaded one commit at a time and the
  /// previous one kept, so memory stays flat on long histories.
  static func writeCommits(
    _ history: History, budgets: [ImageBudget], _ context: CommandContext, _ writer: SiteWriter,
    noiseMemo: NoiseMemo = NoiseMemo()
  ) throws(CommandError) {
    var previous: [String: (SitePoint, ImageMeasurement)] = [:]
    var positions: [String: [String: SitePoint]] = [:]
    for (name, points) in history.points {
      positions[name] = Dictionary(points.map { ($0.commit, $0) }, uniquingKeysWith: { a, _ in a })
    }
    for commit in history.order {
      var sections: [SiteCommitSection] = []
      let measured = budgets.filter { positions[$0.name]?[commit] != nil }
      let report = try Check.evaluate(
        commit: commit, images: measured, context, revision: commit, onBase: onBase(commit, history, measured, context),
        noiseMemo: noiseMemo)
      for budget in measured {
        let point = positions[budget.name]![commit]!
        // The evaluation loaded the measurement already: reused, not read again.
        guard let evaluation = report.images.first(where: { $0.image == budget.name }) else { continue }
        let measurement = evaluation.measurement
        let single = CheckReport(
          commit: commit, commitSubject: report.commitSubject, branch: report.branch,
          budgetsPath: report.budgetsPath, images: [evaluation], missing: [])
        var diffPrevious: String? = nil
        let before = previous[budget.name]
        if let (old, oldMeasurement) = before {
          diffPrevious = DiffText.render(
            MeasurementDiff.between(oldMeasurement, measurement, pathLimit: 20), image: budget.name,
            old: .init(label: String(old.commit.prefix(12)), commit: old.commit, subject: old.subject),
            new: .init(label: String(commit.prefix(12)), commit: commit, subject: point.subject),
            split: split(oldMeasurement, measurement, budget), terminal: .plain)
        }
        var baseLabel: String? = nil
        var diffBase: String? = nil
        if let base = evaluation.base, base.commit != before?.0.commit, base.commit != commit {
          baseLabel = "\(base.commit.prefix(12)) (\(base.how))"
          diffBase = DiffText.render(
            MeasurementDiff.between(base.measurement, measurement, pathLimit: 20), image: budget.name,
            old: .init(label: "base", commit: base.commit, subject: base.subject),
            new: .init(label: String(commit.prefix(12)), commit: commit, subject: point.subject),
            split: split(base.measurement, measurement, budget), terminal: .plain)
        }
        sections.append(
          SiteCommitSection(
            image: budget.name, point: point, previous: before?.0, diffPrevious: diffPrevious, baseLabel: baseLabel,
            diffBase: diffBase, status: evaluation.status, verdict: CheckText.render(single, terminal: .plain)))
        previous[budget.name] = (point, measurement)
      }
      do { try writer.writeCommit(sections) } catch {
        throw .usage("cannot write the page of \(commit.prefix(12)): \(error.localizedDescription)")
      }
    }
  }
}
