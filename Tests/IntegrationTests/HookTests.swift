import Foundation
import TestSupport
import Testing

/// The pre-push hook through real `git push`es to a local bare repository.
@Suite struct HookTests {
  func setUp() throws -> (GateFixture, TemporaryDirectory) {
    let fixture = try GateFixture(budgets: "[image.api]\nmax = \"100 kB\"\n")
    let remote = try TemporaryDirectory()
    try fixture.repo.git(["init", "-q", "--bare", remote.url.path])
    try fixture.repo.git(["remote", "add", "origin", remote.url.path])
    let install = try fixture.run(["hook", "install"])
    #expect(install.status == 0, "\(install.stderr)")
    #expect(install.stdout.contains("installed the pre-push hook"))
    return (fixture, remote)
  }

  /// `git push` with the built sizebudget first on PATH.
  func push(_ fixture: GateFixture, _ arguments: [String], environment: [String: String] = [:]) throws -> CLI.Result {
    var env = environment
    env["PATH"] = CLI.productsDirectory.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    return try CLI.run(["push"] + arguments, product: "/usr/bin/git", in: fixture.url, environment: env)
  }

  @Test func aPushWithinBudgetGoesThroughAndOneOverBudgetIsRefused() throws {
    let (fixture, remote) = try setUp()
    defer { withExtendedLifetime(remote) {} }
    try fixture.measure(bytes: 50_000)
    let first = try push(fixture, ["-u", "origin", "main"])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stderr.contains("sizebudget: 1 pushed commit checked: 1 measured; api"), "\(first.stderr)")
    try fixture.commit("bloat")
    try fixture.measure(bytes: 150_000)
    let refused = try push(fixture, ["origin", "main"])
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("push refused: a budget is broken"))
    #expect(refused.stderr.contains("git push --no-verify"))
    #expect(refused.stderr.contains("is over max 100 kB"))
    let bypassed = try push(fixture, ["--no-verify", "origin", "main"])
    #expect(bypassed.status == 0, "\(bypassed.stderr)")
  }

  @Test func skipVariableAndUnmeasuredPushesGoThrough() throws {
    let (fixture, remote) = try setUp()
    defer { withExtendedLifetime(remote) {} }
    try fixture.commit("unmeasured")
    let unmeasured = try push(fixture, ["origin", "main"])
    #expect(unmeasured.status == 0)
    #expect(unmeasured.stderr.contains("none of the 2 pushed commits is measured"))
    try fixture.commit("bloat")
    try fixture.measure(bytes: 150_000)
    let skipped = try push(fixture, ["origin", "main"], environment: ["SIZEBUDGET_SKIP": "1"])
    #expect(skipped.status == 0)
    #expect(skipped.stderr.contains("SIZEBUDGET_SKIP is set"))
  }

  @Test func deletedRefsAndNewBranchesAreHandled() throws {
    let (fixture, remote) = try setUp()
    defer { withExtendedLifetime(remote) {} }
    try fixture.measure(bytes: 50_000)
    #expect(try push(fixture, ["origin", "main"]).status == 0)
    try fixture.repo.git(["checkout", "-q", "-b", "topic"])
    try fixture.commit("topic work")
    try fixture.measure(bytes: 60_000)
    let newBranch = try push(fixture, ["origin", "topic"])
    #expect(newBranch.status == 0, "\(newBranch.stderr)")
    #expect(newBranch.stderr.contains("1 pushed commit checked"))
    let deleted = try push(fixture, ["origin", ":topic"])
    #expect(deleted.status == 0, "\(deleted.stderr)")
  }

  @Test func installRespectsHooksPathAndForeignHooks() throws {
    let fixture = try GateFixture(budgets: "[image.api]\nmax = \"1 MB\"\n")
    try fixture.repo.git(["config", "core.hooksPath", "githooks"])
    try fixture.repo.directory.write("githooks/pre-push", "#!/bin/sh\necho mine\n")
    let refused = try fixture.run(["hook", "install"])
    #expect(refused.status == 2)
    #expect(refused.stderr.contains("githooks/pre-push exists and is not sizebudget's"))
    let forced = try fixture.run(["hook", "install", "--force"])
    #expect(forced.status == 0)
    let installed = try String(contentsOf: fixture.url.appendingPathComponent("githooks/pre-push"), encoding: .utf8)
    let committed = try String(
      contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("hooks/pre-push"), encoding: .utf8)
    // The installed hook is the committed one with the installing binary's path filled in.
    let binary = CLI.productsDirectory.appendingPathComponent("sizebudget").resolvingSymlinksInPath().path
    #expect(installed == committed.replacingOccurrences(of: "installed=''", with: "installed='\(binary)'"))
    let attributes = try FileManager.default.attributesOfItem(
      atPath: fixture.url.appendingPathComponent("githooks/pre-push").path)
    #expect((attributes[.posixPermissions] as? Int ?? 0) & 0o111 != 0)
  }

  /// A sizebudget run from where it was unpacked (not on PATH) installs a hook that
  /// still finds it: the push over budget is refused, not waved through.
  @Test func aHookInstalledByABinaryNotOnPATHStillFindsIt() throws {
    let (fixture, remote) = try setUp()
    defer { withExtendedLifetime(remote) {} }
    try fixture.measure(bytes: 150_000)
    let env = ["PATH": "/usr/bin:/bin"]
    let refused = try CLI.run(["push", "origin", "main"], product: "/usr/bin/git", in: fixture.url, environment: env)
    #expect(refused.status != 0, "\(refused.stderr)")
    #expect(refused.stderr.contains("push refused: a budget is broken"), "\(refused.stderr)")
    #expect(!refused.stderr.contains("not found on PATH"))
  }

  /// git's own call (`hook pre-push REMOTE URL`) skips the argument parser; any other
  /// shape goes through it, options included.
  @Test func optionsAndOtherShapesGoThroughTheParser() throws {
    let fixture = try GateFixture(budgets: "[image.api]\nmax = \"100 kB\"\n")
    let tip = try fixture.repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    let input = Data("refs/heads/main \(tip) refs/heads/main \(String(repeating: "0", count: 40))\n".utf8)
    try fixture.measure(bytes: 150_000, environment: ["SIZEBUDGET_STORE": "elsewhere.sqlite"])
    // Judged from the store --store names: over budget, refused.
    let named = try CLI.run(
      ["hook", "pre-push", "--store", "elsewhere.sqlite", "origin", "url"], in: fixture.url, input: input)
    #expect(named.status == 1, "\(named.stderr)")
    #expect(named.stderr.contains("push refused: a budget is broken"), "\(named.stderr)")
    // The default store has no measurement: nothing to refuse.
    let plain = try CLI.run(["hook", "pre-push", "origin", "url"], in: fixture.url, input: input)
    #expect(plain.status == 0, "\(plain.stderr)")
    let extra = try CLI.run(["hook", "pre-push", "origin", "url", "more"], in: fixture.url, input: input)
    #expect(extra.status == 2, "\(extra.stderr)")
    let help = try CLI.run(["hook", "pre-push", "--help"], in: fixture.url)
    #expect(help.status == 0)
    #expect(help.stdout.contains("pre-push"), "\(help.stdout)")
  }

  @Test func malformedInputIsAUsageError() throws {
    let fixture = try GateFixture(budgets: "[image.api]\nmax = \"1 MB\"\n")
    let result = try CLI.run(["hook", "pre-push", "origin", "url"], in: fixture.url, input: Data("garbage\n".utf8))
    #expect(result.status == 2)
    #expect(result.stderr.contains("unexpected pre-push input"))
  }
}
