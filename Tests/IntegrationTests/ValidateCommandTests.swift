import Foundation
import TestSupport
import Testing

@Suite struct ValidateCommandTests {
  @Test func theRepositorysOwnBudgetsAreValid() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let result = try CLI.run(["validate"], in: root.appendingPathComponent("Sources"))
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("budgets.toml: valid, 2 images"))
    // The demo's api image and sizebudget's own (make test-dist gates it); columns
    // align to the longer name.
    let rows = result.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
    #expect(rows.contains { $0.hasPrefix("api compressed 180 MB 150 MB") })
    #expect(rows.contains { $0.hasPrefix("sizebudget compressed 110 MB 100 MB") })
  }

  /// `validate --format json` gives the budgets in bytes; both formats show `[hook] predict`.
  @Test func validateSpeaksJSONAndShowsTheHooksPrediction() throws {
    let repo = try GitRepository()
    try repo.commit(
      "budgets",
      files: ["budgets.toml": "[image.api]\nmax = \"450 MB\"\nforbid = [\"/tmp/**\"]\n\n[hook]\npredict = \"refuse\"\n"]
    )
    let text = try CLI.run(["validate"], in: repo.url)
    #expect(text.status == 0, "\(text.stderr)")
    #expect(text.stdout.contains("hook:     predict refuse"), "\(text.stdout)")
    let json = try CLI.run(["validate", "-f", "json"], in: repo.url)
    #expect(json.status == 0, "\(json.stderr)")
    let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    #expect(document["schema"] as? String == "sizebudget.validate/v1")
    #expect(document["hook_predict"] as? String == "refuse")
    let image = try #require((document["images"] as? [[String: Any]])?.first)
    #expect(image["max"] as? Int == 450_000_000)
    #expect(image["forbid"] as? [String] == ["/tmp/**"])
  }

  @Test func validateShowsHowGrowthIsJudged() throws {
    let repo = try GitRepository()
    let budgets = """
      [image.api]
      max = "450 MB"
      dockerfile = "app/Dockerfile"
      target = "runtime"
      growth_of = "own"
      tolerance = "50 kB"
      base_image = "docker://registry.example.com/python:3.11-slim"
      loose_after = 0
      """
    // validate reads the Dockerfile: it must be there, with the target stage.
    let dockerfile =
      "FROM python:3.11-slim AS build\nRUN pip wheel .\n\nFROM python:3.11-slim AS runtime\nCOPY . /app\n"
    try repo.commit("budgets", files: ["budgets.toml": budgets + "\n", "app/Dockerfile": dockerfile])
    let text = try CLI.run(["validate"], in: repo.url)
    #expect(text.status == 0, "\(text.stderr)")
    #expect(
      text.stdout.contains("named by the lines of app/Dockerfile (stage runtime); build context app/"), "\(text.stdout)"
    )
    #expect(
      text.stdout.contains(
        "judged on own layers only (growth_of = own), tolerance 50 kB, base image registry.example.com/python:3.11-slim"
      ),
      "\(text.stdout)")
    #expect(text.stdout.contains("not checked (loose_after = 0)"), "\(text.stdout)")
    let json = try CLI.run(["validate", "-f", "json"], in: repo.url)
    let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let image = try #require((document["images"] as? [[String: Any]])?.first)
    #expect(image["growth_of"] as? String == "own")
    #expect(image["tolerance"] as? Int == 50_000)
    #expect(image["dockerfile"] as? String == "app/Dockerfile")
    #expect(image["target"] as? String == "runtime")
    #expect(image["build_context"] as? String == "app")
    #expect(image["loose_after"] as? Int == 0)
  }

  @Test func aBrokenFileExitsTwoWithEveryProblem() throws {
    let directory = try TemporaryDirectory()
    try directory.write("budgets.toml", "[image.api]\nmax = 450\nmax_grwth = \"+5%\"\n")
    let result = try CLI.run(["validate"], in: directory.url)
    #expect(result.status == 2)
    #expect(
      result.stderr == """
        error: budgets.toml:2:7: max must be a size like "450 MB", got the integer 450 (write "450 MB", or "450 B" for bytes)
        error: budgets.toml:3:1: unknown key "max_grwth" in [image.api]: did you mean "max_growth"?

        """)
    #expect(result.stdout.isEmpty)
  }

  /// Every mistake the parser names, through the command line: `validate` and the
  /// gate print the same `file:line:col: message` and exit 2.
  @Test func everyBudgetMistakeExitsTwoWithItsMessage() throws {
    let repo = try GitRepository()
    try repo.commit("start")
    for (input, expected) in BudgetMistakes.all {
      try repo.directory.write("budgets.toml", input)
      for command in [["validate"], ["check"]] {
        let result = try CLI.run(command, in: repo.url)
        #expect(result.status == 2, "\(command) on \(input)")
        #expect(result.stderr.hasPrefix("error: \(expected)\n"), "\(command) on \(input): \(result.stderr)")
      }
    }
  }

  @Test func invalidTOMLExitsTwoWithLineAndColumn() throws {
    let directory = try TemporaryDirectory()
    try directory.write("budgets.toml", "[image.api\nmax = \"1 GB\"\n")
    let result = try CLI.run(["validate"], in: directory.url)
    #expect(result.status == 2)
    #expect(result.stderr == "error: budgets.toml:1:11: expected ']' to close the table header [image.api]\n")
  }

  @Test func aMissingFileSaysWhatToDo() throws {
    let directory = try TemporaryDirectory()
    let result = try CLI.run(["validate"], in: directory.url)
    #expect(result.status == 2)
    #expect(result.stderr.contains("no budgets file at budgets.toml: create budgets.toml at the repository root"))
  }

  @Test func usageErrorsExitTwo() throws {
    let result = try CLI.run(["validate", "--no-such-flag"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("Unknown option '--no-such-flag'"))
  }

  @Test func decoderPrintsTaggedJSONAndRejectsInvalidTOML() throws {
    let good = try CLI.run([], product: "toml-test-decoder", input: Data("a = 1\n".utf8))
    #expect(good.status == 0)
    #expect(good.stdout == "{\"a\":{\"type\":\"integer\",\"value\":\"1\"}}\n")
    let bad = try CLI.run([], product: "toml-test-decoder", input: Data("a = \n".utf8))
    #expect(bad.status == 1)
    #expect(
      bad.stderr == "1:5: expected a value (a string, number, boolean, date, array or inline table), found a new line\n"
    )
  }
}
