import ArgumentParser
import Formats
import SizeBudgetKit
import SystemCalls

struct PredictCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "predict",
    abstract: "Predict a commit's image sizes without a build, and judge them as check would.",
    discussion: """
      From the nearest measured ancestor of REV: the files the diff adds, grows or removes \
      where the image copies them, and the dependency lines it adds or removes, priced from \
      packages earlier measurements have seen. A measured REV is judged by its measurement. \
      Exit status: 0 within budget (or broken by less than the prediction's uncertainty), 1 a \
      measured budget broken or max/growth predicted broken by more than the uncertainty, 2 usage \
      or configuration error, 3 no measured ancestor to predict from.
      """)

  @Argument(help: "The commit to predict (default: HEAD).")
  var revision: String?

  @Option(name: .customLong("image"), help: "Only this image (repeatable; default: every budgeted image).")
  var images: [String] = []

  @Option(help: "Output: text, json or markdown.")
  var format: Predict.Format = .text

  @OptionGroup var options: ContextOptions

  func run() throws {
    let (output, status) = try Predict.run(
      revision: revision, images: images, format: format, in: options.context(), terminal: .forDescriptor(1))
    print(output)
    if status != 0 { throw ExitCode(status) }
  }
}

extension Predict.Format: ExpressibleByArgument {}
