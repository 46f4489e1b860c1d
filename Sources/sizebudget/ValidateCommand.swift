import ArgumentParser
import Formats
import SizeBudgetKit

struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Check budgets.toml and print the budgets it sets.")

  @OptionGroup var options: ContextOptions

  func run() throws {
    print(try Validate.run(in: options.context(), terminal: .forDescriptor(1)))
  }
}
