import ArgumentParser
import Budgets
import Formats
import SizeBudgetKit
import SystemCalls

struct BisectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bisect",
    abstract: "Find the commit that made an image break its budget, building only what is not measured.",
    discussion: """
      RANGE is main..branch (or a single revision: from its merge-base with the image's base). \
      The build command (the image's build in budgets.toml, or --run) runs in a temporary \
      worktree of each commit with SIZEBUDGET_COMMIT, SIZEBUDGET_IMAGE and SIZEBUDGET_OUTPUT set; \
      it must leave a docker-archive or an OCI layout at $SIZEBUDGET_OUTPUT. Exit 125 skips \
      a commit, as in git bisect run.

      Exit status: 0 the culprit was found; 5 nothing in the range breaks the rule; 6 \
      skipped or failed builds hide the culprit (the suspects are listed); 7 the build \
      fails: --max-failures builds in a row failed the same way; 3 nothing measurable (no \
      size along the line: every build skipped, or no build command and nothing measured); \
      2 usage or configuration error; 4 a store or remote could not be reached.
      """)

  @Argument(help: "The range to search: main..branch.")
  var range: String

  @OptionGroup var image: ImageOption

  @Option(name: .customLong("run"), help: "The build command (default: the image's build in budgets.toml).")
  var buildCommand: String?

  @Option(help: "Find the first commit over the base by more than this: +10% or +20 MB (default: the budget).")
  var threshold: String?

  @Option(help: "Build up to N commits at once.")
  var jobs = 1

  @Option(help: "Stop a build (its whole process group) after this long: 90s, 45m, 2h (default: build_timeout).")
  var timeout: String?

  @Option(name: [.customShort("f"), .long], help: "Output: text, json or markdown.")
  var format: ReportFormat = .text

  @Option(help: "Stop after this many builds in a row fail the same way (same exit status and last line).")
  var maxFailures = Bisect.defaultMaxFailures

  @Flag(help: "Stream the builds' output to standard error.")
  var verbose = false

  @OptionGroup var options: ContextOptions

  func validate() throws {
    guard jobs >= 1 && jobs <= 64 else { throw ValidationError("--jobs must be between 1 and 64") }
    if let timeout, Seconds.parse(timeout) == nil {
      throw ValidationError("--timeout must be \(Seconds.help), got \"\(timeout)\"")
    }
    guard maxFailures >= 1 else { throw ValidationError("--max-failures must be 1 or more") }
  }

  func run() throws {
    var request = Bisect.Request(range: range, image: image.image)
    request.run = buildCommand
    request.threshold = threshold
    request.jobs = jobs
    request.timeout = timeout.flatMap(Seconds.parse)
    request.format = Check.Format(rawValue: format.rawValue)!
    request.maxFailures = maxFailures
    request.verbose = verbose
    let heartbeat = Heartbeat(onTerminal: Descriptors.isTerminal(2))
    defer { heartbeat.stop() }
    let (output, webhook, status) = try Bisect.run(
      request, in: options.context(), terminal: .forDescriptor(1), progress: { heartbeat.report($0) })
    heartbeat.stop()
    print(output)
    if !webhook.isEmpty { printError(webhook) }
    if status != .culprit { throw ExitCode(status.rawValue) }
  }
}
