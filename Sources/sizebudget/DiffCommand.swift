import ArgumentParser
import Formats
import SizeBudgetKit

struct DiffCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "diff",
    abstract: "What changed between two measurements: layers, paths, forbidden files.")

  @Argument(help: "The older revision.")
  var old: String

  @Argument(help: "The newer revision (default: HEAD).")
  var new: String = "HEAD"

  @OptionGroup var image: ImageOption

  @Option(help: "How many paths to list.")
  var paths = 20

  @Option(help: "Output: text or json.")
  var format: MeasureCommand.OutputFormat = .text

  @OptionGroup var options: ContextOptions

  func run() throws {
    var request = Diff.Request(old: old, new: new, image: image.image)
    request.json = format == .json
    request.paths = paths
    print(try Diff.run(request, in: options.context(), terminal: .forDescriptor(1)))
  }
}
