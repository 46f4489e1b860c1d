import Foundation
import TestSupport
import Testing

/// bisect's exit statuses, its stop on a build that always fails, and its progress
/// off a terminal: real repositories, real `--run` scripts.
@Suite struct BisectStatusTests {
  let histories = BisectCommandTests()

  func bisect(_ repo: GitRepository, _ arguments: [String], environment: [String: String] = [:]) throws
    -> CLI.Result
  {
    try CLI.run(
      ["bisect", "HEAD~24..HEAD", "--image", "app"] + arguments, in: repo.url, environment: environment)
  }

  @Test func aBuildThatAlwaysFailsStopsAfterMaxFailures() throws {
    let repo = try histories.history()
    let counter = repo.url.appendingPathComponent("runs.txt")
    let script = "echo $SIZEBUDGET_COMMIT >> \(counter.path); echo \"cc: not found ($SIZEBUDGET_COMMIT)\" >&2; exit 1"
    let result = try bisect(repo, ["--run", script])
    #expect(result.status == 7, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("Stopped: 3 builds in a row failed the same way"), "\(result.stdout)")
    #expect(result.stdout.contains("| cc: not found"), "the failure's last lines are shown: \(result.stdout)")
    #expect(histories.builds(counter).count == 3)

    try? FileManager.default.removeItem(at: counter)
    let json = try bisect(repo, ["--run", script, "--max-failures", "2", "--format", "json"])
    #expect(json.status == 7)
    let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    #expect(document["outcome"] as? String == "failing")
    #expect(document["exit_code"] as? Int == 7)
    #expect(histories.builds(counter).count == 2)

    let refused = try bisect(repo, ["--run", script, "--max-failures", "0"])
    #expect(refused.status == 2)
  }

  @Test func everyBuildSkippedIsNothingMeasurableAndDoesNotAskForRun() throws {
    let repo = try histories.history()
    let result = try bisect(repo, ["--run", "exit 125"])
    #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("Nothing measurable"), "\(result.stdout)")
    #expect(!(result.stdout + result.stderr).contains("give --run"), "--run was given")

    // A rule that needs the base's size: the base's build is skipped, and it says so.
    let growth = try bisect(repo, ["--run", "exit 125", "--threshold", "+10%"])
    #expect(growth.status == 3, "\(growth.stdout)\(growth.stderr)")
    #expect(growth.stderr.contains("its build skipped"), "\(growth.stderr)")
    #expect(!growth.stderr.contains("give --run"), "\(growth.stderr)")
  }

  @Test func eachOutcomeHasItsOwnStatus() throws {
    let found = try histories.history()
    #expect(try bisect(found, []).status == 0)
    let nothing = try histories.history(culprit: nil)
    #expect(try bisect(nothing, []).status == 5)
    let hidden = try histories.history(culprit: 14, extra: [12: ["SKIP_BUILD": "1"], 14: ["SKIP_BUILD": ""]])
    #expect(try bisect(hidden, []).status == 6)
  }

  @Test func offATerminalProgressRepeatsAndVerboseStreamsTheBuild() throws {
    let repo = try histories.history()
    let slow = "sleep 1; echo BUILD-OUTPUT-$SIZEBUDGET_COMMIT; sh build.sh"
    let result = try bisect(repo, ["--run", slow, "--verbose"], environment: ["SIZEBUDGET_PROGRESS_INTERVAL": "0.3"])
    #expect(result.status == 0, "\(result.stderr)")
    // The test's pipe is not a terminal: the step, then "still" lines while it builds.
    #expect(result.stderr.contains("sizebudget: building "), "\(result.stderr)")
    #expect(result.stderr.contains(" s: still building "), "\(result.stderr)")
    #expect(result.stderr.contains("BUILD-OUTPUT-"), "--verbose streams the build: \(result.stderr)")
    #expect(!result.stdout.contains("BUILD-OUTPUT-"), "the report stays clean")

    let quiet = try CLI.run(["bisect", "HEAD~24..HEAD", "--run", slow], in: repo.url)
    #expect(!quiet.stderr.contains("BUILD-OUTPUT-"), "\(quiet.stderr)")
  }

  /// Every build failing, though fewer of them than --max-failures, is still "the build
  /// keeps failing" (7), not "nothing measurable" (3).
  @Test func everyBuildFailingBelowMaxFailuresIsStillFailing() throws {
    let repo = try histories.history()
    let result = try CLI.run(
      ["bisect", "HEAD~4..HEAD", "--image", "app", "--run", "exit 1", "--max-failures", "50"], in: repo.url)
    #expect(result.status == 7, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("Every build failed"), "\(result.stdout)")
    #expect(!result.stdout.contains("Nothing measurable"), "\(result.stdout)")
  }
}
