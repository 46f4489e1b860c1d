import Budgets
import Endpoints
import Evaluation
import Formats
import Foundation
import GitHistory
import Notify
import Store
import SystemCalls

/// Webhook events from commands: written to the outbox, then sent right away within a
/// bounded time. A receiver that is down never fails the command or holds it up for
/// long: what is not delivered stays pending for `sizebudget notify`.
enum Notifications {
  /// How long `check` and `bisect` spend sending before leaving the rest pending:
  /// each attempt has 3 s to connect and 10 s in all.
  static let inlineDeadline: Double = 15

  /// The notifier for `[notify]`; `SIZEBUDGET_WEBHOOK_TIMEOUT` (seconds) shortens or
  /// lengthens each attempt (default 10 s, connecting at most 3 s of it).
  static func notifier(_ settings: NotifySettings) -> Notifier {
    var notifier = Notifier(settings)
    if let text = ProcessInfo.processInfo.environment["SIZEBUDGET_WEBHOOK_TIMEOUT"], let seconds = Double(text),
      seconds > 0
    {
      notifier.timeout = seconds
      notifier.connectTimeout = min(notifier.connectTimeout, seconds)
    }
    return notifier
  }

  /// Events for a check report, per `[notify] on`.
  static func forCheck(_ report: CheckReport, notifier: Notifier, repository: String?) -> [Event] {
    let comment = CheckMarkdown.render(report)
    let data = EventData.make(document: CheckJSON.render(report), repository: repository, comment: comment)
    var events: [Event] = []
    if report.isBroken && notifier.wants(.violation) { events.append(Event(kind: .violation, data: data)) }
    if notifier.wants(.check) { events.append(Event(kind: .check, data: data)) }
    return events
  }

  static func forBisect(_ result: BisectResult, notifier: Notifier, repository: String?) -> [Event] {
    guard notifier.wants(.bisect) else { return [] }
    let data = EventData.make(
      document: BisectReport.json(result), repository: repository, comment: BisectReport.markdown(result))
    return [Event(kind: .bisect, data: data)]
  }

  /// Enqueues and sends; returns a line for standard error (empty when nothing to say).
  static func deliver(_ events: [Event], notifier: Notifier, store: MeasurementStore) -> String {
    guard !events.isEmpty else { return "" }
    let now = Int64(Date().timeIntervalSince1970)
    for event in events {
      do {
        try notifier.enqueue(event, in: store, now: now, environment: ProcessInfo.processInfo.environment)
      } catch {
        return "sizebudget: webhook: cannot write the event to the outbox: \(error.message)"
      }
    }
    let summary = notifier.sendDue(
      store, environment: ProcessInfo.processInfo.environment, deadline: inlineDeadline, only: Set(events.map(\.id)))
    return describe(summary, total: events.count * notifier.endpoints.count)
  }

  static func describe(_ summary: Notifier.Summary, total: Int) -> String {
    var lines = ["sizebudget: webhook: \(summary.delivered) of \(total) deliveries made"]
    lines += summary.problems.map { "  \($0)" }
    let pending = total - summary.delivered - summary.failed
    if pending > 0 { lines.append("  \(pending) left in the outbox: `sizebudget notify` sends them") }
    return lines.joined(separator: "\n")
  }

  /// `owner/name` from the origin remote, else the work tree's directory name.
  static func repositoryName(_ repository: Repository) -> String? {
    if let url = repository.remoteURL("origin") {
      var text = url
      if text.hasSuffix(".git") { text.removeLast(4) }
      let parts = text.split(whereSeparator: { $0 == "/" || $0 == ":" })
      if parts.count >= 2 { return parts.suffix(2).joined(separator: "/") }
    }
    return repository.workDirectory.map { URL(fileURLWithPath: $0).lastPathComponent }
  }
}

/// `sizebudget notify`: send what is pending, or list the outbox.
public enum NotifyCommand {
  public static func run(list: Bool, now: Bool, in context: CommandContext) throws(CommandError) -> String {
    let measurements = try context.store()
    if list { return try outbox(measurements) }
    let environment = ProcessInfo.processInfo.environment
    // Forge deliveries need no [notify]: what they need is in the outbox entry.
    let forge = ForgeComments.delivery(environment).sendDue(
      measurements, environment: environment, ignoringBackoff: now)
    let forgeAttempted = forge.delivered + forge.retrying + forge.failed
    let budgets = try context.budgetsIfPresent()
    guard let settings = budgets?.notify, !settings.webhooks.isEmpty else {
      if forgeAttempted > 0 { return ForgeComments.describe(forge, total: forgeAttempted).joined(separator: "\n") }
      throw .usage(
        "\(budgets?.path ?? "budgets.toml") has no webhook in [notify] and no forge delivery is due: there is nothing to send"
      )
    }
    let notifier = Notifications.notifier(settings)
    let summary = notifier.sendDue(measurements, environment: environment, ignoringBackoff: now)
    let attempted = summary.delivered + summary.retrying + summary.failed
    let forgeLines = forgeAttempted > 0 ? ForgeComments.describe(forge, total: forgeAttempted) : []
    guard attempted > 0 else {
      return
        (forgeLines + (forgeLines.isEmpty ? ["sizebudget: nothing is due in the outbox (notify --list shows it)"] : []))
        .joined(separator: "\n")
    }
    return ([Notifications.describe(summary, total: attempted)] + forgeLines).joined(separator: "\n")
  }

  static func outbox(_ store: MeasurementStore) throws(CommandError) -> String {
    let entries: [OutboxEntry]
    do { entries = try store.outbox() } catch { throw .from(error) }
    guard !entries.isEmpty else { return "The outbox is empty." }
    var table = TextTable([
      .init("event"), .init("type"), .init("endpoint"), .init("status", fit: .keep), .init("attempts", .right),
      .init("next / last"),
    ])
    for entry in entries {
      let when =
        entry.status == .pending
        ? "next " + LogOutput.date(entry.nextAttemptAt) + " " + time(entry.nextAttemptAt)
        : entry.lastStatus.map { "HTTP \($0)" } ?? ""
      table.add([
        entry.id, entry.type.replacingOccurrences(of: "sizebudget.", with: ""),
        shorten(Endpoint.redacted(entry.endpoint), to: 40),
        entry.status.rawValue, String(entry.attempts),
        when + (entry.lastError.map { "  \(shorten($0, to: 50))" } ?? ""),
      ])
    }
    return table.render()
  }

  static func time(_ seconds: Int64) -> String { UTCTime.timeOfDay(seconds) + "Z" }
}
