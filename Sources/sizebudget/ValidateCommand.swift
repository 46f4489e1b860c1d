import ArgumentParser
import Formats
import SizeBudgetKit

struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Check budgets.toml and print the budgets it sets.")

  @OptionGroup var options: ConfigOptions

  func run() throws {
    print(try Validate.run(config: options.config, terminal: .forDescriptor(1)))
  }
}
