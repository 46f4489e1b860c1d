import ArgumentParser
import Formats
import SizeBudgetKit

struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "The trend report: each image over a period, with growth, headroom and the top growth commits.",
    discussion: """
      Weekly from cron: 0 8 * * 1 cd /srv/repo && git fetch -q && sizebudget report --since 7d --email
      """)

  @Option(help: "The start of the period: 7d, 2w, 12h or a date (2026-11-18).")
  var since = "7d"

  @Option(help: "The end of the period (default: now).")
  var until: String?

  @Option(help: "The branch whose first-parent history is reported (default: base in budgets.toml).")
  var branch: String?

  @Option(name: .customLong("image"), help: "Only this image (repeatable).")
  var images: [String] = []

  @Option(help: "Output: text, markdown, html or json.")
  var format: ReportFormat = .text

  @Flag(help: "Email the report by SMTP ([report] in budgets.toml).")
  var email = false

  @Flag(help: "Hand the email to /usr/sbin/sendmail -t instead of SMTP.")
  var sendmail = false

  @Option(help: "Write the email to this .eml file instead of sending it.")
  var output: String?

  @OptionGroup var options: ContextOptions

  enum ReportFormat: String, ExpressibleByArgument { case text, markdown, html, json }

  func run() throws {
    var request = Report.Request()
    request.since = since
    request.until = until
    request.branch = branch
    request.images = images
    request.format = format.rawValue
    request.email = email
    request.sendmail = sendmail
    request.output = output
    let (text, notes) = try Report.run(request, in: options.context(), terminal: .forDescriptor(1))
    print(text)
    if !notes.isEmpty { printError(notes) }
  }
}
