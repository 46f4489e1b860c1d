import Foundation
import TestSupport
import Testing

/// validate checks what it can beyond the file: the base resolves, a local source
/// exists.
@Suite struct ValidateChecksTests {
  @Test func aMistypedBaseIsAnErrorWithDidYouMean() throws {
    let repo = try GitRepository()
    try repo.commit("budgets", files: ["budgets.toml": "[defaults]\nbase = \"mian\"\n\n[image.api]\nmax = \"1 MB\"\n"])
    let result = try CLI.run(["validate"], in: repo.url)
    #expect(result.status == 2)
    #expect(
      result.stderr.contains(
        "budgets.toml:2:8: base \"mian\" is neither a branch here nor a remote-tracking branch: did you mean \"main\"?"),
      "\(result.stderr)")
  }

  /// dockerfile and target are checked against the Dockerfile: a missing file and a
  /// stage it does not have are errors at their line and column, target without a
  /// dockerfile a note; base_image is shown normalised, as every output names it.
  @Test func dockerfileAndTargetAreCheckedAgainstTheDockerfile() throws {
    let repo = try GitRepository()
    let dockerfile = "FROM python:3.12-slim AS build\nRUN pip install uv\n\nFROM python:3.12-slim\nCOPY . /app\n"
    try repo.commit("budgets", files: ["budgets.toml": "[image.api]\nmax = \"1 MB\"\n", "Dockerfile": dockerfile])

    try repo.directory.write(
      "budgets.toml", "[image.api]\nmax = \"1 MB\"\ntarget = \"build\"\nbase_image = \"python:3.12-slim\"\n")
    let noDockerfile = try CLI.run(["validate"], in: repo.url)
    #expect(noDockerfile.status == 0, "\(noDockerfile.stderr)")
    #expect(
      noDockerfile.stdout.contains("budgets.toml:3:10: target \"build\" of [image.api] has no dockerfile"),
      "\(noDockerfile.stdout)")
    #expect(noDockerfile.stdout.contains("base image docker.io/library/python:3.12-slim"), "\(noDockerfile.stdout)")

    try repo.directory.write(
      "budgets.toml", "[image.api]\nmax = \"1 MB\"\ndockerfile = \"docker/api.Dockerfile\"\n")
    let missing = try CLI.run(["validate"], in: repo.url)
    #expect(missing.status == 2)
    #expect(
      missing.stderr.contains(
        "budgets.toml:3:14: dockerfile \"docker/api.Dockerfile\" of [image.api] does not exist"),
      "\(missing.stderr)")

    try repo.directory.write(
      "budgets.toml", "[image.api]\nmax = \"1 MB\"\ndockerfile = \"Dockerfile\"\ntarget = \"bulid\"\n")
    let noStage = try CLI.run(["validate"], in: repo.url)
    #expect(noStage.status == 2)
    #expect(
      noStage.stderr.contains(
        "budgets.toml:4:10: target \"bulid\" of [image.api] names no stage of Dockerfile: did you mean \"build\"? "
          + "stages: build"),
      "\(noStage.stderr)")

    try repo.directory.write(
      "budgets.toml", "[image.api]\nmax = \"1 MB\"\ndockerfile = \"Dockerfile\"\ntarget = \"build\"\n")
    let valid = try CLI.run(["validate"], in: repo.url)
    #expect(valid.status == 0, "\(valid.stderr)")
    #expect(!valid.stdout.contains("notes:"), "\(valid.stdout)")
  }

  /// A Dockerfile Docker builds, with shifts that look like heredocs, is valid; one
  /// that does not parse here is a note, not an error (Docker may build it).
  @Test func shiftsParseAndAnUnparsedDockerfileIsANote() throws {
    let repo = try GitRepository()
    let dockerfile = "FROM python:3.12-slim\nRUN echo $((1<<4))\nRUN python -c \"print(1<<3)\"\n"
    try repo.commit(
      "budgets",
      files: [
        "budgets.toml": "[image.api]\nmax = \"1 MB\"\ndockerfile = \"Dockerfile\"\n", "Dockerfile": dockerfile,
      ])
    let shifts = try CLI.run(["validate"], in: repo.url)
    #expect(shifts.status == 0, "\(shifts.stderr)")
    #expect(!shifts.stdout.contains("notes:"), "\(shifts.stdout)")

    try repo.directory.write("Dockerfile", "FROM python:3.12-slim\nRUN <<EOF\necho hi\n")
    let unclosed = try CLI.run(["validate"], in: repo.url)
    #expect(unclosed.status == 0, "\(unclosed.stderr)")
    #expect(
      unclosed.stdout.contains(
        "budgets.toml:3:14: dockerfile \"Dockerfile\" of [image.api] does not parse here: Dockerfile:2: "
          + "the heredoc <<EOF is not closed by a line \"EOF\" (its layers will not be named by line)"),
      "\(unclosed.stdout)")
  }

  /// base_image as measure names it: a local source as written, `docker://` dropped
  /// before normalising, a Docker reference normalised.
  @Test(arguments: [
    ("docker-archive:base.tar", "docker-archive:base.tar"), ("oci-archive:base.tar", "oci-archive:base.tar"),
    ("oci:build/base", "oci:build/base"),
    ("docker://registry.example.com/python:3.11-slim", "registry.example.com/python:3.11-slim"),
    ("python:3.11-slim", "docker.io/library/python:3.11-slim"),
  ])
  func baseImageIsShownAsMeasureNamesIt(written: String, shown: String) throws {
    let repo = try GitRepository()
    try repo.commit(
      "budgets", files: ["budgets.toml": "[image.api]\nmax = \"1 MB\"\nbase_image = \"\(written)\"\n"])
    let result = try CLI.run(["validate"], in: repo.url)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("judged on the whole image, base image \(shown)\n"), "\(result.stdout)")
  }

  @Test func aBaseThatIsOnlyARemoteTrackingBranchIsValid() throws {
    let repo = try GitRepository()
    try repo.commit("budgets", files: ["budgets.toml": "[image.api]\nbase = \"release\"\nmax = \"1 MB\"\n"])
    #expect(try CLI.run(["validate"], in: repo.url).status == 2)
    try repo.git(["update-ref", "refs/remotes/origin/release", "HEAD"])
    let result = try CLI.run(["validate"], in: repo.url)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(!result.stdout.contains("notes:"), "\(result.stdout)")
  }

  @Test func theDefaultBaseMissingIsANoteNotAnError() throws {
    let repo = try GitRepository()
    try repo.commit("budgets", files: ["budgets.toml": "[image.api]\nmax = \"1 MB\"\n"])
    try repo.git(["branch", "-m", "main", "trunk"])
    let result = try CLI.run(["validate"], in: repo.url)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stdout.contains(
        "base is \"main\" by default, which is not a branch here: set base in [defaults] (branches: trunk)"),
      "\(result.stdout)")
  }

  @Test func aLocalSourceThatDoesNotExistIsReported() throws {
    let repo = try GitRepository()
    try repo.commit(
      "budgets",
      files: [
        "budgets.toml":
          "[image.api]\nsource = \"docker-archive:build/api.tar\"\nbuild = \"make api\"\nmax = \"1 MB\"\n\n"
          + "[image.web]\nsource = \"oci:web.oci\"\n"
      ])
    try FileManager.default.createDirectory(
      at: repo.url.appendingPathComponent("web.oci"), withIntermediateDirectories: true)
    let result = try CLI.run(["validate"], in: repo.url)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stdout.contains(
        "budgets.toml:2:10: source \"docker-archive:build/api.tar\" of api: build/api.tar does not exist: build it first (make api), or fix the path"
      ), "\(result.stdout)")
    #expect(!result.stdout.contains("of web"), "\(result.stdout)")
  }
}
