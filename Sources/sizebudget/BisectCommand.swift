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

  @Option(help: "Output: text, json or markdown.")
  var format: Check.Format = .text

  @OptionGroup var options: ContextOptions

  func validate() throws {
    guard jobs >= 1 && jobs <= 64 else { throw ValidationError("--jobs must be between 1 and 64") }
    if let timeout, Seconds.parse(timeout) == nil {
      throw ValidationError("--timeout must be \(Seconds.help), got \"\(timeout)\"")
    }
    guard [.text, .json, .markdown].contains(format) else {
      throw ValidationError("bisect prints text, json or markdown (github and junit are check's formats)")
    }
  }

  func run() throws {
    var request = Bisect.Request(range: range, image: image.image)
    request.run = buildCommand
    request.threshold = threshold
    request.jobs = jobs
    request.timeout = timeout.flatMap(Seconds.parse)
    request.format = format
    let progress: Bisect.Progress? =
      isatty(2) == 1 ? { @Sendable line in printError("sizebudget: " + line) } : nil
    let (output, webhook) = try Bisect.run(
      request, in: options.context(), terminal: .forDescriptor(1), progress: progress)
    print(output)
    if !webhook.isEmpty { printError(webhook) }
  }
}
