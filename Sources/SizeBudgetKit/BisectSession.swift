import Analysis
import Budgets
import Evaluation
import Formats
import Foundation
import GitHistory
import Model
import Store

extension Bisect {
  /// The state of one bisect run: what is known, what was built, and how to build more.
  struct Session {
    let request: Request
    let budget: ImageBudget
    let context: CommandContext
    let builder: Builder?
    let progress: Progress?
    let started: Date
    private(set) var builds: [BisectResult.Build] = []
    /// Per candidate whose size came from another commit's measurement (a later
    /// commit outside the context, which has the same image), that commit: the
    /// culprit's what-grew diff is read from there.
    private(set) var sizeSources: [Int: ObjectID] = [:]
    /// How many builds in a row failed the same way (the last one's signature).
    private(set) var identicalFailures = 0
    private var lastFailure: String? = nil

    init(
      request: Request, budget: ImageBudget, context: CommandContext, builder: Builder?, progress: Progress?,
      started: Date
    ) {
      self.request = request
      self.budget = budget
      self.context = context
      self.builder = builder
      self.progress = progress
      self.started = started
    }

    func size(of measurement: ImageMeasurement) -> Int64 { measurement.bytes(for: budget.metric.rawValue) }

    func knownSize(_ id: ObjectID) throws(CommandError) -> Int64? {
      try context.measurement(budget.name, at: id.hex).map(size)
    }

    mutating func buildAndSize(_ id: ObjectID, remaining: Int) throws(CommandError) -> Int64? {
      try build([id], remaining: remaining).first ?? nil
    }

    /// Sizes the store already has along the line (Evaluation decides which candidate
    /// each one sizes).
    mutating func seed(_ search: inout BisectSearch, line: [ObjectID]) throws(CommandError) {
      let sizes: [String: Int64]
      let store = try context.store()
      do {
        sizes = Dictionary(
          try store.summaries(commits: line.map(\.hex), image: budget.name).map {
            ($0.commit, $0.bytes(for: budget.metric.rawValue))
          }, uniquingKeysWith: { first, _ in first })
      } catch {
        throw .from(error)
      }
      for (index, commit) in search.seed(line: line.map(\.hex), sizes: sizes) {
        sizeSources[index] = ObjectID(hex: commit)
      }
    }

    /// Builds the commits (up to `--jobs` at once) and returns their sizes; nil for a
    /// skipped or failed build.
    mutating func build(_ ids: [ObjectID], remaining: Int) throws(CommandError) -> [Int64?] {
      guard let builder else {
        let commands = ids.map { "sizebudget measure SOURCE --image \(budget.name) --commit \($0.short)" }
        throw CommandError(
          .missingMeasurement,
          "bisect needs the size of \(ids.map(\.short).joined(separator: ", ")) and [image.\(budget.name)] has no build "
            + "command: set build in budgets.toml, pass --run CMD, or measure them:\n  "
            + commands.joined(separator: "\n  "))
      }
      ActiveWorktrees.shared.cleanUpOnSignals()
      let elapsed = Int(Date().timeIntervalSince(started))
      progress?(
        "building \(ids.map(\.short).joined(separator: ", ")) (at most \(remaining) more \(inflected(remaining, "build"))), \(elapsed) s"
      )
      let slots = ResultBox(count: ids.count)
      // Each build opens its own Repository: a libgit2 handle is never used by two threads.
      DispatchQueue.concurrentPerform(iterations: ids.count) { index in
        let start = Date()
        let outcome = Result { () throws(CommandError) in try builder.build(ids[index]) }
        slots.set(index, outcome, seconds: Date().timeIntervalSince(start))
      }
      ActiveWorktrees.shared.parkWhenStopping()
      var sizes: [Int64?] = []
      for (index, id) in ids.enumerated() {
        let (outcome, seconds) = slots.get(index)
        switch outcome {
        case .success(.measured(let measurement)):
          noteFailure(nil)
          let size = size(of: measurement)
          builds.append(.init(commit: id.hex, status: "measured", size: size, seconds: seconds, lastLines: []))
          sizes.append(size)
        case .success(.skipped):
          builds.append(.init(commit: id.hex, status: "skipped", size: nil, seconds: seconds, lastLines: []))
          sizes.append(nil)
        case .success(.failed(let status, let lines)):
          noteFailure("exit \(status): \(Self.signature(lines))")
          builds.append(
            .init(
              commit: id.hex, status: "failed", size: nil, seconds: seconds, lastLines: lines + ["(exit \(status))"]))
          sizes.append(nil)
        case .success(.timedOut(let limit, let lines)):
          noteFailure("timed out")
          builds.append(
            .init(
              commit: id.hex, status: "timed out", size: nil, seconds: seconds,
              lastLines: lines + ["(stopped after \(Int(limit)) s: the build timeout)"]))
          sizes.append(nil)
        case .failure(let error):
          throw error
        }
      }
      return sizes
    }

    /// Counts failures in a row with the same signature; a measured build ends the
    /// run (skipped builds are the command's choice, so they neither count nor reset).
    private mutating func noteFailure(_ signature: String?) {
      guard let signature else {
        (identicalFailures, lastFailure) = (0, nil)
        return
      }
      identicalFailures = signature == lastFailure ? identicalFailures + 1 : 1
      lastFailure = signature
    }

    /// A failure's last non-empty line, commit ids masked, so that the same error at
    /// two commits compares equal.
    static func signature(_ lines: [String]) -> String {
      let last = lines.last { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? ""
      return last.replacingOccurrences(of: "[0-9a-f]{7,40}", with: "<commit>", options: .regularExpression)
    }

    func commit(_ id: ObjectID) -> BisectResult.Commit {
      let info = try? context.repository().commit(id)
      return BisectResult.Commit(
        id: id.hex, subject: info?.subject ?? "", author: info.map { "\($0.authorName) <\($0.authorEmail)>" } ?? "",
        time: info?.time ?? 0)
    }

    func result(
      _ search: BisectSearch, line: [ObjectID], candidates: [ObjectID], changes: [ObjectID: ContextChange],
      good: ObjectID, tip: ObjectID, baseSize: Int64?, stoppedByFailures: Bool
    ) throws(CommandError) -> BisectResult {
      var culprit: BisectResult.Culprit? = nil
      var suspects: [BisectResult.Commit] = []
      let outcome: String
      switch search.outcome {
      case .culprit(let index, let previous):
        outcome = "culprit"
        let id = candidates[index]
        let beforeID = previous.map { candidates[$0] } ?? good
        let sizes: CulpritSizes
        let measurements = StoreMeasurements(store: try context.store())
        do throws(LookupError) {
          sizes = try search.culpritSizes(
            index, previous: previous, base: good.hex, baseSize: baseSize, image: budget.name, metric: budget.metric,
            sources: sizeSources.mapValues(\.hex), measurements: measurements)
        } catch {
          throw .from(error)
        }
        culprit = BisectResult.Culprit(
          commit: commit(id), before: commit(beforeID), sizeBefore: sizes.sizeBefore, sizeAfter: sizes.sizeAfter ?? 0,
          contextFiles: changes[id]?.paths ?? [], diff: sizes.diff, growthSplit: sizes.growthSplit,
          baseLayers: sizes.baseLayers)
      case .nothingBad: outcome = "nothing"
      case .undetermined(let indexes):
        // Not one size along the line: there was nothing to compare.
        let measuredAny = search.candidates.indices.contains { search.size(at: $0) != nil }
        // Every build failing is the build's fault, not the range's, though fewer
        // failed than --max-failures: the same status as the stop.
        let everyBuildFailed =
          !builds.isEmpty && builds.allSatisfy { $0.status == "failed" || $0.status == "timed out" }
        outcome = measuredAny ? "undetermined" : everyBuildFailed ? "failing" : "unmeasurable"
        suspects = indexes.map { commit(candidates[$0]) }
      case .searching:
        outcome = stoppedByFailures ? "failing" : "undetermined"
      }
      // Known sizes along the line, base first, for "who grew it".
      var points: [(commit: BisectResult.Commit, size: Int64, index: Int)] = []
      if let baseSize { points.append((commit(good), baseSize, -1)) }
      for (index, candidate) in search.candidates.enumerated() {
        if case .measured(let size) = candidate.state { points.append((commit(candidates[index]), size, index)) }
      }
      let total = (points.last?.size ?? 0) - (points.first?.size ?? 0)
      return BisectResult(
        image: budget.name, metric: budget.metric.rawValue, range: request.range, rule: ruleDescription(baseSize),
        base: commit(good), baseSize: baseSize, tip: commit(tip), outcome: outcome, culprit: culprit,
        suspects: suspects, steps: BisectResult.steps(points, total: total), commitsInRange: line.count,
        candidates: candidates.count, builds: builds, seconds: Date().timeIntervalSince(started))
    }

    func ruleDescription(_ baseSize: Int64?) -> String {
      let against = baseSize.map { " over the base's \(ByteSize.format($0))" } ?? ""
      if let threshold = request.threshold { return "the first commit \(threshold)\(against)" }
      var parts: [String] = []
      if let max = budget.max { parts.append("over max \(max.value)") }
      if let growth = budget.maxGrowth { parts.append("grown \(growth.value)\(against)") }
      return "the first commit " + parts.joined(separator: " or ")
    }
  }
}

/// One build's outcome per slot, filled from several threads.
final class ResultBox: @unchecked Sendable {
  private let lock = NSLock()
  private var slots: [(Result<Builder.Outcome, CommandError>, Double)?]

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func set(_ index: Int, _ outcome: Result<Builder.Outcome, CommandError>, seconds: Double) {
    lock.withLock { slots[index] = (outcome, seconds) }
  }

  func get(_ index: Int) -> (Result<Builder.Outcome, CommandError>, Double) { lock.withLock { slots[index]! } }
}
