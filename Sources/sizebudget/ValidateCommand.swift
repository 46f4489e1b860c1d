import ArgumentParser
import Formats
import SizeBudgetKit

struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Check budgets.toml and print the budgets it sets.")

  @Option(name: [.short, .long], help: "Output: text or json.")
  var format: Validate.Format = .text

  @OptionGroup var options: ContextOptions

  func run() throws {
    print(try Validate.run(in: options.context(), format: format, terminal: .forDescriptor(1)))
  }
}

extension Validate.Format: ExpressibleByArgument {}
