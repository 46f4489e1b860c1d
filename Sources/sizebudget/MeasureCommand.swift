import ArgumentParser
import Formats
import SizeBudgetKit

struct MeasureCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "measure",
    abstract: "Measure an image and record it against a commit.",
    discussion: """
      SOURCE is docker-archive:PATH[:TAG], oci:DIR[:TAG], oci-archive:PATH[:TAG], \
      docker://HOST[:PORT]/REPO:TAG (or @sha256:DIGEST), docker-daemon:REF, or - for a \
      docker-archive on standard input (docker save api | sizebudget measure - --image api). \
      Without SOURCE, the image's source in budgets.toml is measured. From a registry only the \
      manifest is read unless --paths is given or the budget needs paths.
      """)

  @Argument(help: "Where the image is (default: the image's source in budgets.toml).")
  var source: String?

  @OptionGroup var image: ImageOption

  @Flag(help: "Measure an image budgets.toml does not budget (yet); without it such a name is refused as a typo.")
  var newImage = false

  @Option(name: [.customShort("c"), .long], help: "The commit to record against (default: HEAD).")
  var commit: String?

  @Option(help: "The platform to measure from a multi-platform image, os/arch[/variant].")
  var platform: String?

  @Option(help: "How deep per-path sizes are recorded (default: path_depth in budgets.toml, else 4).")
  var pathDepth: Int?

  @Option(name: [.customShort("f"), .long], help: "Output: text, json or markdown.")
  var format: ReportFormat = .text

  @Flag(
    help: """
      Trust the digests the image names instead of hashing its layers (faster; for images you built or \
      trust). No layer scan is kept for reuse; gzip's CRC-32 and zstd's checksum are still checked, and \
      uncompressed layers read from standard input are still hashed.
      """)
  var noVerify = false

  @Flag(
    help: """
      Do not estimate the compressed size of layers stored uncompressed: estimates made before for the same \
      layers are reused, and a layer without one is refused (its compressed size would be unknown).
      """)
  var noEstimate = false

  @Flag(help: "From a registry, also read the layers (paths, waste, uncompressed sizes).")
  var paths = false

  @Flag(help: "Allow plain HTTP to a registry that is not on loopback.")
  var insecureRegistry = false

  @Flag(help: ArgumentHelp("Skip package attribution and the explain findings (to time them).", visibility: .hidden))
  var noPackages = false

  @Flag(
    help: ArgumentHelp("Skip hashing big files for the duplicate-content finding (to time it).", visibility: .hidden))
  var noContentHashes = false

  @Flag(help: "Then share measurements through git notes: fetch, merge, push (sizebudget sync).")
  var sync = false

  @Option(help: "The remote for --sync (default: origin).")
  var remote: String?

  @OptionGroup var options: ContextOptions

  func run() throws {
    var request = Measure.Request(image: image.image)
    request.newImage = newImage
    request.source = source
    request.commit = commit
    request.platform = platform
    request.format = format.rawValue
    request.pathDepth = pathDepth
    request.verify = !noVerify
    request.estimate = !noEstimate
    request.paths = paths
    request.insecureRegistry = insecureRegistry
    request.packages = !noPackages
    request.contentHashes = !noContentHashes
    request.sync = sync
    request.remote = remote
    print(
      try Measure.run(
        request, in: options.context(), terminal: .forDescriptor(1), progress: ProgressLine.forStandardError()))
  }
}
