import ArgumentParser
import SizeBudgetKit

struct NotifyCommandLine: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "notify",
    abstract: "Send the webhook events that are due (or list the outbox).",
    discussion: """
      check and bisect put events in the outbox and send them at once; what a receiver did not \
      take stays pending and is retried with backoff (10 s doubling up to 6 h, 20 attempts). \
      Run notify from cron or CI to send what is due.
      """)

  @Flag(help: "List the outbox instead of sending.")
  var list = false

  @Flag(help: "Send every pending event now, ignoring the backoff.")
  var now = false

  @OptionGroup var options: ContextOptions

  func run() throws {
    print(try NotifyCommand.run(list: list, now: now, in: options.context()))
  }
}
