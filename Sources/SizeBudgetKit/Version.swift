import Delivery
import GitHistory
import Store

public enum SizeBudgetVersion {
  /// The tool's version, recorded with every measurement.
  public static let current = "0.1.0"

  /// What `sizebudget --version` prints: the tool's version, then the C libraries it
  /// runs with, read from the libraries themselves at run time (a bundled or a
  /// distribution's copy may differ from the build machine's), as a bug report needs.
  public static var description: String {
    """
    \(current)
    libgit2 \(LibGit2.runtimeVersion), SQLite \(StoreLibraries.sqliteVersion), \
    libcurl \(CurlLibrary.runtimeVersion), libpq \(StoreLibraries.libpqVersion)
    """
  }
}
