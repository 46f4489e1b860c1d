import Analysis
import Budgets
import Evaluation
import Formats
import Foundation
import GitHistory
import Model
import Notify
import Store

/// `sizebudget bisect RANGE --image NAME`: the commit that made the image break its
/// budget (or grow past `--threshold`), building only what is not known.
public enum Bisect {
  public struct Request: Sendable {
    public var range: String
    /// nil: the one image budgets.toml budgets.
    public var image: String?
    public var run: String?
    public var threshold: String?
    public var jobs = 1
    /// Seconds one build may run (overrides `build_timeout`); nil: the budget's, or none.
    public var timeout: Double?
    public var format: Check.Format = .text
    /// Stop after this many builds in a row failed the same way (same exit status and
    /// last line): a broken build command, not a broken commit.
    public var maxFailures = Bisect.defaultMaxFailures
    /// Copy the builds' output to standard error as it comes.
    public var verbose = false

    public init(range: String, image: String?) {
      self.range = range
      self.image = image
    }
  }

  public static let defaultMaxFailures = 3

  /// bisect's exit statuses, one per outcome (README "bisect", `bisect --help`); 2 and
  /// 4 keep their meaning from every command.
  public enum Status: Int32, Sendable {
    /// The commit that broke the rule was found.
    case culprit = 0
    /// Nothing measurable: no size could be had (every build skipped, or nothing
    /// measured and no build command).
    case unmeasurable = 3
    /// Nothing in the range breaks the rule.
    case nothing = 5
    /// Skipped or failed builds hide the culprit: it is one of the suspects listed.
    case undetermined = 6
    /// The build fails: `--max-failures` builds in a row failed the same way.
    case buildsFailing = 7

    init(outcome: String) {
      switch outcome {
      case "culprit": self = .culprit
      case "nothing": self = .nothing
      case "unmeasurable": self = .unmeasurable
      case "failing": self = .buildsFailing
      default: self = .undetermined
      }
    }
  }

  /// Progress lines for a terminal ("building 3f2a1c9d (at most 4 more builds), 12 s").
  public typealias Progress = @Sendable (String) -> Void

  /// The report, what the webhook did (for standard error), and the exit status.
  public static func run(
    _ request: Request, in context: CommandContext, terminal: TerminalStyle, progress: Progress? = nil
  ) throws(CommandError) -> (String, String, Status) {
    if request.format == .sarif {
      throw .usage("bisect has no sarif output (a culprit is a commit, not a file's line): use text, json or markdown")
    }
    guard request.maxFailures >= 1 else { throw .usage("--max-failures must be 1 or more, got \(request.maxFailures)") }
    var report = try bisect(request, context, progress: progress)
    let status = Status(outcome: report.outcome)
    report.exitCode = status.rawValue
    var webhook = ""
    if let settings = try context.budgets().notify {
      let notifier = Notifications.notifier(settings)
      let events = Notifications.forBisect(
        report, notifier: notifier, repository: Notifications.repositoryName(try context.repository()))
      webhook = Notifications.deliver(events, notifier: notifier, store: try context.store())
    }
    switch request.format {
    case .json: return (BisectReport.json(report), webhook, status)
    case .markdown: return (BisectReport.markdown(report), webhook, status)
    case .text, .github, .junit, .sarif: return (BisectReport.text(report, terminal: terminal), webhook, status)
    }
  }

  static func bisect(_ request: Request, _ context: CommandContext, progress: Progress?) throws(CommandError)
    -> BisectResult
  {
    let started = Date()
    let image = try context.knownImage(request.image)
    let budget = try Check.selectImages(try context.budgets(), [image])[0]
    let repository = try context.repository()
    let (good, tip) = try endpoints(request.range, budget: budget, repository)
    let line = try firstParentLine(from: tip, to: good, repository)
    guard !line.isEmpty else {
      throw .usage("\(request.range) holds no commit after \(good.short): nothing to bisect")
    }
    var changes: [ObjectID: ContextChange] = [:]
    for id in line {
      do { changes[id] = try repository.contextChange(id, context: budget.context) } catch {
        throw .usage(error.message)
      }
    }
    let candidates = line.filter { changes[$0]!.touches }
    // The builder writes into the very store the search reads (one context for both).
    let storePath = try context.storePath()
    let command = request.run ?? budget.build
    let builder = command.map {
      Builder(
        budget: budget, command: $0, storePath: storePath,
        repositoryPath: repository.workDirectory ?? FileManager.default.currentDirectoryPath,
        pathDepth: budget.pathDepth, timeout: request.timeout ?? budget.buildTimeout?.value,
        streamOutput: request.verbose)
    }
    var session = Session(
      request: request, budget: budget, context: context, builder: builder, progress: progress, started: started)

    // The base's size: measured, or built when the rule needs it.
    let threshold = try parseThreshold(request.threshold)
    let needsBase = threshold != nil || budget.maxGrowth != nil
    var baseSize = try session.knownSize(good)
    if baseSize == nil && needsBase { baseSize = try session.buildAndSize(good, remaining: candidates.count) }
    if needsBase && baseSize == nil {
      let measure = "sizebudget measure SOURCE --image \(budget.name) --commit \(good.short)"
      // Built and not measured: say how the build ended, not "give --run".
      if let build = session.builds.last {
        throw CommandError(
          .missingMeasurement,
          "no measurement of \(budget.name) at the base \(good.short), and its build \(build.status)"
            + (build.lastLines.isEmpty ? "" : "; its last lines:\n  | " + build.lastLines.joined(separator: "\n  | "))
            + "\nfix the build, or measure the base (\(measure))")
      }
      throw CommandError(
        .missingMeasurement,
        "no measurement of \(budget.name) at the base \(good.short), and no way to build one: "
          + "measure it (\(measure)) or give --run")
    }
    let isBad = try predicate(budget: budget, threshold: threshold, base: baseSize)

    var search = BisectSearch(
      candidates: candidates.map { BisectSearch.Candidate(id: $0.hex, weight: changes[$0]!.addedBytes) },
      isBad: isBad)
    // Everything the store already knows: a measured commit that does not touch the
    // context has the size of the candidate before it.
    try session.seed(&search, line: line)
    while case .searching = search.outcome, session.identicalFailures < request.maxFailures {
      let probes = search.nextProbes(count: max(1, request.jobs))
      let results = try session.build(probes.map { candidates[$0] }, remaining: search.remainingBound)
      for (index, size) in zip(probes, results) {
        if let size { search.record(index, size: size) } else { search.skip(index) }
      }
    }
    // A culprit right after the base, whose size nobody needed so far: build the base
    // too, so the report says how much the culprit added, not "0 B →".
    if case .culprit(_, previous: nil) = search.outcome, baseSize == nil, builder != nil {
      baseSize = try session.buildAndSize(good, remaining: 0)
    }
    let result = try session.result(
      search, line: line, candidates: candidates, changes: changes, good: good, tip: tip, baseSize: baseSize,
      stoppedByFailures: session.identicalFailures >= request.maxFailures)
    return result
  }

  /// `A..B`: from the merge-base of A and B to B. A single revision: from its
  /// merge-base with the image's base branch.
  static func endpoints(_ text: String, budget: ImageBudget, _ repository: Repository) throws(CommandError)
    -> (good: ObjectID, tip: ObjectID)
  {
    do {
      let range = try repository.resolveRange(text)
      let tip = range.include.last!
      let other = try range.exclude.first ?? repository.resolveBranch(budget.base)
      guard let good = try repository.mergeBase(other, tip) else {
        throw CommandError.usage("\(text): the two sides share no history")
      }
      return (good, tip)
    } catch let error as GitError {
      throw .usage(error.message)
    } catch let error as CommandError {
      throw error
    } catch {
      throw .usage("\(error)")
    }
  }

  /// The first-parent line after `good` up to `tip`, oldest first.
  static func firstParentLine(from tip: ObjectID, to good: ObjectID, _ repository: Repository) throws(CommandError)
    -> [ObjectID]
  {
    var line: [ObjectID] = []
    do {
      try repository.walk(RevisionRange(include: [tip], exclude: [good], text: ""), firstParent: true) {
        line.append($0)
        return true
      }
    } catch {
      throw .usage("\(error)")
    }
    return line.reversed()
  }

  static func parseThreshold(_ text: String?) throws(CommandError) -> Growth? {
    guard let text else { return nil }
    switch Growth.parse(text) {
    case .success(let growth): return growth
    case .failure(let error): throw .usage("--threshold: \(error.message)")
    }
  }

  /// Bad: past the threshold over the base, or else over the budget (max, max_growth).
  static func predicate(budget: ImageBudget, threshold: Growth?, base: Int64?) throws(CommandError)
    -> @Sendable (Int64) -> Bool
  {
    if let threshold, let base {
      let limit = threshold.allowance(over: base)
      return { $0 - base > limit }
    }
    let max = budget.max?.value.bytes
    let growth = budget.maxGrowth.flatMap { growth in base.map { growth.value.allowance(over: $0) + $0 } }
    guard max != nil || growth != nil else {
      throw .usage(
        "[image.\(budget.name)] sets neither max nor max_growth: give --threshold (like +10% or +20 MB) to say what grew too much"
      )
    }
    return { size in (max.map { size > $0 } ?? false) || (growth.map { size > $0 } ?? false) }
  }
}

extension BisectSearch {
  /// At most how many more builds the search needs (a plain bisection of what is left).
  var remainingBound: Int {
    let unknown = candidates.filter { $0.state == .unknown }.count
    var bound = 0
    while (1 << bound) <= unknown { bound += 1 }
    return bound
  }
}
