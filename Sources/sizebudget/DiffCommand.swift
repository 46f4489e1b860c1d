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

  @Option(help: "How many paths that changed most to list.")
  var limit = 20

  @Option(name: .customLong("paths"), help: .hidden)
  var deprecatedPaths: Int?

  @Option(name: [.customShort("f"), .long], help: "Output: text, json or markdown (a pull request's body).")
  var format: Diff.Format = .text

  @OptionGroup var options: ContextOptions

  func run() throws {
    var request = Diff.Request(old: old, new: new, image: image.image)
    request.format = format
    request.limit = deprecatedPaths ?? limit
    if deprecatedPaths != nil { printError("warning: diff --paths N is now --limit N (--paths will go)") }
    print(try Diff.run(request, in: options.context(), terminal: .forDescriptor(1)))
  }
}
