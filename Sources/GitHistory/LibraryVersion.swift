import CGit2

/// The libgit2 linked in (statically, see Package.swift).
public enum LibGit2 {
  /// The libgit2 this process runs with (not the headers it was built against),
  /// for `sizebudget --version` and bug reports.
  public static var runtimeVersion: String {
    var major: Int32 = 0
    var minor: Int32 = 0
    var revision: Int32 = 0
    git_libgit2_version(&major, &minor, &revision)
    return "\(major).\(minor).\(revision)"
  }
}
