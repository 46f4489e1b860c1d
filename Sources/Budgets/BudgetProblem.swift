import TOML

/// One thing wrong with budgets.toml: `budgets.toml:12:7: message`.
public struct BudgetProblem: Sendable, Equatable, CustomStringConvertible {
  public var file: String
  public var position: TOMLPosition
  public var message: String

  public init(file: String, position: TOMLPosition, message: String) {
    self.file = file
    self.position = position
    self.message = message
  }

  public var description: String { "\(file):\(position): \(message)" }
}

/// Every problem found in one reading of budgets.toml, in file order.
public struct BudgetError: Error, Sendable, CustomStringConvertible {
  public var problems: [BudgetProblem]

  public init(problems: [BudgetProblem]) { self.problems = problems }

  public var description: String { problems.map(\.description).joined(separator: "\n") }
}
