import Budgets
import Foundation
import GitHistory
import SystemCalls

/// Where a command runs: the repository's top directory and its budgets.toml.
public struct Workspace: Sendable {
  /// The top directory of the git work tree (or the current directory outside git).
  public var root: URL
  /// The git directory (`.git`), when inside a repository.
  public var gitDirectory: URL?

  /// Finds the repository that contains `directory` by walking up to a `.git`.
  public static func discover(from directory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    -> Workspace
  {
    var candidate = directory.standardizedFileURL
    while true {
      let dotGit = candidate.appendingPathComponent(".git")
      if FileManager.default.fileExists(atPath: dotGit.path) {
        return Workspace(root: candidate, gitDirectory: resolveGitDirectory(dotGit))
      }
      let parent = candidate.deletingLastPathComponent()
      if parent.path == candidate.path { return Workspace(root: directory, gitDirectory: nil) }
      candidate = parent
    }
  }

  /// `.git` is a directory, or (in worktrees and submodules) a file `gitdir: PATH`.
  private static func resolveGitDirectory(_ dotGit: URL) -> URL {
    var isDirectory: ObjCBool = false
    _ = FileManager.default.fileExists(atPath: dotGit.path, isDirectory: &isDirectory)
    guard !isDirectory.boolValue, let text = try? String(contentsOf: dotGit, encoding: .utf8),
      text.hasPrefix("gitdir:")
    else { return dotGit }
    let path = text.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespacesAndNewlines)
    return URL(fileURLWithPath: path, relativeTo: dotGit.deletingLastPathComponent()).standardizedFileURL
  }

  /// `--config PATH` if given, else `budgets.toml` at the repository root.
  public func budgetsPath(override: String?) -> String {
    override ?? root.appendingPathComponent("budgets.toml").path
  }

  /// Reads and validates budgets.toml; every problem is reported, with exit status 2.
  public func loadBudgets(override: String? = nil) throws(CommandError) -> BudgetFile {
    let path = budgetsPath(override: override)
    let shownPath = Self.displayPath(path)
    // FileHandle, unlike FileManager.contents, also reads pipes (`--config <(…)`).
    guard let handle = FileHandle(forReadingAtPath: path), let data = try? handle.readToEnd() ?? Data() else {
      var isDirectory: ObjCBool = false
      let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
      throw .usage(
        isDirectory.boolValue
          ? "\(shownPath) is a directory: pass the budgets file itself, like --config \(shownPath)/budgets.toml"
          : exists
            ? "cannot read \(shownPath): check its permissions"
            : "no budgets file at \(shownPath): create budgets.toml at the repository root (see README) or pass --config PATH"
      )
    }
    do {
      return try BudgetParser.parse([UInt8](data), path: shownPath)
    } catch {
      throw .usage(error.description)
    }
  }

  /// budgets.toml when it exists; nil when there is none and none was asked for
  /// (measuring needs no budgets).
  public func loadBudgetsIfPresent(override: String?) throws(CommandError) -> BudgetFile? {
    if override == nil && !FileManager.default.fileExists(atPath: budgetsPath(override: nil)) { return nil }
    return try loadBudgets(override: override)
  }

  /// The repository this command runs in, opened with libgit2.
  public func openRepository() throws(CommandError) -> Repository {
    do {
      return try Repository(discovering: FileManager.default.currentDirectoryPath)
    } catch {
      throw .from(error)
    }
  }

  /// The full oid of a revision (default HEAD), through libgit2. Outside a
  /// repository only a full 40-digit oid is accepted.
  public func resolveCommit(_ revision: String?, in repository: Repository?) throws(CommandError) -> String {
    let revision = revision ?? "HEAD"
    guard let repository else {
      if revision.count == 40 && revision.allSatisfy(\.isHexDigit) { return revision.lowercased() }
      throw .usage("not inside a git repository: run sizebudget in a clone, or pass --commit with a full 40-digit oid")
    }
    do {
      return try repository.resolveCommit(revision)
    } catch {
      throw .from(error)
    }
  }

  /// `--store PATH|URL`, else `$SIZEBUDGET_STORE`, else `store` in budgets.toml's
  /// `[defaults]` (a shared PostgreSQL store), else `.git/sizebudget.sqlite`.
  public func storePath(override: String?, budgets: BudgetFile? = nil) throws(CommandError) -> String {
    if let override { return override }
    if let environment = ThisProcess.environment("SIZEBUDGET_STORE"), !environment.isEmpty {
      return environment
    }
    // A broken budgets.toml may be the file that names the store: its error ends the
    // command, rather than a quiet fallback to another store than check would use.
    var file = budgets
    if file == nil { file = try loadBudgetsIfPresent(override: nil) }
    if let store = file?.defaults.store { return store }
    guard let gitDirectory else {
      throw .usage(
        "not inside a git repository, so there is no .git/sizebudget.sqlite: pass --store PATH or set SIZEBUDGET_STORE")
    }
    return gitDirectory.appendingPathComponent("sizebudget.sqlite").path
  }

  /// A path relative to the repository root (as git names files), or the path as given
  /// when it is outside the repository.
  func relativeToRoot(_ path: String) -> String {
    let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
    let rootPath = root.standardizedFileURL.path
    return absolute.hasPrefix(rootPath + "/") ? String(absolute.dropFirst(rootPath.count + 1)) : path
  }

  /// A path relative to the current directory when it is below it, as compilers print.
  static func displayPath(_ path: String) -> String {
    let current = FileManager.default.currentDirectoryPath
    let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
    return absolute.hasPrefix(current + "/") ? String(absolute.dropFirst(current.count + 1)) : path
  }
}
