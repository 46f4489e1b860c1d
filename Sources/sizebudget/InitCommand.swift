import ArgumentParser
import SizeBudgetKit

struct InitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Write a first budgets.toml: one image per Dockerfile, budgets from a first measurement.",
    discussion: """
      Looks at the repository (Dockerfiles and Containerfiles, CI configuration) and writes a \
      commented budgets.toml at its root (or --config PATH), never over an existing one. With \
      --from SOURCE (any SOURCE measure takes) the image is measured and its max set to the \
      measured compressed size plus --headroom, rounded up. Prints the next three commands.
      """)

  @Option(help: "An image to measure for the budget: docker-archive:PATH, oci:DIR, docker://…, docker-daemon:REF.")
  var from: String?

  @OptionGroup var image: ImageOption

  @Option(help: "Percent added to the measured size for max.")
  var headroom = 10

  @OptionGroup var options: ContextOptions

  func run() throws {
    var request = Init.Request()
    request.from = from
    request.image = image.image
    request.headroom = headroom
    print(try Init.run(request, in: options.context()))
  }
}
