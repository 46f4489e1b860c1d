import Budgets
import Evaluation
import Formats
import Foundation
import GitHistory
import Prediction
import Store
import SystemCalls

/// The git pre-push hook: `hooks/pre-push` calls `sizebudget hook pre-push`, which
/// judges the measured commits being pushed and refuses the push when one breaks a
/// budget. It runs on every push, so it opens the repository and the store once and
/// asks the store only about the pushed commits.
public enum Hook {
  static let zero = String(repeating: "0", count: 40)
  static let bypass = "to push anyway: git push --no-verify (or SIZEBUDGET_SKIP=1 git push)"
  /// A new branch's commits are those no remote branch has; at most this many are looked at.
  static let newBranchLimit = 1_000

  /// One line of git's pre-push input: `<local ref> <local oid> <remote ref> <remote oid>`.
  struct PushedRef {
    var localRef: String
    var localOID: String
    var remoteRef: String
    var remoteOID: String
  }

  public static func prePush(remote: String?, input: String, in context: CommandContext, terminal: TerminalStyle)
    throws(CommandError) -> (String, Int32)
  {
    // git shows the hook's words on standard error: they fit that terminal.
    let (output, status) = try judgePush(remote: remote, input: input, in: context, terminal: terminal)
    return (TextWrap.fit(output, width: TextWrap.lineWidth(descriptor: 2)), status)
  }

  static func judgePush(remote: String?, input: String, in context: CommandContext, terminal: TerminalStyle)
    throws(CommandError) -> (String, Int32)
  {
    if let skip = ThisProcess.environment("SIZEBUDGET_SKIP"), !skip.isEmpty, skip != "0" {
      return ("sizebudget: SIZEBUDGET_SKIP is set: sizes not checked", 0)
    }
    guard FileManager.default.fileExists(atPath: context.budgetsPath) else {
      return ("sizebudget: no budgets.toml: nothing to check", 0)
    }
    let refs = try parse(input)
    let budgets = try context.budgets()
    let repository = try context.repository()
    var pushed: [String] = []
    var tips: [String] = []
    // Each pushed tip's remote old value, where the remote has the branch already.
    var remoteTips: [String: String] = [:]
    for ref in refs where ref.localOID != zero {
      let commits = try commits(of: ref, remote: remote, repository)
      pushed += commits
      if !commits.isEmpty && !tips.contains(ref.localOID) { tips.append(ref.localOID) }
      if ref.remoteOID != zero { remoteTips[ref.localOID] = ref.remoteOID }
    }
    guard !pushed.isEmpty else { return ("", 0) }
    if budgets.hook.predict == .off {
      return try judgeMeasured(pushed, budgets: budgets, context: context, terminal: terminal)
    }
    // Per image, the newest pushed commit that is measured or inherits a measurement is
    // judged by it, as `check` would; an image whose pushed tip is neither is predicted
    // from its nearest measured ancestor (a measured commit of the push, when there is one).
    let coverage = try coverages(pushed, budgets: budgets, context: context)
    var measured: [CheckReport] = []
    var accounts: [String] = []
    for (budget, covered) in coverage {
      guard let judged = covered.judged else { continue }
      measured.append(try Check.evaluate(commit: judged, images: [budget], context, revision: judged))
      accounts.append((budgets.images.count > 1 ? "\(budget.name): " : "") + covered.account)
    }
    let toPredict = coverage.filter { !tips.contains($0.coverage.judged ?? "") }.map(\.budget)
    var predicted: [PredictedEvaluation] = []
    var judged = !measured.isEmpty
    var unpredictable: [String] = []
    for tip in tips where !toPredict.isEmpty {
      let report = try Predict.judge(commit: tip, images: toPredict, context, remoteTip: remoteTips[tip])
      judged = judged || !report.measured.isEmpty || !report.predicted.isEmpty || !report.unpredictable.isEmpty
      if !report.measured.isEmpty && !measured.contains(where: { $0.commit == tip }) {
        measured.append(
          CheckReport(
            commit: tip, commitSubject: report.commitSubject, branch: repository.currentBranch(),
            budgetsPath: budgets.path, images: report.measured, missing: []))
      }
      // A prediction with nothing in it and nothing wrong has nothing to say.
      predicted += report.predicted.filter { !$0.prediction.contributions.isEmpty || $0.status != .pass }
      unpredictable += report.unpredictable.map { "sizebudget: \($0.image) cannot be predicted: \($0.reason)" }
    }
    guard judged else {
      return (
        "sizebudget: none of the \(pushed.count) pushed commits is measured, nor an ancestor to predict from: "
          + "nothing to check", 0
      )
    }
    let (output, status) = verdict(
      pushed: pushed.count, measured: measured, accounts: accounts, predicted: predicted, mode: budgets.hook.predict,
      terminal: terminal)
    // What cannot be predicted is said, and does not stop the push on its own.
    return ((unpredictable + [output]).filter { !$0.isEmpty }.joined(separator: "\n"), status)
  }

  /// The hook's words and status: a measured break refuses; a predicted image over
  /// budget (by the one judgement: broken beyond the prediction's uncertainty, or a
  /// break its measured ancestor already has) refuses in refuse mode and warns in warn
  /// mode; one that may break a budget (within the uncertainty) warns.
  static func verdict(
    pushed: Int, measured: [CheckReport], accounts: [String] = [], predicted: [PredictedEvaluation],
    mode: HookSettings.PredictMode,
    terminal: TerminalStyle
  ) -> (String, Int32) {
    var sections: [String] = []
    let broken = measured.filter(\.isBroken)
    sections += broken.map { CheckText.render($0, terminal: terminal) }
    let predictedBroken = predicted.filter { $0.status == .fail }
    let predictedConcerns = predicted.filter { $0.status == .fail || !$0.mayBreak.isEmpty }
    sections += predictedConcerns.map { PredictText.section($0, terminal: terminal).joined(separator: "\n") }
    if !broken.isEmpty {
      let refusal = terminal.apply(.bad, "sizebudget: push refused: a budget is broken.") + " " + bypass
      return (
        (sections + [judgedLine(pushed: pushed, accounts: accounts, measured), refusal]).joined(separator: "\n\n"), 1
      )
    }
    if mode == .refuse && !predictedBroken.isEmpty {
      let line =
        terminal.apply(
          .bad, "sizebudget: push refused: predicted to break a budget by more than the prediction's uncertainty")
        + " (no image was built; measure the commit to judge it exactly). " + bypass
      return ((sections + [line]).joined(separator: "\n\n"), 1)
    }
    if !predictedConcerns.isEmpty {
      let line =
        terminal.apply(.warning, "sizebudget: warning: the push is predicted to break a budget")
        + " (no image was built); pushing anyway. [hook] predict = \"refuse\" in budgets.toml refuses such pushes."
      return ((sections + [line]).joined(separator: "\n\n"), 0)
    }
    var lines: [String] = []
    if !measured.flatMap(\.images).isEmpty {
      lines.append(judgedLine(pushed: pushed, accounts: accounts, measured))
    }
    lines += predicted.map { predicted in
      // What the figure leaves out is said even when it passes.
      let unknown = predicted.prediction.unknownPackages.map(\.subject)
      let caveats =
        (unknown.isEmpty ? [] : ["not priced (never measured): " + unknown.joined(separator: ", ")])
        + (predicted.prediction.dockerfileChanged ? ["Dockerfile changes not priced"] : [])
      let size = ByteSizeText.format(predicted.size, estimated: predicted.evaluation.sizeIsEstimate)
      return "sizebudget: \(predicted.evaluation.image) predicted \(size) \(predicted.metric.rawValue) "
        + "(\(ByteSize.formatDelta(predicted.delta)) \(predicted.uncertaintyText)): "
        + predicted.evaluation.verdict.headline + caveats.map { "; \($0)" }.joined()
    }
    return (lines.joined(separator: "\n"), 0)
  }

  /// `[hook] predict = "off"`: per image, the newest pushed commit that has a
  /// measurement is judged; the rest go through unjudged.
  static func judgeMeasured(_ pushed: [String], budgets: BudgetFile, context: CommandContext, terminal: TerminalStyle)
    throws(CommandError) -> (String, Int32)
  {
    var reports: [CheckReport] = []
    var accounts: [String] = []
    for (budget, coverage) in try coverages(pushed, budgets: budgets, context: context) {
      guard let judged = coverage.judged else { continue }
      reports.append(try Check.evaluate(commit: judged, images: [budget], context, revision: judged))
      accounts.append((budgets.images.count > 1 ? "\(budget.name): " : "") + coverage.account)
    }
    guard !reports.isEmpty else {
      return ("sizebudget: none of the \(pushed.count) pushed commits is measured: nothing to check", 0)
    }
    let judged = judgedLine(pushed: pushed.count, accounts: accounts, reports)
    let broken = reports.filter(\.isBroken)
    guard broken.isEmpty else {
      let details = broken.map { CheckText.render($0, terminal: terminal) }
      let refusal = terminal.apply(.bad, "sizebudget: push refused: a budget is broken.") + " " + bypass
      return ((details + [judged, refusal]).joined(separator: "\n\n"), 1)
    }
    return (judged, 0)
  }

  /// What the hook judged, said whether the push goes through or not: "3 pushed
  /// commits checked: 1 measured, 2 inherit abc's measurement; api 200 kB compressed
  /// within budget".
  static func judgedLine(pushed: Int, accounts: [String], _ reports: [CheckReport]) -> String {
    let summary = reports.flatMap(\.images).map {
      "\($0.image) \(ByteSizeText.format($0.size, estimated: $0.sizeIsEstimate)) \($0.metric.rawValue) "
        + $0.verdict.headline
    }
    let account = accounts.isEmpty ? "" : accounts.joined(separator: "; ") + "; "
    return "sizebudget: \(counted(pushed, "pushed commit")) checked: " + account + summary.joined(separator: ", ")
  }

  /// Per image, which pushed commits are measured or inherit a measurement (nothing in
  /// context changed since a measured ancestor); the newest of them is what gets judged.
  static func coverages(_ pushed: [String], budgets: BudgetFile, context: CommandContext)
    throws(CommandError) -> [(budget: ImageBudget, coverage: Coverage)]
  {
    let measured: [String: Set<String>]
    let store = try context.store()
    do {
      measured = Dictionary(grouping: try store.summaries(commits: pushed), by: \.image)
        .mapValues { Set($0.map(\.commit)) }
    } catch {
      throw .from(error)
    }
    let inheritance = try Check.inheritanceFinder(context)
    var result: [(budget: ImageBudget, coverage: Coverage)] = []
    for budget in budgets.images {
      result.append((budget, try cover(pushed, budget, measured: measured[budget.name] ?? [], inheritance)))
    }
    return result
  }

  /// How many pushed commits classified per image, newest first; past it the account
  /// says how many were not looked at (each costs a walk and a tree diff).
  static let coverageLimit = 100

  /// Which pushed commits have the image's measurement, which inherit one, and the
  /// newest of them, the one judged.
  struct Coverage {
    var judged: String?
    var measured = 0
    var inherited: [String: Int] = [:]
    var unmeasured = 0
    var unclassified = 0

    /// "1 measured, 2 inherit abc1234's measurement".
    var account: String {
      var parts: [String] = []
      if measured > 0 { parts.append("\(measured) measured") }
      for (commit, count) in inherited.sorted(by: { $0.key < $1.key }) {
        parts.append("\(count) \(inflected(count, "inherits", "inherit")) \(commit.prefix(12))'s measurement")
      }
      if unmeasured > 0 { parts.append("\(unmeasured) not measured") }
      if unclassified > 0 { parts.append("\(unclassified) not looked at") }
      return parts.joined(separator: ", ")
    }
  }

  static func cover(
    _ pushed: [String], _ budget: ImageBudget, measured: Set<String>, _ inheritance: InheritanceFinder
  ) throws(CommandError) -> Coverage {
    var coverage = Coverage()
    for (index, commit) in pushed.enumerated() {
      guard index < coverageLimit else {
        // Past the limit only measurements are counted (a set lookup each).
        let rest = pushed[index...]
        let measuredRest = rest.filter(measured.contains)
        coverage.measured += measuredRest.count
        coverage.unclassified = rest.count - measuredRest.count
        if coverage.judged == nil { coverage.judged = measuredRest.first }
        break
      }
      if measured.contains(commit) {
        coverage.measured += 1
      } else {
        let lookup: InheritanceFinder.Lookup
        do { lookup = try inheritance.lookup(budget, at: commit) } catch { throw .from(error) }
        guard case .inherits(let found, _) = lookup else {
          coverage.unmeasured += 1
          continue
        }
        coverage.inherited[found.commit, default: 0] += 1
      }
      if coverage.judged == nil { coverage.judged = commit }
    }
    return coverage
  }

  static func parse(_ input: String) throws(CommandError) -> [PushedRef] {
    var refs: [PushedRef] = []
    for line in input.split(whereSeparator: \.isNewline) {
      let fields = line.split(separator: " ").map(String.init)
      if fields.isEmpty { continue }
      guard fields.count == 4, fields[1].count == 40, fields[3].count == 40 else {
        throw .usage(
          "unexpected pre-push input \"\(line)\": expected <local ref> <local oid> <remote ref> <remote oid>")
      }
      refs.append(PushedRef(localRef: fields[0], localOID: fields[1], remoteRef: fields[2], remoteOID: fields[3]))
    }
    return refs
  }

  /// The commits a ref update sends: those after the remote's old value, or for a new
  /// branch those on no remote-tracking branch of that remote.
  static func commits(of ref: PushedRef, remote: String?, _ repository: Repository) throws(CommandError) -> [String] {
    guard let local = ObjectID(hex: ref.localOID) else { return [] }
    var exclude: [ObjectID] = []
    var limit = Int.max
    if ref.remoteOID != zero, let old = ObjectID(hex: ref.remoteOID), repository.contains(old) {
      exclude = [old]
    } else {
      exclude = repository.remoteTrackingTips(remote: remote)
      limit = newBranchLimit
    }
    var commits: [String] = []
    do {
      try repository.walk(RevisionRange(include: [local], exclude: exclude, text: ref.localRef)) { id in
        commits.append(id.hex)
        return commits.count < limit
      }
    } catch {
      throw .usage("cannot list the commits pushed to \(ref.remoteRef): \(error)")
    }
    return commits
  }

  // MARK: Installing

  /// The script `hook install` writes, with `installed=''` filled in by `script(installedAt:)`;
  /// the repository's hooks/pre-push is this template.
  public static let template = """
    #!/bin/sh
    # sizebudget pre-push hook (installed by `sizebudget hook install`).
    # Refuses a push whose measured (or, with [hook] predict = "refuse", predicted) commits break budgets.toml.
    # To push anyway: git push --no-verify, or SIZEBUDGET_SKIP=1 git push.
    # The sizebudget that installed this hook, used when none is on PATH
    # (an unpacked release archive, a CI tool cache).
    installed=''
    sizebudget=${SIZEBUDGET_BIN:-sizebudget}
    if ! command -v "$sizebudget" >/dev/null 2>&1; then
      if [ -n "$installed" ] && [ -x "$installed" ]; then
        sizebudget=$installed
      else
        echo "sizebudget: not found on PATH; sizes not checked" >&2
        exit 0
      fi
    fi
    exec "$sizebudget" hook pre-push "$@"

    """

  /// The hook for a sizebudget at `executable` (an absolute path): PATH and
  /// SIZEBUDGET_BIN still come first, so an upgrade on PATH is what runs.
  public static func script(installedAt executable: String?) -> String {
    guard let executable else { return template }
    // Single-quoted for sh: a quote inside the path closes, escapes and reopens.
    let quoted = "'" + executable.replacingOccurrences(of: "'", with: "'\\''") + "'"
    return template.replacingOccurrences(of: "installed=''", with: "installed=\(quoted)")
  }

  /// The absolute path of the running binary (symbolic links resolved), or nil when
  /// the system does not say.
  static var runningExecutable: String? {
    guard let path = Bundle.main.executablePath, path.hasPrefix("/") else { return nil }
    return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
  }

  public static func install(force: Bool, in context: CommandContext) throws(CommandError) -> String {
    let repository = try context.repository()
    guard let directory = repository.hooksDirectory else {
      throw .usage("cannot find the hooks directory of this repository")
    }
    let path = directory + "pre-push"
    let fileManager = FileManager.default
    let script = script(installedAt: runningExecutable)
    if let existing = fileManager.contents(atPath: path) {
      let text = String(decoding: existing, as: UTF8.self)
      if text == script { return "sizebudget: the pre-push hook is already installed at \(path)" }
      // Earlier versions' hooks carry the same first comment line.
      let ours = text.contains("sizebudget hook pre-push") || text.contains("# sizebudget pre-push hook")
      if !force && !ours {
        throw .usage(
          "\(path) exists and is not sizebudget's: keep it and add the line `sizebudget hook pre-push \"$@\" || exit 1` "
            + "to it, or replace it with sizebudget hook install --force")
      }
    }
    do {
      try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
      try script.write(toFile: path, atomically: true, encoding: .utf8)
      try fileManager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    } catch {
      throw .usage("cannot write \(path): \(error.localizedDescription)")
    }
    return "sizebudget: installed the pre-push hook at \(path)"
  }
}
