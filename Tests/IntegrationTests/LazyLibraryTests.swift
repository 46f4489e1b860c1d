import Foundation
import TestSupport
import Testing

/// libcurl, libpq and Kerberos's GSSAPI are opened on first use, not at start-up: a
/// command that needs none (the pre-push hook, validate) runs where they cannot be
/// loaded, and one that needs one says which library is missing and how to install it.
@Suite struct LazyLibraryTests {
  /// A directory whose libcurl.so.4, libpq.so.5 and libgssapi_krb5.so.2 are not
  /// libraries, searched first (LD_LIBRARY_PATH): the dynamic loader fails on each, as
  /// on a system without them.
  static func brokenLibraries() throws -> TemporaryDirectory {
    let directory = try TemporaryDirectory()
    try directory.write("libcurl.so.4", "not a library\n")
    try directory.write("libpq.so.5", "not a library\n")
    try directory.write("libgssapi_krb5.so.2", "not a library\n")
    return directory
  }

  static let budgets = "[image.api]\nmax = \"100 MB\"\n"

  @Test func commandsThatNeedNeitherRunWithoutThem() throws {
    let broken = try Self.brokenLibraries()
    let environment = ["LD_LIBRARY_PATH": broken.url.path]
    let repo = try GitRepository()
    try repo.commit("budgets", files: ["budgets.toml": Self.budgets])
    let validate = try CLI.run(["validate"], in: repo.url, environment: environment)
    #expect(validate.status == 0, "\(validate.stderr)")
    let tip = try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    let zero = String(repeating: "0", count: 40)
    let hook = try CLI.run(
      ["hook", "pre-push", "origin", "x"], in: repo.url, environment: environment,
      input: Data("refs/heads/main \(tip) refs/heads/main \(zero)\n".utf8))
    #expect(hook.status == 0, "\(hook.stderr)")
    // --version still answers, saying what could not be loaded.
    let version = try CLI.run(["--version"], environment: environment)
    #expect(version.status == 0)
    #expect(version.stdout.contains("libcurl not loaded ("), "\(version.stdout)")
    #expect(version.stdout.contains("libpq not loaded ("), "\(version.stdout)")
  }

  /// The dynamic loader's own trace: the hook opens neither library, nor Kerberos's;
  /// --version, which names their versions, opens both (the trace does show them when
  /// they load).
  @Test func theHookDoesNotLoadThem() throws {
    let repo = try GitRepository()
    try repo.commit("budgets", files: ["budgets.toml": Self.budgets])
    let tip = try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    let trace = ["LD_DEBUG": "files"]
    let hook = try CLI.run(
      ["hook", "pre-push", "origin", "x"], in: repo.url, environment: trace,
      input: Data("refs/heads/main \(tip) refs/heads/main \(String(repeating: "0", count: 40))\n".utf8))
    #expect(hook.status == 0, "\(hook.stderr)")
    #expect(hook.stderr.contains("file=libzstd.so.1"), "the trace is on: \(hook.stderr.prefix(500))")
    #expect(!hook.stderr.contains("libcurl.so.4"))
    #expect(!hook.stderr.contains("libpq.so.5"))
    // Nor Kerberos, which libgit2's HTTP Negotiate authentication names (gssapi.c).
    #expect(!hook.stderr.contains("libgssapi_krb5"))
    let version = try CLI.run(["--version"], environment: trace)
    #expect(version.stderr.contains("file=libcurl.so.4"))
    #expect(version.stderr.contains("file=libpq.so.5"))
  }

  /// SQLite and libcrypto are linked in statically (Package.swift), as is what
  /// defines libgit2's GSSAPI calls (gssapi.c). Had the binary exported any of them,
  /// a library it loads or opens (ISA-L, the system libssl, Kerberos) would call the
  /// binary's definition instead of its own. make test-dist runs the same check on
  /// the release binary, which exports far more (-export-dynamic).
  @Test func noExportedSymbolIsALibrarysToo() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
    let check = try CLI.run(
      [root.appendingPathComponent("scripts/dist/exported-clashes.sh").path, CLI.path("sizebudget")],
      product: "/bin/bash")
    #expect(check.status == 0, "\(check.stderr)")
    #expect(check.stdout.contains("no exported symbol clashes"), "\(check.stdout)")
  }

  @Test func commandsThatNeedOneNameIt() throws {
    let broken = try Self.brokenLibraries()
    let environment = ["LD_LIBRARY_PATH": broken.url.path]
    let repo = try GitRepository()
    try repo.commit("budgets", files: ["budgets.toml": Self.budgets])
    let registry = try CLI.run(
      ["measure", "docker://127.0.0.1:9/app:1", "--image", "api"], in: repo.url, environment: environment)
    #expect(registry.status != 0)
    #expect(registry.stderr.contains("libcurl could not be loaded"), "\(registry.stderr)")
    #expect(registry.stderr.contains("libcurl.so.4"), "\(registry.stderr)")
    #expect(registry.stderr.contains("apt-get install libcurl4"), "\(registry.stderr)")
    let postgres = try CLI.run(
      ["log", "--store", "postgres://ci@127.0.0.1:1/db"], in: repo.url, environment: environment)
    #expect(postgres.status == 2, "\(postgres.stderr)")
    #expect(postgres.stderr.contains("libpq, PostgreSQL's client library, could not be loaded"), "\(postgres.stderr)")
    #expect(postgres.stderr.contains("apt-get install libpq5"), "\(postgres.stderr)")
  }
}
