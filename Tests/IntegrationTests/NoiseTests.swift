import Foundation
import TestSupport
import Testing

/// Builds that are not reproducible: the same commit measured twice, 30 kB apart.
/// The spread is recorded, a +20 kB growth rule does not fail on a change within it
/// and says why, and explain names the layer whose digest changed.
@Suite struct NoiseTests {
  /// An OCI layout of a fixed base layer and an application layer of `bytes`, both
  /// made by the same instructions every time (so only their contents differ).
  func write(_ repo: GitRepository, _ name: String, bytes: Int, fill: UInt8 = 0x61) throws -> String {
    let base = ImageBuilder.Layer(
      [.file("usr/lib/libbase.so", size: 500_000)], createdBy: "ADD rootfs.tar /", compression: .none)
    let app = ImageBuilder.Layer(
      [.file("app/blob", size: bytes, fill: fill)], createdBy: "/bin/sh -c make build", compression: .none)
    let directory = repo.url.appendingPathComponent("build/\(name).oci")
    try ImageBuilder([base, app]).writeOCILayout(to: directory)
    return "oci:build/\(name).oci"
  }

  func measure(_ repo: GitRepository, _ source: String) throws {
    let result = try CLI.run(["measure", source, "--image", "api"], in: repo.url)
    try #require(result.status == 0, "\(result.stderr)")
  }

  /// commit 1 measured at 1,000,000 bytes; commit 2 at 1,000,000 and then (when
  /// `flaps`) again at 1,030,000, which is what check then judges.
  func history(budget: String, flaps: Bool) throws -> (GitRepository, String) {
    let repo = try GitRepository()
    try repo.commit("one", files: ["budgets.toml": "[image.api]\nmax_growth = \"+20 kB\"\n\(budget)"])
    try measure(repo, try write(repo, "one", bytes: 1_000_000))
    let second = try repo.commit("two", files: ["VERSION": "2"])
    if flaps { try measure(repo, try write(repo, "two-a", bytes: 1_000_000, fill: 0x62)) }
    try measure(repo, try write(repo, "two-b", bytes: 1_030_000, fill: 0x63))
    return (repo, second)
  }

  @Test func aFlappingBuildDoesNotFailATwentyKilobyteRuleAndSaysWhy() throws {
    let (repo, second) = try history(budget: "", flaps: true)
    let result = try CLI.run(["check", "--no-notify"], in: repo.url)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("within noise (±29.7 kB observed at \(second.prefix(12)))"), "\(result.stdout)")

    struct Document: Decodable {
      struct Image: Decodable {
        struct Result: Decodable {
          var rule: String
          var status: String
        }
        var results: [Result]
      }
      var images: [Image]
    }
    let json = try CLI.run(["check", "--format", "json", "--no-notify"], in: repo.url)
    let document = try JSONDecoder().decode(Document.self, from: Data(json.stdout.utf8))
    #expect(document.images[0].results.first { $0.rule == "max_growth" }?.status == "warn")

    // explain names the nondeterministic layer: same instruction, another digest.
    let explain = try CLI.run(["explain", "--image", "api"], in: repo.url)
    #expect(explain.status == 0, "\(explain.stderr)")
    #expect(explain.stdout.contains("Nondeterministic layers"), "\(explain.stdout)")
    #expect(explain.stdout.contains("layer 1: make build"), "\(explain.stdout)")
    #expect(!explain.stdout.contains("layer 0: ADD"), "the base layer did not change")
  }

  @Test func theSameGrowthWithoutObservedNoiseFails() throws {
    let (repo, _) = try history(budget: "", flaps: false)
    let result = try CLI.run(["check", "--no-notify"], in: repo.url)
    #expect(result.status == 1, "\(result.stdout)")
    #expect(!result.stdout.contains("within noise"))
  }

  @Test func anExplicitToleranceCoversIt() throws {
    let (repo, _) = try history(budget: "tolerance = \"50 kB\"\n", flaps: false)
    let result = try CLI.run(["check", "--no-notify"], in: repo.url)
    #expect(result.status == 0, "\(result.stdout)")
    #expect(result.stdout.contains("within noise (tolerance 50 kB at budgets.toml:3)"), "\(result.stdout)")
  }
}
