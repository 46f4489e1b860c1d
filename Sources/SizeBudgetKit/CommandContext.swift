import Analysis
import Budgets
import Foundation
import GitHistory
import Model
import Store
import SystemCalls

/// What every command works on: the workspace, its budgets (`--config`), the
/// repository and the store (`--store`, else `$SIZEBUDGET_STORE`, else `[defaults]
/// store` of those same budgets, else `.git/sizebudget.sqlite`). Built once per run by
/// the front end and passed to the command; each part is resolved on first use and
/// kept, so a command that never needs the store never opens it, and every part a
/// command uses agrees with what `check` would use.
public final class CommandContext {
  /// `--config` and `--store` as given on the command line.
  public struct Options: Sendable {
    public var config: String?
    public var store: String?

    public init(config: String? = nil, store: String? = nil) {
      self.config = config
      self.store = store
    }
  }

  public let options: Options
  public let workspace: Workspace

  private var budgetsResult: Result<BudgetFile?, CommandError>?
  private var repositoryResult: Result<Repository, CommandError>?
  private var storeResult: Result<MeasurementStore, CommandError>?

  public init(_ options: Options = Options(), workspace: Workspace = .discover()) {
    self.options = options
    self.workspace = workspace
  }

  /// The budgets file this run uses (`--config`, else budgets.toml at the root).
  public var budgetsPath: String { workspace.budgetsPath(override: options.config) }

  /// The budgets; a missing or broken file is an error (exit 2).
  public func budgets() throws(CommandError) -> BudgetFile {
    if let budgets = try budgetsIfPresent() { return budgets }
    // Not present and not asked for: let the loader say what to do.
    return try workspace.loadBudgets(override: options.config)
  }

  /// The budgets when there are any; nil when there is no budgets.toml and no
  /// `--config` asked for one (measuring and sharing need no budgets).
  public func budgetsIfPresent() throws(CommandError) -> BudgetFile? {
    try cached(&budgetsResult) { () throws(CommandError) in
      try workspace.loadBudgetsIfPresent(override: options.config)
    }
  }

  /// The repository this command runs in.
  public func repository() throws(CommandError) -> Repository {
    try cached(&repositoryResult) { () throws(CommandError) in try workspace.openRepository() }
  }

  /// The repository, or nil outside one (measure and diff accept full oids there).
  public var repositoryIfAny: Repository? { try? repository() }

  /// Where the store is. Without --store or $SIZEBUDGET_STORE the budgets decide
  /// (`[defaults] store`), so broken budgets are an error here too (exit 2), never a
  /// silent fallback to `.git/sizebudget.sqlite` that check would not use.
  public func storePath() throws(CommandError) -> String {
    let environment = ThisProcess.environment("SIZEBUDGET_STORE") ?? ""
    let budgets = options.store == nil && environment.isEmpty ? try budgetsIfPresent() : nil
    return try workspace.storePath(override: options.store, budgets: budgets)
  }

  /// The store, opened (and migrated) once.
  public func store() throws(CommandError) -> MeasurementStore {
    try cached(&storeResult) { () throws(CommandError) in
      let path = try storePath()
      do throws(StoreError) {
        return try MeasurementStore(path: path)
      } catch {
        throw .from(error)
      }
    }
  }

  /// The full oid of a revision (default HEAD); outside a repository only a full oid.
  public func resolveCommit(_ revision: String?) throws(CommandError) -> String {
    try workspace.resolveCommit(revision, in: repositoryIfAny)
  }

  /// The stored measurement of an image at a commit, if any.
  func measurement(_ image: String, at commit: String) throws(CommandError) -> ImageMeasurement? {
    let store = try store()
    do {
      return try store.measurement(image: image, commit: commit)
    } catch {
      throw .from(error)
    }
  }

  /// Resolves once; later calls return the same value or the same error.
  private func cached<T>(_ slot: inout Result<T, CommandError>?, _ make: () throws(CommandError) -> T)
    throws(CommandError) -> T
  {
    if slot == nil {
      do { slot = .success(try make()) } catch { slot = .failure(error) }
    }
    return try slot!.get()
  }
}
