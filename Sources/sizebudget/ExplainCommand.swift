import ArgumentParser
import Formats
import SizeBudgetKit

struct ExplainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explain",
    abstract: "What fills an image and what can go: findings with their saving, the layer and the fix.")

  @Argument(help: "The commit (default: HEAD).")
  var revision: String?

  @OptionGroup var image: ImageOption

  @Option(help: "Output: text, markdown or json.")
  var format: String = "text"

  @OptionGroup var options: ContextOptions

  func validate() throws {
    guard ["text", "markdown", "json"].contains(format) else {
      throw ValidationError("--format must be text, markdown or json, not \"\(format)\"")
    }
  }

  func run() throws {
    print(
      try Explain.run(
        revision: revision, image: image.image, format: format, in: options.context(), terminal: .forDescriptor(1)))
  }
}

struct PackagesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "packages",
    abstract: "The image's packages (Debian, Alpine, Python, npm) largest first, with the layer that added each.")

  @Argument(help: "The commit (default: HEAD).")
  var revision: String?

  @OptionGroup var image: ImageOption

  @Option(help: "How many packages to list, largest first.")
  var limit = 40

  @Flag(help: "List every package (overrides --limit).")
  var all = false

  @Option(help: "Output: text or json.")
  var format: MeasureCommand.OutputFormat = .text

  @OptionGroup var options: ContextOptions

  func run() throws {
    print(
      try Explain.packages(
        revision: revision, image: image.image, limit: all ? nil : max(1, limit), json: format == .json,
        in: options.context(),
        terminal: .forDescriptor(1)))
  }
}
