import ArgumentParser
import SizeBudgetKit

struct CommentCommandLine: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "comment",
    abstract: "Post a saved check report as the pull request's comment and commit status.",
    discussion: """
      For pull requests from forks, whose jobs get a read-only token: the untrusted job saves \
      `sizebudget check --format json > report.json` as an artifact, and a privileged \
      workflow_run job runs `sizebudget comment --from report.json` without checking out the \
      fork's code. The pull request is found by the head commit when the event does not name \
      it. The forge, repository and token come from [notify.github] (gitlab, gitea) or the CI \
      environment (docs/ci.md).
      """)

  @Option(help: "The report of `sizebudget check --format json`.")
  var from: String

  @OptionGroup var options: ContextOptions

  func run() throws {
    let (output, status) = try CommentCommand.run(from: from, config: options.config, store: options.store)
    if !output.isEmpty { printError(output) }
    if status != 0 { throw ExitCode(status) }
  }
}
