import ArgumentParser
import SizeBudgetKit

/// `sizebudget budgets`: commands that change budgets.toml itself.
struct BudgetsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "budgets",
    abstract: "Change budgets.toml from what was measured (edits the file in place, keeping its comments and layout).",
    subcommands: [TightenCommand.self])
}

struct TightenCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tighten",
    abstract: "Lower max, warn and path caps to the latest measurement on the base branch plus headroom.",
    discussion: """
      For each image, reads the newest measurement on its base branch (base in budgets.toml, following first \
      parents) and proposes max = measured + headroom, warn = measured + half the headroom, and each path cap \
      under [image.NAME.paths] = that path's measured size + headroom, rounded up to a readable figure in the \
      unit the file already uses. It only ever lowers a value (a ratchet): one already tighter is left as it is. \
      An estimated compressed size (a docker-archive) gets its error bound added to the headroom. An image with \
      no measurement on the base branch is named and skipped.

      Only the numbers change: comments, order, quoting and spacing stay as written. The edited file is validated \
      before it is written, and the change is printed as a unified diff. Running it again changes nothing.

      check warns (loose_budget, never failing) when an image has stayed more than the headroom under max for \
      loose_after measured commits (default 20) on its base branch, with the max this command would set.
      """)

  @Option(
    help: ArgumentHelp(
      "Room above the measured size, in percent (\"10%\" or \"10\"; warn gets half of it). "
        + "Default: headroom in budgets.toml, else 10%.", valueName: "percent"))
  var headroom: Headroom?

  @Flag(help: "Print the diff and leave budgets.toml as it is.")
  var dryRun = false

  @Option(
    help: ArgumentHelp(
      "Read measurements on this branch instead of each image's base in budgets.toml.", valueName: "branch"))
  var base: String?

  @OptionGroup var options: ContextOptions

  func run() throws {
    var request = Tighten.Request()
    request.headroomPercent = headroom?.percent
    request.dryRun = dryRun
    request.base = base
    print(try Tighten.run(request, in: options.context()))
  }
}

/// `--headroom 10%` or `--headroom 10`: a whole percentage.
struct Headroom: ExpressibleByArgument {
  var percent: Int

  init(percent: Int) { self.percent = percent }

  init?(argument: String) {
    let digits = argument.hasSuffix("%") ? String(argument.dropLast()) : argument
    guard let percent = Int(digits) else { return nil }
    self.percent = percent
  }

  var defaultValueDescription: String { "\(percent)%" }
}
