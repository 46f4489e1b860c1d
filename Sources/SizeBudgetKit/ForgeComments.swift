import Budgets
import Evaluation
import Forge
import Formats
import Foundation
import Store

/// The built-in forge delivery for commands: a check report becomes one job per forge
/// (the sticky comment and the commit status), written to the outbox and sent at once
/// within a bounded time; what a forge did not take stays for `sizebudget notify`.
enum ForgeComments {
  /// What `check` (or `comment --from`) knows of a report.
  struct Report {
    var commit: String
    var marker: String
    var summary: String
    var state: ForgeJob.State
    /// The comment under a forge's limit, linking the full report when shortened.
    var comment: (_ limit: Int, _ fullReport: String?) -> String
  }

  static func report(_ report: CheckReport) -> Report {
    Report(
      commit: report.commit, marker: CheckMarkdown.marker(report), summary: CheckMarkdown.statusLine(report),
      state: state(report.status),
      comment: { limit, link in CheckMarkdown.render(report, limit: limit, fullReport: link) })
  }

  static func state(_ status: ImageStatus) -> ForgeJob.State {
    switch status {
    case .fail: .failure
    case .stale, .missing, .error: .error
    case .pass, .warn, .justified: .success
    }
  }

  /// The jobs for this CI run, and a line for each forge that gets none (a fork's
  /// read-only token, a forge not configured enough).
  /// `findPullRequest`: comment even when the pull request is not known yet (it is
  /// found by its head commit when delivering: the fork pattern's workflow_run).
  static func jobs(
    _ report: Report, settings: [ForgeSettings], environment: [String: String], findPullRequest: Bool = false
  ) -> ([ForgeJob], [String]) {
    var jobs: [ForgeJob] = []
    var lines: [String] = []
    let configured = !settings.isEmpty
    for result in ForgeEnvironment.targets(settings, environment: environment) {
      let target: ForgeTarget
      switch result {
      case .failure(let failure):
        lines.append("sizebudget: forge: \(failure.message)")
        continue
      case .success(let found): target = found
      }
      if let readOnly = target.readOnly {
        lines.append("sizebudget: \(target.forge.name): \(readOnly)")
        continue
      }
      // Found by itself in a CI job that gave it no token: not asked for, so say so once.
      if !configured && (environment[target.tokenEnv] ?? "").isEmpty {
        lines.append(
          "sizebudget: \(target.forge.name): \(target.tokenEnv) is not set: no pull request comment or status "
            + "(docs/ci.md; SIZEBUDGET_FORGE=none silences this)")
        continue
      }
      let fullReport = target.settings.reportURL.map { expand($0, environment) } ?? target.jobURL
      let wantsComment = target.settings.comment && (target.pullRequest != nil || findPullRequest)
      jobs.append(
        ForgeJob(
          forge: target.forge, api: target.api, repository: target.repository, pullRequest: target.pullRequest,
          commit: target.commit ?? report.commit, tokenEnv: target.tokenEnv, marker: report.marker,
          comment: wantsComment ? report.comment(target.forge.commentLimit, fullReport) : nil,
          status: target.settings.status
            ? ForgeJob.Status(
              state: report.state, description: report.summary, targetURL: target.jobURL,
              context: target.settings.context) : nil))
    }
    return (jobs.filter { $0.comment != nil || $0.status != nil }, lines)
  }

  /// Lines for standard error, and whether every job is delivered (none failed or pending).
  struct Outcome {
    var lines: [String]
    var complete: Bool
  }

  /// Enqueues and sends.
  static func deliver(_ jobs: [ForgeJob], store: MeasurementStore, environment: [String: String]) -> Outcome {
    guard !jobs.isEmpty else { return Outcome(lines: [], complete: true) }
    let delivery = self.delivery(environment)
    let now = Int64(Date().timeIntervalSince1970)
    for job in jobs {
      do {
        try delivery.enqueue(job, in: store, now: now)
      } catch {
        return Outcome(lines: ["sizebudget: forge: cannot write to the outbox: \(error.message)"], complete: false)
      }
    }
    let summary = delivery.sendDue(
      store, environment: environment, deadline: Notifications.inlineDeadline, only: Set(jobs.map(\.id)))
    // The same report queued again (a re-run job) is one event: delivered before, not again.
    let ids = Set(jobs.map(\.id))
    let entries = ((try? store.outbox(limit: 1_000)) ?? []).filter { ids.contains($0.id) }
    let pending = entries.filter { $0.status == .pending || $0.status == .sending }.count
    let before = entries.filter { $0.status == .delivered && $0.attempts > 0 }.count - summary.delivered
    var lines = summary.lines.map { "sizebudget: \($0)" }
    if before > 0 { lines.append("sizebudget: forge: this report was delivered before; nothing to do") }
    if pending > 0 { lines.append("  \(pending) left in the outbox: `sizebudget notify` sends them") }
    return Outcome(lines: lines, complete: pending == 0 && summary.failed == 0)
  }

  static func delivery(_ environment: [String: String]) -> ForgeDelivery {
    var delivery = ForgeDelivery()
    if let text = environment["SIZEBUDGET_WEBHOOK_TIMEOUT"], let seconds = Double(text), seconds > 0 {
      delivery.timeout = seconds
      delivery.connectTimeout = min(delivery.connectTimeout, seconds)
    }
    return delivery
  }

  static func describe(_ summary: ForgeDelivery.Summary, total: Int) -> [String] {
    var lines = summary.lines.map { "sizebudget: \($0)" }
    let pending = total - summary.delivered - summary.failed
    if pending > 0 { lines.append("  \(pending) left in the outbox: `sizebudget notify` sends them") }
    return lines
  }

  /// `${NAME}` from the environment (a report URL); an unset variable stays as written.
  static func expand(_ text: String, _ environment: [String: String]) -> String {
    var out = text
    for (name, value) in environment where out.contains("${\(name)}") {
      out = out.replacingOccurrences(of: "${\(name)}", with: value)
    }
    return out
  }
}
