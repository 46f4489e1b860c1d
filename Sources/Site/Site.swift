import Foundation

/// Writes the site's files. The caller hands pages over as they are rendered, so a
/// history of 10,000 commits never holds every commit page in memory at once.
public struct SiteWriter {
  public let root: URL

  public init(output: String) throws {
    root = URL(fileURLWithPath: output, isDirectory: true)
    for directory in ["", "images", "commits"] {
      try FileManager.default.createDirectory(
        at: root.appendingPathComponent(directory), withIntermediateDirectories: true)
    }
    try write("site.css", Page.css)
    try write("site.js", Script.js)
  }

  public func write(_ relative: String, _ text: String) throws {
    try Data(text.utf8).write(to: root.appendingPathComponent(relative), options: .atomic)
  }

  public func writeIndex(_ images: [SiteImage], repository: String, branch: String, generated: Int64) throws {
    try write("index.html", IndexPage.render(images, repository: repository, branch: branch, generated: generated))
  }

  public func writeImage(_ image: SiteImage) throws {
    try write(HTML.imageFile(image.name), ImagePage.render(image))
  }

  public func writeCommit(_ sections: [SiteCommitSection]) throws {
    guard let commit = sections.first?.point.commit else { return }
    try write("commits/\(commit).html", CommitPage.render(sections))
  }
}
