import Foundation
import Testing

@testable import SizeBudgetKit

@Suite struct WorkspaceTests {
  @Test func findsTheRepositoryRootFromASubdirectory() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("ws-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let nested = root.appendingPathComponent("a/b/c")
    try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: root.appendingPathComponent(".git"), withIntermediateDirectories: true)
    let workspace = Workspace.discover(from: nested)
    #expect(workspace.root.path == root.standardizedFileURL.path)
    #expect(
      workspace.budgetsPath(override: nil) == root.standardizedFileURL.appendingPathComponent("budgets.toml").path)
    #expect(workspace.budgetsPath(override: "x.toml") == "x.toml")
  }

  @Test func followsAGitFileToItsDirectory() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("ws-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    try FileManager.default.createDirectory(
      at: root.appendingPathComponent("real.git"), withIntermediateDirectories: true)
    try "gitdir: real.git\n".write(to: root.appendingPathComponent(".git"), atomically: true, encoding: .utf8)
    let workspace = Workspace.discover(from: root)
    #expect(workspace.gitDirectory?.path == root.standardizedFileURL.appendingPathComponent("real.git").path)
  }
}
