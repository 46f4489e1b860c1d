import Foundation

/// `../shared` beside the repository (DESIGN.md, toml-test, fixtures); CI puts it there.
enum SharedFiles {
  static let root: URL = {
    if let override = ProcessInfo.processInfo.environment["SIZEBUDGET_SHARED"] {
      return URL(fileURLWithPath: override)
    }
    return URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("shared")
  }()
}
