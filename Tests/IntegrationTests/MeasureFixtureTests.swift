import Foundation
import TestSupport
import Testing

/// The real before/after images, measured by the real binary from every format: the
/// figures must agree exactly with sizes.txt (compressed from the OCI manifest,
/// uncompressed from the docker-archive's tar headers).
@Suite(.serialized) struct MeasureFixtureTests {
  static let budgets = """
    [image.api]
    forbid = ["**/site-packages/pytest/**", "/root/.cache/pip/", "/srv/**/__pycache__/**", "/opt/venv/**/__pycache__/**", "/srv/tests/**", "/usr/lib/gcc/**"]
    require = ["/srv/app/"]
    """

  struct Measured: Decodable {
    struct Layer: Decodable {
      var compressedBytes: Int64
      var uncompressedBytes: Int64
      var compressedEstimated: Bool
    }
    struct Match: Decodable {
      var pattern: String
      var files: Int
      var bytes: Int64
    }
    var compressedBytes: Int64
    var uncompressedBytes: Int64
    var layers: [Layer]
    var forbidden: [Match]
    var platform: String
    var paths: [Path]
    struct Path: Decodable, Equatable {
      var path: String
      var bytes: Int64
      var files: Int
    }
  }

  func measure(_ source: String, image: String, in repo: GitRepository, input: Data? = nil) throws -> Measured {
    let result = try CLI.run(["measure", source, "--image", image, "--format", "json"], in: repo.url, input: input)
    try #require(result.status == 0, "\(result.stderr)")
    struct Document: Decodable { var measurement: Measured }
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(Document.self, from: Data(result.stdout.utf8)).measurement
  }

  func repository() throws -> GitRepository {
    let repo = try GitRepository()
    try repo.commit("budgets", files: ["budgets.toml": Self.budgets])
    return repo
  }

  @Test(arguments: ["before", "after"])
  func everyFormatAgreesWithSizesTxt(name: String) throws {
    try #require(Fixtures.available, "the fixture images are missing: run scripts/fixtures.sh (make test does)")
    let sizes = try Fixtures.sizes()
    let expected = try #require(sizes[name])
    let repo = try repository()
    let oci = try measure("oci:\(Fixtures.path("api-\(name).oci"))", image: "api", in: repo)
    let ociArchive = try measure("oci-archive:\(Fixtures.path("api-\(name).oci.tar"))", image: "api", in: repo)
    let docker = try measure("docker-archive:\(Fixtures.path("api-\(name).docker.tar"))", image: "api", in: repo)
    let stdin = try measure(
      "-", image: "api", in: repo,
      input: try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("api-\(name).docker.tar"))))
    for measured in [oci, ociArchive] {
      #expect(measured.layers.map(\.compressedBytes) == expected.map(\.compressed))
      #expect(measured.compressedBytes == expected.reduce(0) { $0 + $1.compressed })
    }
    for measured in [oci, ociArchive, docker, stdin] {
      #expect(measured.layers.map(\.uncompressedBytes) == expected.map(\.uncompressed))
      #expect(measured.uncompressedBytes == expected.reduce(0) { $0 + $1.uncompressed })
      #expect(measured.paths == oci.paths)
      #expect(measured.platform == "linux/amd64")
    }
    // A docker-archive stores layers uncompressed: the compressed size is estimated,
    // within 5 % of what skopeo's gzip made of the same layers.
    #expect(docker.layers.allSatisfy { $0.compressedEstimated })
    let ratio = Double(docker.compressedBytes) / Double(oci.compressedBytes)
    #expect(ratio > 0.95 && ratio < 1.05, "estimate/actual = \(ratio)")
  }

  @Test func forbidPatternsFindTheBloatInBeforeAndNothingInAfter() throws {
    try #require(Fixtures.available, "the fixture images are missing: run scripts/fixtures.sh (make test does)")
    let repo = try repository()
    let before = try measure("oci:\(Fixtures.path("api-before.oci"))", image: "api", in: repo)
    let found = Dictionary(uniqueKeysWithValues: before.forbidden.map { ($0.pattern, $0) })
    for pattern in [
      "**/site-packages/pytest/**", "/root/.cache/pip/", "/srv/**/__pycache__/**", "/opt/venv/**/__pycache__/**",
      "/srv/tests/**", "/usr/lib/gcc/**",
    ] {
      #expect((found[pattern]?.files ?? 0) > 0, "\(pattern) should match in before")
    }
    #expect((found["/root/.cache/pip/"]?.bytes ?? 0) > 1_000_000)
    let after = try measure("oci:\(Fixtures.path("api-after.oci"))", image: "api", in: repo)
    // The Debian python3 package compiles its own __pycache__ (in /usr/lib/python3*),
    // in both images; the patterns aim at what the app's build left behind.
    #expect(after.forbidden.allSatisfy { $0.files == 0 }, "\(after.forbidden)")
  }
}
