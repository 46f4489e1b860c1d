import ArgumentParser
import SizeBudgetKit

struct SiteCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "site",
    abstract: "A static size dashboard: every image's trend, treemaps, layers, findings, and a page per commit.",
    discussion: """
      Plain files that work from file://, GitHub Pages, GitLab Pages or any bucket (no server, nothing external).
      """)

  @Option(help: "The directory to write the site into (made if missing).")
  var output: String

  @Option(help: "How far back: 90d, 12w, 24h or a date (2026-08-01).")
  var since = "90d"

  @Option(help: "The branch whose first-parent history is shown (default: base in budgets.toml).")
  var branch: String?

  @OptionGroup var images: ImagesOption

  @OptionGroup var options: ContextOptions

  func run() throws {
    var request = SiteBuild.Request(output: output)
    request.since = since
    request.branch = branch
    request.images = images.images
    request.config = options.config
    request.store = options.store
    let summary = try SiteBuild.run(request)
    print(
      "sizebudget: wrote the site for \(summary.images) images and \(summary.commits) measured commits to \(summary.output)/index.html"
    )
  }
}
