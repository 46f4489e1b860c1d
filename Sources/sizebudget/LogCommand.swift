import ArgumentParser
import Formats
import SizeBudgetKit
import SystemCalls

struct LogCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "log",
    abstract: "Sizes along history: one row per measured commit, with changes and a sparkline.")

  @Argument(help: "A revision or range (main, main..branch, A...B; default: HEAD).")
  var range: String = "HEAD"

  @OptionGroup var images: ImagesOption

  @Flag(help: "Follow only the first parent of merges.")
  var firstParent = false

  @Flag(help: "Beside each measured change, the change predicted for that commit before it was built.")
  var predicted = false

  @Option(name: [.customShort("f"), .long], help: "Output: text, json or markdown.")
  var format: ReportFormat = .text

  @OptionGroup var options: ContextOptions

  func run() throws {
    var request = Log.Request()
    request.range = range
    request.images = images.images
    request.firstParent = firstParent
    request.format = format.rawValue
    request.predicted = predicted
    let terminal = TerminalStyle.forDescriptor(1)
    print(try Log.run(request, in: options.context(), terminal: terminal, sparklines: isatty(1) == 1))
  }
}
