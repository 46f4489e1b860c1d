import Foundation
import TestSupport
import Testing

/// `sizebudget init` in a user's own repository: what it finds, what it writes, that
/// validate and check accept it, and that it never overwrites a budgets file.
@Suite struct InitTests {
  @Test func writesOneImagePerDockerfileThatValidateAccepts() throws {
    let repo = try GitRepository()
    try repo.commit(
      "app",
      files: [
        "docker/api.Dockerfile": "FROM scratch\n", "services/web/Dockerfile": "FROM scratch\n",
        "services/web/index.js": "1\n", ".gitlab-ci.yml": "stages: [build]\n",
      ])
    let result = try CLI.run(["init"], in: repo.url)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("2 images (api from docker/api.Dockerfile, web from services/web/Dockerfile)"))
    #expect(result.stdout.contains("CI: GitLab CI"), "\(result.stdout)")
    #expect(result.stdout.contains("sizebudget check\n"), "\(result.stdout)")
    #expect(result.stdout.contains("sizebudget hook install"), "\(result.stdout)")
    let written = try String(contentsOf: repo.url.appendingPathComponent("budgets.toml"), encoding: .utf8)
    #expect(written.contains("[image.api]\ndockerfile = \"docker/api.Dockerfile\""), "\(written)")
    #expect(written.contains("context = [\"services/web/\"]"), "\(written)")
    #expect(written.contains("base = \"main\""))

    let validated = try CLI.run(["validate"], in: repo.url)
    #expect(validated.status == 0, "\(validated.stderr)")
    #expect(validated.stdout.contains("valid, 2 images"), "\(validated.stdout)")

    // Never over an existing file: the same bytes afterwards.
    let again = try CLI.run(["init"], in: repo.url)
    #expect(again.status == 2)
    #expect(again.stderr.contains("init never overwrites it"), "\(again.stderr)")
    #expect(try String(contentsOf: repo.url.appendingPathComponent("budgets.toml"), encoding: .utf8) == written)
  }

  @Test func setsMaxFromAFirstMeasurementPlusHeadroom() throws {
    let repo = try GitRepository()
    try repo.commit("app", files: ["Dockerfile": "FROM scratch\n"])
    let source = "oci:" + Fixtures.path("api-after.oci")
    let result = try CLI.run(["init", "--from", source, "--headroom", "10"], in: repo.url)
    #expect(result.status == 0, "\(result.stderr)")
    let written = try String(contentsOf: repo.url.appendingPathComponent("budgets.toml"), encoding: .utf8)
    let line = try #require(written.split(separator: "\n").first { $0.hasPrefix("max = ") }, "\(written)")
    let megabytes = try #require(Double(line.split(separator: "\"")[1].split(separator: " ")[0]), "\(line)")

    // The budget is the measured size + 10 %, rounded up to a whole MB.
    try repo.commit("budgets")
    let measured = try CLI.run(["measure", source, "--format", "json"], in: repo.url)
    try #require(measured.status == 0, "\(measured.stderr)")
    struct Document: Decodable { var measurement: Measurement }
    struct Measurement: Decodable { var compressedBytes: Int64 }
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    let bytes = Double(try decoder.decode(Document.self, from: Data(measured.stdout.utf8)).measurement.compressedBytes)
    #expect(megabytes * 1e6 >= bytes * 1.1 && megabytes * 1e6 < bytes * 1.1 + 1e6, "\(line) for \(bytes) bytes")
    #expect(line.contains("+ 10%"), "the comment says where it came from: \(line)")

    let checked = try CLI.run(["check"], in: repo.url)
    #expect(checked.status == 0, "what init writes passes its own first measurement: \(checked.stdout)")
  }

  @Test func refusesAFromWithoutKnowingWhichImage() throws {
    let repo = try GitRepository()
    try repo.commit("two", files: ["a/Dockerfile": "FROM scratch\n", "b/Dockerfile": "FROM scratch\n"])
    let result = try CLI.run(["init", "--from", "oci:" + Fixtures.path("api-after.oci")], in: repo.url)
    #expect(result.status == 2)
    #expect(result.stderr.contains("give --image a or --image b"), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: repo.url.appendingPathComponent("budgets.toml").path))
  }
}
