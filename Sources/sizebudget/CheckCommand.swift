import ArgumentParser
import Formats
import SizeBudgetKit
import SystemCalls

struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "The CI gate: judge a commit's measurements against budgets.toml.",
    discussion: """
      Exit status: 0 within budget (warnings allowed), 1 a budget is broken, 2 usage or \
      configuration error, 3 a needed measurement is missing (the message gives the command \
      that makes it).
      """)

  @OptionGroup var commit: CommitOption

  @OptionGroup var images: ImagesOption

  @Option(
    name: [.customShort("f"), .long],
    help: "Output: text, json, markdown, github (annotations and job summary), junit or sarif (code scanning).")
  var format: Check.Format = .text

  @Flag(help: "First share measurements through git notes (sizebudget sync): judge against the team's.")
  var sync = false

  @Option(help: "The remote for --sync (default: origin).")
  var remote: String?

  @Flag(
    inversion: .prefixedNo,
    help: "Send events to the webhooks of [notify], and the pull request's comment and status to its forge.")
  var notify = true

  @OptionGroup var options: ContextOptions

  func run() throws {
    var request = Check.Request()
    request.sync = sync
    request.remote = remote
    request.notify = notify
    request.commit = commit.commit
    request.images = images.images
    request.format = format
    let (output, status, webhook) = try Check.run(request, in: options.context(), terminal: .forDescriptor(1))
    print(output)
    if !webhook.isEmpty { printError(webhook) }
    if status != 0 { throw ExitCode(status) }
  }
}

extension Check.Format: ExpressibleByArgument {}
