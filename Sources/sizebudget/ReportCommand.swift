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

  @OptionGroup var images: ImagesOption

  @Option(name: [.customShort("f"), .long], help: "Output: text, json, markdown or html.")
  var format: Format = .text

  @Flag(help: "Email the report by SMTP ([report] in budgets.toml).")
  var email = false

  @Flag(help: "Hand the email to /usr/sbin/sendmail -t instead of SMTP.")
  var sendmail = false

  @Option(help: "Write the email to this .eml file instead of sending it.")
  var output: String?

  @OptionGroup var options: ContextOptions

  enum Format: String, CaseIterable, ExpressibleByArgument { case text, json, markdown, html }

  func run() throws {
    var request = Report.Request()
    request.since = since
    request.until = until
    request.branch = branch
    request.images = images.images
    request.format = format.rawValue
    request.email = email
    request.sendmail = sendmail
    request.output = output
    let (text, notes) = try Report.run(request, in: options.context(), terminal: .forDescriptor(1))
    print(text)
    if !notes.isEmpty { printError(notes) }
  }
}
