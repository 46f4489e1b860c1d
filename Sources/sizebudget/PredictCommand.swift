import ArgumentParser
import Formats
import SizeBudgetKit
import SystemCalls

struct PredictCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "predict",
    abstract: "Predict a commit's image sizes without a build, and judge them as check would.",
    discussion: """
      From the nearest measured ancestor of the commit: the files the diff adds, grows or \
      removes where the image copies them, and the dependency lines it adds or removes, priced \
      from packages earlier measurements have seen. A commit that is measured, or inherits a \
      measurement (nothing in context changed since), is judged by it, as check does; a \
      measured one also shows what a prediction from its measured parent said. Exit status, \
      as check's from the one judgement: 0 within budget (a predicted break smaller than the \
      prediction's uncertainty is a warning), 1 a budget broken (measured, or predicted beyond \
      the uncertainty), 2 usage or configuration error or an image that cannot be predicted, \
      3 no measured ancestor to predict from.
      """)

  @Argument(help: "The commit to predict, as -c/--commit (default: HEAD).")
  var revision: String?

  @OptionGroup var commit: CommitOption

  @OptionGroup var images: ImagesOption

  @Option(name: [.customShort("f"), .long], help: "Output: text, json or markdown.")
  var format: Predict.Format = .text

  @OptionGroup var options: ContextOptions

  func validate() throws {
    if revision != nil && commit.commit != nil { throw ValidationError("give the commit once: --commit REV") }
  }

  func run() throws {
    let (output, status) = try Predict.run(
      revision: revision ?? commit.commit, images: images.images, format: format, in: options.context(),
      terminal: .forDescriptor(1))
    print(output)
    if status != 0 { throw ExitCode(status) }
  }
}

extension Predict.Format: ExpressibleByArgument {}
