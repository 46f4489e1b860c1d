import ArgumentParser
import Formats
import SizeBudgetKit

struct ExplainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explain",
    abstract: "What fills an image and what can go: findings with their saving, the layer and the fix.")

  @Argument(help: .hidden)
  var deprecatedRevision: String?

  @OptionGroup var commit: CommitOption

  @OptionGroup var image: ImageOption

  @Option(name: [.customShort("f"), .long], help: "Output: text, json or markdown.")
  var format: ReportFormat = .text

  @OptionGroup var options: ContextOptions

  func validate() throws {
    if deprecatedRevision != nil && commit.commit != nil { throw ValidationError("give the commit once: --commit REV") }
  }

  func run() throws {
    print(
      try Explain.run(
        revision: revisionGiven(deprecatedRevision, commit), image: image.image, format: format.rawValue,
        in: options.context(), terminal: .forDescriptor(1)))
  }
}

struct PackagesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "packages",
    abstract: "The image's packages (Debian, Alpine, Python, npm) largest first, with the layer that added each.")

  @Argument(help: .hidden)
  var deprecatedRevision: String?

  @OptionGroup var commit: CommitOption

  @OptionGroup var image: ImageOption

  @Option(help: "How many packages to list, largest first.")
  var limit = 40

  @Flag(help: "List every package (overrides --limit).")
  var all = false

  @Option(name: [.customShort("f"), .long], help: "Output: text, json or markdown.")
  var format: ReportFormat = .text

  @OptionGroup var options: ContextOptions

  func run() throws {
    print(
      try Explain.packages(
        revision: revisionGiven(deprecatedRevision, commit), image: image.image, limit: all ? nil : max(1, limit),
        format: format.rawValue,
        in: options.context(),
        terminal: .forDescriptor(1)))
  }
}

/// `explain REV` (the old spelling) still works, with a warning: the commit is
/// `--commit REV` on every command about one commit.
func revisionGiven(_ positional: String?, _ option: CommitOption) -> String? {
  guard let positional else { return option.commit }
  printError("warning: the commit as an argument is deprecated: give --commit \(positional)")
  return positional
}
