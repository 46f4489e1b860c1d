import ArgumentParser
import SizeBudgetKit

/// `--config` and `--store`, which every command takes: they resolve the one
/// `CommandContext` of the run, so every command reads the same budgets and store.
struct ContextOptions: ParsableArguments {
  @Option(name: .long, help: "The budgets file (default: budgets.toml at the repository root).")
  var config: String?

  @Option(
    name: .long,
    help:
      "The store (default: $SIZEBUDGET_STORE, else store in [defaults] of the budgets, else .git/sizebudget.sqlite)."
  )
  var store: String?

  /// The context of this run; its parts are opened when the command first needs them.
  func context() -> CommandContext { CommandContext(.init(config: config, store: store)) }
}

/// `-i/--image NAME` on the commands about one image: a name budgets.toml budgets
/// (or the store has measured); left out, the one image budgets.toml budgets.
struct ImageOption: ParsableArguments {
  @Option(
    name: [.customShort("i"), .long],
    help: "The image, as in [image.NAME] of budgets.toml (default: the one image it budgets).")
  var image: String?
}

/// `-i/--image NAME`, repeatable, on the commands about every image.
struct ImagesOption: ParsableArguments {
  @Option(
    name: [.customShort("i"), .customLong("image")],
    help: "Only this image (repeatable; default: every budgeted image).")
  var images: [String] = []
}

/// `-c/--commit REV`: the one commit a command is about (measure, check, explain,
/// packages, forget), HEAD when left out. Ranges are positional (log, bisect), as are
/// diff's two revisions.
struct CommitOption: ParsableArguments {
  @Option(name: [.customShort("c"), .long], help: "The commit (default: HEAD).")
  var commit: String?
}

/// The formats of a report for people (text), programs (json) and pull requests
/// (markdown); every command that prints a report takes `-f/--format` with the
/// formats it has, and a value it does not have is refused by ArgumentParser.
enum ReportFormat: String, CaseIterable, ExpressibleByArgument { case text, json, markdown }

extension Diff.Format: ExpressibleByArgument {}
