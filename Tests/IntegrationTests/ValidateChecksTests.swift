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
