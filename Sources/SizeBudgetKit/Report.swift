import Analysis
import Budgets
import Delivery
import Endpoints
import Evaluation
import Formats
import Foundation
import GitHistory
import Model
import Notify
import Store
import SystemCalls

/// `sizebudget report`: each image's trend over a period, along the branch's
/// first-parent history, as text, Markdown, HTML or JSON, or as an email. It needs
/// only the clone and its store (no images).
public enum Report {
  public struct Request: Sendable {
    public var since = "7d"
    public var until: String?
    public var branch: String?
    public var images: [String] = []
    public var format = "text"
    public var email = false
    public var sendmail = false
    public var output: String?

    public init() {}
  }

  public static func run(_ request: Request, in context: CommandContext, terminal: TerminalStyle)
    throws(CommandError) -> (String, String)
  {
    try context.requireKnown(request.images)
    let report = try build(request, context)
    let budgets = try context.budgets()
    var notes: [String] = []
    if request.email || request.sendmail || request.output?.hasSuffix(".eml") == true {
      notes.append(try mail(report, request, budgets))
    }
    if let settings = budgets.notify {
      let notifier = Notifications.notifier(settings)
      if notifier.wants(.report) {
        let data = EventData.make(
          document: ReportOutput.json(report), repository: report.repository, comment: ReportOutput.markdown(report))
        notes.append(
          Notifications.deliver([Event(kind: .report, data: data)], notifier: notifier, store: try context.store()))
      }
    }
    let output: String
    switch request.format {
    case "json": output = ReportOutput.json(report)
    case "markdown": output = ReportOutput.markdown(report)
    case "html": output = ReportHTML.render(report)
    default: output = TextWrap.fit(ReportOutput.text(report, terminal: terminal), width: TextWrap.lineWidth())
    }
    return (output, notes.filter { !$0.isEmpty }.joined(separator: "\n"))
  }

  static func build(_ request: Request, _ context: CommandContext) throws(CommandError) -> WeeklyReport {
    let budgets = try context.budgets()
    let repository = try context.repository()
    let store = try context.store()
    let now = Int64(Date().timeIntervalSince1970)
    let since = try parseTime(request.since, now: now, option: "--since")
    let until =
      try request.until.map { text throws(CommandError) in try parseTime(text, now: now, option: "--until") } ?? now
    guard since < until else { throw .usage("--since must be before --until") }
    let branch = request.branch ?? budgets.defaults.base
    let images = try Check.selectImages(budgets, request.images)
    let tip: ObjectID
    do { tip = try repository.resolveBranch(branch) } catch { throw .from(error) }
    var samples: [String: [String: TrendWalk.Sample]] = [:]
    var records: [String: CommitRecord] = [:]
    do {
      for image in images {
        samples[image.name] = Dictionary(
          try store.summaries(image: image.name).map {
            let sample = TrendWalk.Sample(
              size: $0.bytes(for: image.metric.rawValue),
              estimated: image.metric == .compressed && $0.compressedEstimated)
            return ($0.commit, sample)
          },
          uniquingKeysWith: { first, _ in first })
      }
      records = try store.commits(samples.values.flatMap(\.keys))
    } catch {
      throw .from(error)
    }
    let walk = TrendWalk(
      history: RepositoryHistory(repository: repository),
      knownStamps: records.mapValues { CommitStamp(subject: $0.subject, author: $0.authorName, time: $0.time) })
    let points: [String: [ImageTrend.Point]]
    do {
      points = try walk.points(from: tip.hex, samples: samples, since: since, until: until)
    } catch {
      throw .from(error)
    }
    var result: [WeeklyReport.Image] = []
    // The images' verdicts walk the same first-parent line for their noise: read it once.
    let noiseMemo = NoiseMemo()
    for image in images {
      let found = points[image.name] ?? []
      let inPeriod = found.filter { $0.time >= since }.count
      guard inPeriod > 0 else { continue }
      let trend = ImageTrend(
        image: image.name, metric: image.metric.rawValue, points: found, measuredInPeriod: inPeriod,
        max: image.max?.value.bytes, warn: image.warn?.value.bytes)
      var diff: MeasurementDiff? = nil
      var split: GrowthSplit? = nil
      if let first = found.first, let last = found.last, first.commit != last.commit,
        let old = try context.measurement(image.name, at: first.commit),
        let new = try context.measurement(image.name, at: last.commit)
      {
        diff = MeasurementDiff.between(old, new, pathLimit: 10)
        split = GrowthSplit.between(old, new, metric: image.metric)
      }
      result.append(
        WeeklyReport.Image(
          trend: trend, diff: diff, verdict: try verdict(image, at: found.last, context, noiseMemo: noiseMemo),
          growthSplit: split))
    }
    return WeeklyReport(
      repository: Notifications.repositoryName(repository), branch: branch, since: since, until: until,
      images: result)
  }

  /// `check`'s judgement of the image at the period's last measurement.
  /// `noiseMemo`: the report's, shared by every image's verdict.
  static func verdict(
    _ image: ImageBudget, at point: ImageTrend.Point?, _ context: CommandContext, noiseMemo: NoiseMemo
  ) throws(CommandError) -> Verdict {
    guard let point else { return Judgement.missing(at: "the period's end") }
    let report = try Check.evaluate(
      commit: point.commit, images: [image], context, revision: point.commit, noiseMemo: noiseMemo)
    return report.images.first?.verdict ?? Judgement.missing(at: point.commit)
  }

  /// `7d`, `2w`, `12h`, or a date `2026-11-18` (midnight UTC).
  static func parseTime(_ text: String, now: Int64, option: String) throws(CommandError) -> Int64 {
    let units: [Character: Int64] = ["h": 3600, "d": 86_400, "w": 604_800]
    if let unit = text.last.flatMap({ units[$0] }), let count = Int64(text.dropLast()), count >= 0 {
      let (span, tooLong) = count.multipliedReportingOverflow(by: unit)
      let (since, beforeTime) = now.subtractingReportingOverflow(span)
      if !tooLong && !beforeTime { return since }
    }
    let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int64($0) }
    if parts.count == 3, let year = parts[0], let month = parts[1], let day = parts[2],
      let time = UTCTime.secondsSince1970(year: year, month: month, day: day)
    {
      return time
    }
    throw .usage("\(option) \"\(text)\" is not a period or a date: use 7d, 2w, 12h or 2026-11-18")
  }

  /// Builds the MIME message and sends it (SMTP, sendmail) or writes it (--output).
  static func mail(_ report: WeeklyReport, _ request: Request, _ budgets: BudgetFile) throws(CommandError) -> String {
    guard let settings = budgets.report, !settings.to.isEmpty, let from = settings.from else {
      throw .usage("\(budgets.path) needs [report] with to = [...] and from = \"...\" to send the report by email")
    }
    let message = MIMEMessage(
      from: from, to: settings.to, subject: report.subject, text: ReportOutput.text(report),
      html: ReportHTML.render(report))
    let rendered = message.rendered()
    if let output = request.output {
      do {
        try rendered.write(toFile: output, atomically: true, encoding: .utf8)
      } catch {
        throw .usage("cannot write \(output): \(error.localizedDescription)")
      }
      return "sizebudget: wrote the email to \(output)"
    }
    if request.sendmail { return try sendmail(rendered) }
    guard let smtp = settings.smtp else {
      throw .usage("[report] has no smtp = \"smtp://host:port\": set it, or use --sendmail or --output FILE.eml")
    }
    let environment = ProcessInfo.processInfo.environment
    let user = settings.userEnv.flatMap { environment[$0] }
    if let name = settings.userEnv, user == nil {
      throw .usage("[report] user_env names \(name), which is not set in the environment")
    }
    let password = settings.passwordEnv.flatMap { environment[$0] }
    do {
      try SMTPClient.send(rendered, from: from, to: settings.to, url: smtp, user: user, password: password)
    } catch {
      throw .sending(error, through: Endpoint.redacted(smtp))
    }
    return
      "sizebudget: sent \"\(report.subject)\" to \(settings.to.joined(separator: ", ")) through \(Endpoint.redacted(smtp))"
  }

  static func sendmail(_ message: String) throws(CommandError) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/sbin/sendmail")
    process.arguments = ["-t", "-i"]
    let input = Pipe()
    process.standardInput = input
    do {
      try process.run()
      input.fileHandleForWriting.write(Data(message.utf8))
      try input.fileHandleForWriting.close()
    } catch {
      throw .usage("cannot run /usr/sbin/sendmail: \(error.localizedDescription)")
    }
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw .usage("/usr/sbin/sendmail -t failed with exit status \(process.terminationStatus)")
    }
    return "sizebudget: handed the report to /usr/sbin/sendmail"
  }
}
