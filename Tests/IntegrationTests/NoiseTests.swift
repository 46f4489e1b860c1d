import Foundation
import TestSupport
import Testing

/// Builds that are not reproducible: the same commit measured twice, 30 kB apart.
/// The spread is recorded, a +20 kB growth rule does not fail on a change within it
/// and says why, and explain names the layer whose digest changed.
@Suite struct NoiseTests {
  /// An OCI layout of a fixed base layer and an application layer of `bytes`, both
  /// made by the same instructions every time (so only their contents differ).
  func write(
    _ repo: GitRepository, _ name: String, bytes: Int, fill: UInt8 = 0x61, createdBy: String = "/bin/sh -c make build"
  ) throws -> String {
    let base = ImageBuilder.Layer(
      [.file("usr/lib/libbase.so", size: 500_000)], createdBy: "ADD rootfs.tar /", compression: .none)
    let app = ImageBuilder.Layer(
      [.file("app/blob", size: bytes, fill: fill)], createdBy: createdBy, compression: .none)
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
    let markdown = try CLI.run(["explain", "--image", "api", "--format", "markdown"], in: repo.url)
    #expect(markdown.status == 0, "\(markdown.stderr)")
    #expect(markdown.stdout.contains("Nondeterministic layers"), "\(markdown.stdout)")
    #expect(markdown.stdout.contains("- layer 1: make build"), "\(markdown.stdout)")
  }

  /// The wrong image measured at a commit, then the right one: a correction (other
  /// instructions), not noise. The next commit's real +105 kB regression fails.
  @Test func reMeasuringAnotherImageIsACorrectionNotNoise() throws {
    let repo = try GitRepository()
    try repo.commit("one", files: ["budgets.toml": "[image.api]\nmax_growth = \"+20 kB\"\n"])
    try measure(repo, try write(repo, "one", bytes: 1_000_000))
    try repo.commit("two", files: ["VERSION": "2"])
    try measure(repo, try write(repo, "wrong", bytes: 1_105_000, createdBy: "/bin/sh -c make other-image"))
    try measure(repo, try write(repo, "right", bytes: 1_000_000))
    try repo.commit("three", files: ["VERSION": "3"])
    try measure(repo, try write(repo, "three", bytes: 1_105_000))
    let result = try CLI.run(["check", "--no-notify"], in: repo.url)
    #expect(result.status == 1, "\(result.stdout)")
    #expect(!result.stdout.contains("within noise"), "\(result.stdout)")
    let explain = try CLI.run(["explain", "--image", "api", "--commit", "HEAD~1"], in: repo.url)
    #expect(!explain.stdout.contains("Nondeterministic layers"), "\(explain.stdout)")
  }

  /// Noise seen at an old commit does not widen the judgement of later ones: only the
  /// judged commit's and its base's count.
  @Test func noiseAtAnOlderCommitDoesNotCoverLaterGrowth() throws {
    let (repo, _) = try history(budget: "", flaps: true)
    try repo.commit("three", files: ["VERSION": "3"])
    try measure(repo, try write(repo, "three", bytes: 1_030_000, fill: 0x63))
    try repo.commit("four", files: ["VERSION": "4"])
    try measure(repo, try write(repo, "four", bytes: 1_055_000, fill: 0x63))
    let result = try CLI.run(["check", "--no-notify"], in: repo.url)
    #expect(result.status == 1, "\(result.stdout)")
    #expect(!result.stdout.contains("within noise"), "\(result.stdout)")
  }

  @Test func theSameGrowthWithoutObservedNoiseFails() throws {
    let (repo, _) = try history(budget: "", flaps: false)
    let result = try CLI.run(["check", "--no-notify"], in: repo.url)
    #expect(result.status == 1, "\(result.stdout)")
    #expect(!result.stdout.contains("within noise"))
    // No annotations, no base_image: the split falls back to the shared layers.
    #expect(
      result.stdout.contains("growth: shared layers ±0 B, own layers +29.7 kB (base image layers by common prefix)"),
      "\(result.stdout)")
  }

  @Test func anExplicitToleranceCoversIt() throws {
    let (repo, _) = try history(budget: "tolerance = \"50 kB\"\n", flaps: false)
    let result = try CLI.run(["check", "--no-notify"], in: repo.url)
    #expect(result.status == 0, "\(result.stdout)")
    #expect(result.stdout.contains("within noise (tolerance 50 kB at budgets.toml:3)"), "\(result.stdout)")
  }
}
