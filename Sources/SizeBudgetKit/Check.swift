import Analysis
import Budgets
import Evaluation
import Formats
import Foundation
import GitHistory
import Model
import Notify
import Store

/// `sizebudget check`: the CI gate.
public enum Check {
  public enum Format: String, Sendable, CaseIterable {
    case text, json, markdown, github, junit, sarif
  }

  public struct Request: Sendable {
    public var commit: String?
    public var images: [String] = []
    public var format: Format = .text
    /// First share measurements through git notes (fetch the team's, push ours).
    public var sync = false
    public var remote: String?
    /// Send events to `[notify]` (false: judge only, e.g. on a push to main when the
    /// webhook posts pull request comments).
    public var notify = true

    public init() {}
  }

  /// The report to print, the exit status, and what sync and the webhook did (for standard error).
  public static func run(_ request: Request, in context: CommandContext, terminal: TerminalStyle) throws(CommandError)
    -> (String, Int32, String)
  {
    let budgets = try context.budgets()
    let repository = try context.repository()
    let store = try context.store()
    let shared = request.sync ? try Sync.share(repository, store, remote: request.remote, budgets: budgets) : nil
    let commit = try context.workspace.resolveCommit(request.commit, in: repository)
    let report = try evaluate(
      commit: commit, images: try selectImages(budgets, request.images), context, revision: request.commit,
      looseBudgets: true)
    let output: String
    switch request.format {
    case .text: output = TextWrap.fit(CheckText.render(report, terminal: terminal), width: TextWrap.lineWidth())
    case .json: output = CheckJSON.render(report)
    case .markdown: output = CheckMarkdown.render(report)
    case .junit: output = CheckJUnit.render(report)
    case .sarif: output = CheckSARIF.render(report)
    case .github:
      output = GitHubActions.render(report)
      try appendStepSummary(CheckMarkdown.render(report))
    }
    var webhook = ""
    if request.notify, let settings = budgets.notify, !settings.webhooks.isEmpty {
      let notifier = Notifications.notifier(settings)
      let events = Notifications.forCheck(
        report, notifier: notifier, repository: Notifications.repositoryName(repository))
      webhook = Notifications.deliver(events, notifier: notifier, store: store)
    }
    if request.notify {
      // The pull request's sticky comment and the commit status, on the forge this CI runs for.
      let environment = ProcessInfo.processInfo.environment
      let (jobs, lines) = ForgeComments.jobs(
        ForgeComments.report(report), settings: budgets.notify?.forges ?? [], environment: environment)
      let forge = lines + ForgeComments.deliver(jobs, store: store, environment: environment).lines
      webhook = ([webhook].filter { !$0.isEmpty } + forge).joined(separator: "\n")
    }
    return (
      output, report.exitCode, [shared, webhook.isEmpty ? nil : webhook].compactMap { $0 }.joined(separator: "\n")
    )
  }

  static func evaluate(
    commit commitHex: String, images selected: [ImageBudget], _ context: CommandContext, revision: String?,
    onBase: Set<String> = [], looseBudgets: Bool = false, noiseMemo: NoiseMemo = NoiseMemo()
  ) throws(CommandError) -> CheckReport {
    let commit = ObjectID(hex: commitHex)!
    let repository = try context.repository()
    let history = RepositoryHistory(repository: repository)
    let measurements = StoreMeasurements(store: try context.store())
    var finder = BaseFinder(history: history, store: measurements)
    finder.onBase = Set(onBase)
    finder.noiseMemo = noiseMemo
    let inheritance = try inheritanceFinder(context)
    var evaluations: [ImageEvaluation] = []
    var missing: [MissingMeasurement] = []
    let budgetedImages = Set(try context.budgets().images.map(\.name))
    for budget in selected {
      var measurement: ImageMeasurement
      var inherited: Inheritance? = nil
      if let own = try context.measurement(budget.name, at: commitHex) {
        measurement = own
      } else {
        let lookup: InheritanceFinder.Lookup
        do { lookup = try inheritance.lookup(budget, at: commitHex) } catch { throw .from(error) }
        guard case .inherits(let found, let ancestorMeasurement) = lookup else {
          var entry = measureCommand(budget, commit: commitHex, rev: revision)
          if case .changed(let ancestor, let paths) = lookup {
            entry.reason =
              "\(paths.joined(separator: ", ")) changed in context since \(ancestor.prefix(12)) (measured)"
          }
          missing.append(entry)
          continue
        }
        measurement = ancestorMeasurement
        inherited = found
      }
      // The base is looked up for every image (the report shows the delta); it is
      // needed only when a growth rule is set.
      var base: BaseMeasurement? = nil
      var firstCommit = false
      var baseMissing: String? = nil
      let lookup: BaseFinder.Lookup
      do { lookup = try finder.base(for: budget, at: commitHex) } catch { throw .from(error) }
      switch lookup {
      case .found(let found): base = found
      case .firstCommit: firstCommit = true
      case .missing(let reason, let start):
        baseMissing = reason
        if budget.maxGrowth != nil, let start {
          missing.append(measureCommand(budget, commit: start, rev: String(start.prefix(12))))
        }
      }
      let trailers: (justifications: [Justification], misnamed: [MisnamedTrailer])
      do {
        trailers = try finder.trailers(
          from: base?.commit, to: commitHex, image: budget.name, budgetedImages: budgetedImages)
      } catch {
        throw .from(error)
      }
      var ruleContext = RuleContext(
        budget: budget, measurement: measurement, base: base, justifications: trailers.justifications,
        firstCommit: firstCommit, baseMissing: baseMissing)
      ruleContext.misnamedTrailers = trailers.misnamed
      do { ruleContext.noise = try finder.observedNoise(for: budget, at: commitHex, base: base) } catch {
        throw .from(error)
      }
      if looseBudgets { ruleContext.baseRun = try baseRun(budget, finder: finder, newestKnown: base, context) }
      var evaluation = Evaluator.evaluate(ruleContext)
      evaluation.sources = DockerfileSources.of(measurement, budget: budget, repository: repository)
      evaluation.commit = commitHex
      evaluation.inherited = inherited
      evaluations.append(evaluation)
    }
    var report = CheckReport(
      commit: commitHex, commitSubject: try? repository.commit(commit).subject,
      branch: repository.currentBranch(), budgetsPath: try context.budgets().path, images: evaluations,
      missing: missing)
    report.budgetsRepositoryPath = repositoryPath(context.budgetsPath, repository)
    return report
  }

  /// What an unmeasured commit may be judged with (budgets.toml's own edits never count).
  static func inheritanceFinder(_ context: CommandContext) throws(CommandError) -> InheritanceFinder {
    let repository = try context.repository()
    return InheritanceFinder(
      history: RepositoryHistory(repository: repository), store: StoreMeasurements(store: try context.store()),
      budgetsPath: repositoryPath(context.budgetsPath, repository))
  }

  /// A file's path inside the repository's work tree ("budgets.toml"), or the path
  /// as given when it lies outside.
  static func repositoryPath(_ path: String, _ repository: Repository) -> String {
    let absolute = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    guard let root = repository.workDirectory.map({ URL(fileURLWithPath: $0).resolvingSymlinksInPath().path + "/" }),
      absolute.hasPrefix(root)
    else { return path }
    return String(absolute.dropFirst(root.count))
  }

  static func selectImages(_ budgets: BudgetFile, _ names: [String]) throws(CommandError) -> [ImageBudget] {
    guard !budgets.images.isEmpty else {
      throw .usage(
        "\(budgets.path) budgets no image: add an [image.NAME] table (sizebudget validate shows what it says)")
    }
    guard !names.isEmpty else { return budgets.images }
    var selected: [ImageBudget] = []
    for name in names {
      guard let image = budgets.image(named: name) else {
        throw .usage(CommandContext.unknownImage(name, budgeted: budgets.images.map(\.name), budgetsPath: budgets.path))
      }
      selected.append(image)
    }
    return selected
  }

  /// The exact command that would make the missing measurement.
  static func measureCommand(_ budget: ImageBudget, commit: String, rev: String?) -> MissingMeasurement {
    let source = budget.source == nil ? "SOURCE " : ""
    let commitFlag = rev == nil || rev == "HEAD" ? "" : " --commit \(commit.prefix(12))"
    let build = budget.build.map { " (build it first: \($0))" } ?? ""
    return MissingMeasurement(
      image: budget.name, commit: commit,
      command: "sizebudget measure \(source)--image \(budget.name)\(commitFlag)\(build)")
  }

  /// `github` also writes the Markdown report to the job summary.
  static func appendStepSummary(_ markdown: String) throws(CommandError) {
    guard let path = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"], !path.isEmpty else { return }
    guard
      let handle = FileHandle(forWritingAtPath: path)
        ?? (FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil)
    else {
      throw .usage("cannot write the job summary to \(path) (GITHUB_STEP_SUMMARY)")
    }
    defer { try? handle.close() }
    _ = try? handle.seekToEnd()
    try? handle.write(contentsOf: Data((markdown + "\n").utf8))
  }
}
