import Foundation
import TestSupport
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

@Suite struct CheckCommandTests {
  static let budgets = """
    [defaults]
    base = "main"

    [image.api]
    owner = "mailto:platform@example.com"
    max = "100 kB"
    warn = "80 kB"
    max_growth = "+10 kB"
    forbid = ["/root/.cache/**"]
    """

  /// main: a measured commit of 50 kB; then a branch commit measured at `size`.
  func branch(size: Int, files: [TarBuilder.Entry] = [], message: String = "grow") throws -> GateFixture {
    let fixture = try GateFixture(budgets: Self.budgets)
    try fixture.measure(bytes: 50_000)
    try fixture.repo.git(["checkout", "-q", "-b", "feature"])
    try fixture.commit(message, files: ["api/x.py": "x = \(size)\n"])
    try fixture.measure(bytes: size, files: files)
    return fixture
  }

  @Test func withinBudgetExitsZero() throws {
    let fixture = try branch(size: 55_000)
    let result = try fixture.run(["check"])
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("within budget"))
    #expect(result.stdout.contains("against"))
  }

  @Test func overMaxExitsOneAndSaysWhy() throws {
    let fixture = try branch(size: 120_000)
    let result = try fixture.run(["check"])
    #expect(result.status == 1)
    #expect(
      result.stdout.contains(
        "at \(String(try fixture.repo.git(["rev-parse", "HEAD"]).prefix(12))) (feature): over budget: max, max_growth"),
      "\(result.stdout)")
    #expect(result.stdout.contains("is over max 100 kB by"))
    #expect(result.stdout.contains("(budgets.toml:6)"))
    #expect(result.stdout.contains("owner mailto:platform@example.com"))
    #expect(result.stdout.contains("what grew since"))
    #expect(result.stdout.contains("COPY blob /app/ #2"))
  }

  @Test func growthOverTheLimitFailsUnlessJustified() throws {
    let fixture = try branch(size: 70_000)
    let result = try fixture.run(["check"])
    #expect(result.status == 1)
    #expect(result.stdout.contains("max_growth"))
    #expect(result.stdout.contains("over +10 kB by"))
    try fixture.commit("bump torch\n\nSize-Budget: torch 2.5 is required for the new model")
    try fixture.measure(bytes: 70_000)
    let justified = try fixture.run(["check"])
    #expect(justified.status == 0, "\(justified.stdout)")
    #expect(justified.stdout.contains("justified by Size-Budget: torch 2.5 is required for the new model"))
  }

  /// Issue 13 item 6: `Size-Budget: worker: reason` justifies the growth of worker
  /// only; a trailer without image names stays global.
  @Test func aTrailerThatNamesImagesJustifiesOnlyThose() throws {
    let budgets =
      "[defaults]\nbase = \"main\"\n\n[image.api]\nmax_growth = \"+10 kB\"\n\n"
      + "[image.worker]\nmax_growth = \"+10 kB\"\n"
    let fixture = try GateFixture(budgets: budgets)
    try fixture.measure(bytes: 50_000, image: "api")
    try fixture.measure(bytes: 50_000, image: "worker")
    try fixture.repo.git(["checkout", "-q", "-b", "feature"])
    try fixture.commit("new model\n\nSize-Budget: worker: the new model needs torch")
    try fixture.measure(bytes: 70_000, image: "api")
    try fixture.measure(bytes: 70_000, image: "worker")
    let named = try fixture.run(["check", "--format", "json"])
    #expect(named.status == 1, "\(named.stdout)")
    let statuses = try Self.statuses(named.stdout)
    #expect(statuses["api"] == "fail" && statuses["worker"] == "justified", "\(statuses)")
    #expect(named.stdout.contains("justified by Size-Budget: the new model needs torch"), "\(named.stdout)")

    // Text before a colon that is not image names is part of a global reason.
    try fixture.commit("bump\n\nSize-Budget: torch 2.5: required by the model")
    try fixture.measure(bytes: 70_000, image: "api")
    try fixture.measure(bytes: 70_000, image: "worker")
    let global = try fixture.run(["check", "--format", "json"])
    #expect(global.status == 0, "\(global.stdout)")
    #expect(try Self.statuses(global.stdout) == ["api": "justified", "worker": "justified"])
    #expect(global.stdout.contains("torch 2.5: required by the model"))
  }

  /// Issue 13 item 6: `Size-Budget: apii: reason` names no budgeted image. It justifies
  /// nothing (a typo must not widen the waiver to every image) and `check` warns on
  /// the image it could have meant, naming the commit, the name and a did-you-mean.
  @Test func aTrailerThatNamesNoBudgetedImageJustifiesNothingAndWarns() throws {
    let budgets =
      "[defaults]\nbase = \"main\"\n\n[image.api]\nmax_growth = \"+10 kB\"\n\n"
      + "[image.worker]\nmax_growth = \"+10 kB\"\n"
    let fixture = try GateFixture(budgets: budgets)
    try fixture.measure(bytes: 50_000, image: "api")
    try fixture.measure(bytes: 50_000, image: "worker")
    try fixture.repo.git(["checkout", "-q", "-b", "feature"])
    let typo = try fixture.commit("new model\n\nSize-Budget: apii: the new model needs torch")
    try fixture.measure(bytes: 70_000, image: "api")
    try fixture.measure(bytes: 50_000, image: "worker")
    let text = try fixture.run(["check"])
    #expect(text.status == 1, "\(text.stdout)")
    #expect(!text.stdout.contains("justified by"), "\(text.stdout)")
    #expect(text.stdout.contains(String(typo.prefix(12))), "\(text.stdout)")
    #expect(text.stdout.contains("\"apii\""), "\(text.stdout)")
    #expect(text.stdout.contains("did you mean \"api\"?"), "\(text.stdout)")
    let json = try fixture.run(["check", "--format", "json"])
    #expect(json.status == 1, "\(json.stdout)")
    #expect(try Self.statuses(json.stdout) == ["api": "fail", "worker": "pass"], "\(json.stdout)")
    let warnings = try Self.results(json.stdout, image: "api").filter { $0["status"] as? String == "warn" }
    #expect(warnings.count == 1, "\(json.stdout)")
    let message = warnings.first?["message"] as? String ?? ""
    #expect(message.contains("\"apii\"") && message.contains("did you mean \"api\"?"), "\(message)")
    #expect(message.contains(String(typo.prefix(12))), "\(message)")
    #expect(try Self.results(json.stdout, image: "worker").allSatisfy { $0["status"] as? String == "pass" })

    // The global form, with no name list, still justifies every image.
    try fixture.commit("fix the trailer\n\nSize-Budget: the new model needs torch")
    try fixture.measure(bytes: 70_000, image: "api")
    try fixture.measure(bytes: 50_000, image: "worker")
    let global = try fixture.run(["check", "--format", "json"])
    #expect(global.status == 0, "\(global.stdout)")
    // The typo'd trailer is still on the branch: api is justified and warned of.
    #expect(try Self.statuses(global.stdout) == ["api": "warn", "worker": "pass"], "\(global.stdout)")
    #expect(global.stdout.contains("justified by Size-Budget: the new model needs torch"), "\(global.stdout)")
  }

  /// A history walk that fails while reading trailers is an error, never "no trailer".
  @Test func aTrailerWalkThatFailsIsAnError() throws {
    let fixture = try GateFixture(budgets: Self.budgets)
    try fixture.measure(bytes: 50_000)
    try fixture.repo.git(["checkout", "-q", "-b", "side"])
    let side = try fixture.commit("side", files: ["docs/x.md": "x"])
    // On main itself: the base is found along first parents alone, so only the trailer
    // walk, which takes in the merged branch, reads the missing commit.
    try fixture.repo.git(["checkout", "-q", "main"])
    try fixture.commit("grow", files: ["api/x.py": "x = 1\n"])
    try fixture.repo.git(["merge", "-q", "--no-ff", "-m", "merge side", "side"])
    try fixture.measure(bytes: 55_000)
    let object = fixture.url.appendingPathComponent(".git/objects/\(side.prefix(2))/\(side.dropFirst(2))")
    try FileManager.default.removeItem(at: object)
    let result = try fixture.run(["check"])
    #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("Size-Budget"), "\(result.stderr)")
  }

  /// The rule results of `image` in check's JSON.
  static func results(_ json: String, image: String) throws -> [[String: Any]] {
    let document = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    let images = document?["images"] as? [[String: Any]] ?? []
    return images.first { $0["image"] as? String == image }?["results"] as? [[String: Any]] ?? []
  }

  static func statuses(_ json: String) throws -> [String: String] {
    let document = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    let images = document?["images"] as? [[String: Any]] ?? []
    return Dictionary(
      uniqueKeysWithValues: images.map { ($0["image"] as? String ?? "", $0["status"] as? String ?? "") })
  }

  @Test func warningsDoNotFail() throws {
    let fixture = try branch(size: 85_000, message: "w")
    try fixture.commit("ok\n\nSize-Budget: accepted")
    try fixture.measure(bytes: 85_000)
    let result = try fixture.run(["check"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("over the warning level 80 kB"))
  }

  @Test func forbiddenFilesFail() throws {
    let fixture = try branch(size: 52_000, files: [.file("root/.cache/pip/wheel", size: 1000)])
    let result = try fixture.run(["check"])
    #expect(result.status == 1)
    #expect(
      result.stdout.contains("1 file (1 kB uncompressed) matches forbidden \"/root/.cache/**\""), "\(result.stdout)")
    #expect(result.stdout.contains("/root/.cache/pip/wheel"))
  }

  @Test func theFirstCommitHasNothingToGrowFrom() throws {
    let fixture = try GateFixture(budgets: Self.budgets)
    try fixture.measure(bytes: 50_000)
    let result = try fixture.run(["check"])
    #expect(result.status == 0, "\(result.stdout)")
    #expect(result.stderr.isEmpty)
    let json = try fixture.run(["check", "--format", "json"])
    #expect(json.stdout.contains("the first commit of main: no earlier size to grow from"))
  }

  @Test func aFailingCheckKeepsStandardErrorClean() throws {
    let fixture = try branch(size: 120_000)
    let result = try fixture.run(["check"])
    #expect(result.status == 1)
    #expect(result.stderr.isEmpty, "the report goes to standard output only: \(result.stderr.debugDescription)")
  }

  @Test func anUnmeasuredBaseExitsThreeWithTheCommandForIt() throws {
    let fixture = try GateFixture(budgets: Self.budgets)
    let first = try fixture.commit("unmeasured on main")
    try fixture.repo.git(["checkout", "-q", "-b", "feature"])
    try fixture.commit("feature")
    try fixture.measure(bytes: 50_000)
    let result = try fixture.run(["check"])
    #expect(result.status == 3)
    #expect(result.stdout.contains("--commit \(first.prefix(12))"))
  }

  /// CI checkouts and clones of a feature branch have `origin/main` but no `main`.
  @Test func aBaseThatIsOnlyARemoteTrackingBranchIsFound() throws {
    let fixture = try branch(size: 55_000)
    let main = try fixture.repo.git(["rev-parse", "main"]).trimmingCharacters(in: .whitespacesAndNewlines)
    try fixture.repo.git(["update-ref", "refs/remotes/origin/main", "main"])
    try fixture.repo.git(["branch", "-q", "-D", "main"])
    let result = try fixture.run(["check"])
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("base: the merge-base of"), "\(result.stdout)")
    let bisect = try fixture.run(["bisect", "main..feature", "--image", "api"])
    // main resolves to origin/main; nothing in the range breaks the budget (bisect's 5).
    #expect(bisect.status == 5, "\(bisect.stdout)\(bisect.stderr)")
    #expect(bisect.stdout.contains("Nothing in main..feature breaks the rule"), "\(bisect.stdout)")

    try fixture.repo.git(["update-ref", "-d", "refs/remotes/origin/main"])
    let unfetched = try fixture.run(["check"])
    #expect(unfetched.status == 3, "\(unfetched.stdout)\(unfetched.stderr)")
    #expect(unfetched.stdout.contains("or fetch it (git fetch origin main)"), "\(unfetched.stdout)")

    // Another remote's main, not origin's release/main (which a glob */main would match).
    try fixture.repo.git(["remote", "add", "upstream", "/nonexistent/upstream.git"])
    try fixture.repo.git(["update-ref", "refs/remotes/upstream/main", main])
    try fixture.repo.git(["update-ref", "refs/remotes/origin/release/main", "HEAD"])
    let upstream = try fixture.run(["check"])
    #expect(upstream.status == 0, "\(upstream.stdout)\(upstream.stderr)")
    #expect(upstream.stdout.contains("base: the merge-base of"), "\(upstream.stdout)")
  }

  @Test func aMissingMeasurementExitsThreeWithTheCommand() throws {
    let fixture = try GateFixture(budgets: Self.budgets)
    let result = try fixture.run(["check"])
    #expect(result.status == 3)
    #expect(result.stdout.contains("sizebudget measure SOURCE --image api"))
    let older = try fixture.commit("next")
    _ = older
    let other = try fixture.run(["check", "--commit", "HEAD~1"])
    #expect(other.status == 3)
    #expect(other.stdout.contains("--commit "))
  }

  @Test func usageErrorsExitTwo() throws {
    let fixture = try branch(size: 55_000)
    let unknown = try fixture.run(["check", "--image", "apj"])
    #expect(unknown.status == 2)
    #expect(unknown.stderr.contains("no image \"apj\" in budgets.toml: did you mean \"api\"?"), "\(unknown.stderr)")
    let badRevision = try fixture.run(["check", "--commit", "nope"])
    #expect(badRevision.status == 2)
    #expect(badRevision.stderr.contains("revision \"nope\" does not resolve"))
    try fixture.repo.directory.write("budgets.toml", "[image.api]\nmax = 5\n")
    let badBudgets = try fixture.run(["check"])
    #expect(badBudgets.status == 2)
    #expect(badBudgets.stderr.contains("budgets.toml:2:7: max must be a size"))
  }

  @Test func jsonFollowsItsSchema() throws {
    let fixture = try branch(size: 120_000)
    let result = try fixture.run(["check", "--format", "json"])
    #expect(result.status == 1)
    let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(document["schema"] as? String == "sizebudget.check/v1")
    #expect(document["status"] as? String == "fail")
    #expect(document["exit_code"] as? Int == 1)
    let image = try #require((document["images"] as? [[String: Any]])?.first)
    #expect(image["image"] as? String == "api")
    #expect(image["max"] as? Int == 100_000)
    #expect((image["size"] as? Int ?? 0) > 100_000)
    let base = try #require(image["base"] as? [String: Any])
    #expect((base["commit"] as? String)?.count == 40)
    let results = try #require(image["results"] as? [[String: Any]])
    #expect(
      results.contains {
        $0["rule"] as? String == "max" && $0["status"] as? String == "fail" && $0["budget_line"] as? Int == 6
      })
    let diff = try #require(image["diff"] as? [String: Any])
    #expect((diff["layers"] as? [[String: Any]])?.contains { $0["kind"] as? String == "added" } == true)
  }

  @Test func junitIsXMLWithOneCasePerRule() throws {
    let fixture = try branch(size: 120_000)
    let result = try fixture.run(["check", "--format", "junit"])
    #expect(result.status == 1)
    let parser = XMLParser(data: Data(result.stdout.utf8))
    let collector = JUnitCollector()
    parser.delegate = collector
    #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
    #expect(collector.cases.contains("sizebudget.api max"))
    #expect(collector.failures >= 2)
    #expect(collector.suiteFailures == collector.failures)
  }

  @Test func markdownIsAShortCommentWithAMarker() throws {
    let fixture = try branch(size: 120_000)
    let result = try fixture.run(["check", "--format", "markdown"])
    #expect(result.stdout.hasPrefix("<!-- sizebudget:api -->"))
    #expect(result.stdout.contains("### ❌ `api` over budget"))
    #expect(result.stdout.contains("| `api` |"))
    #expect(result.stdout.contains("<details>"))
    #expect(result.stdout.count < 65_536)
  }

  @Test func githubWritesAnnotationsAndTheJobSummary() throws {
    let fixture = try branch(size: 120_000)
    let summary = fixture.url.appendingPathComponent("summary.md")
    let result = try fixture.run(["check", "--format", "github"], environment: ["GITHUB_STEP_SUMMARY": summary.path])
    #expect(result.status == 1)
    #expect(result.stdout.contains("::error file=budgets.toml,line=6,title=sizebudget%3A api max::"))
    let written = try String(contentsOf: summary, encoding: .utf8)
    #expect(written.contains("<!-- sizebudget:api -->"))
  }
}

final class JUnitCollector: NSObject, XMLParserDelegate {
  var cases: [String] = []
  var failures = 0
  var suiteFailures = 0
  private var current = ""

  func parser(
    _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
    attributes: [String: String] = [:]
  ) {
    switch element {
    case "testcase":
      current = "\(attributes["classname"] ?? "") \(attributes["name"] ?? "")"
      cases.append(current)
    case "failure": failures += 1
    case "testsuite": suiteFailures = Int(attributes["failures"] ?? "") ?? -1
    default: break
    }
  }
}
