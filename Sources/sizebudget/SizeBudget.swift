import ArgumentParser
import Budgets
import Foundation
import SizeBudgetKit
import SystemCalls

@main
struct SizeBudget: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sizebudget",
    abstract: "Size budgets for container images, enforced in git.",
    discussion: """
      Exit status: 0 within budget, 1 a budget is broken, 2 usage or configuration error, \
      3 a needed measurement is missing, 4 a registry, store, git remote or SMTP server \
      could not be reached (retrying may succeed). bisect adds its own (bisect --help).
      """,
    // The libraries' versions are read in main, for `--version` alone: reading them
    // loads libcurl and libpq, which every other command (the hook first) starts without.
    version: SizeBudgetVersion.current,
    subcommands: [
      InitCommand.self, MeasureCommand.self, CheckCommand.self, LogCommand.self, DiffCommand.self, BisectCommand.self,
      ReportCommand.self, ExplainCommand.self, PackagesCommand.self, NotifyCommandLine.self, CommentCommandLine.self,
      HookCommand.self, ValidateCommand.self, SyncCommand.self, SiteCommand.self, ForgetCommand.self,
      PredictCommand.self, BudgetsCommand.self,
    ]
  )

  /// Parses, runs, and maps every failure to the documented exit statuses: usage
  /// errors are 2 (not ArgumentParser's 64), library errors carry their own.
  static func main() {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if arguments == ["--version"] {
      print(SizeBudgetVersion.description)
      ThisProcess.exit(0)
    }
    do {
      if let prePush = HookCommand.PrePush.fromGit(arguments) {
        // The hook measures nothing: no allocator tuning, and none of
        // activeProcessorCount's reads of the cgroup's CPU quota (through URL and
        // Data, 4.5 % of its time).
        try prePush()
      } else {
        MemoryTuning.configureAllocator(processors: ProcessInfo.processInfo.activeProcessorCount)
        refuseUnknownCommand(arguments)
        var command = try parseAsRoot()
        try command.run()
      }
    } catch let error as CommandError {
      if let output = error.output { print(output) }
      // One "error: " per line, so each `file:line:col: message` stands on its own.
      printError(error.message.split(separator: "\n").map { "error: \($0)" }.joined(separator: "\n"))
      ThisProcess.exit(error.status.rawValue)
    } catch let error as ExitCode {
      // A command that printed its report and ends with a status (check: 1 or 3).
      ThisProcess.exit(error.rawValue)
    } catch {
      let code = exitCode(for: error)
      if code == .success {
        print(fullMessage(for: error))
        ThisProcess.exit(0)
      }
      printError(fullMessage(for: error))
      ThisProcess.exit(code == .validationFailure ? ExitStatus.usage.rawValue : code.rawValue)
    }
  }

  /// `sizebudget chek`: "did you mean check?" (ArgumentParser would call it an
  /// unexpected argument).
  static func refuseUnknownCommand(_ arguments: [String]) {
    guard let first = arguments.first, !first.hasPrefix("-") else { return }
    let names = configuration.subcommands.map { $0._commandName } + ["help"]
    guard !names.contains(first) else { return }
    let hint = Suggestion.closest(to: first, among: names).map { "did you mean \"\($0)\"? " } ?? ""
    printError("error: unknown command \"\(first)\": \(hint)the commands are \(names.joined(separator: ", "))")
    ThisProcess.exit(ExitStatus.usage.rawValue)
  }
}

func printError(_ message: String) { Descriptors.printError(message) }
