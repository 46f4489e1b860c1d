import ArgumentParser
import SizeBudgetKit

struct ForgetCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "forget",
    abstract: "Remove a measurement from the store and from its commit's note (shared by the next sync).",
    discussion: """
      For a measurement that should not have been made (a mistyped image, a broken build). \
      The note keeps a record of the removal, so sync removes it from the other clones too; \
      measuring the image at that commit again brings a new measurement back.
      """)

  @OptionGroup var commit: CommitOption

  @OptionGroup var image: ImageOption

  @OptionGroup var options: ContextOptions

  func run() throws {
    print(try Forget.run(revision: commit.commit, image: image.image, in: options.context()))
  }
}
