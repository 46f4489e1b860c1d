import Evaluation
import Model
import Testing

/// The base image's name as every output shows it: Docker references normalised,
/// `docker://` dropped first, local sources as written.
@Suite struct BaseImageNameTests {
  @Test(arguments: [
    ("docker-archive:base.tar", "docker-archive:base.tar"),
    ("oci-archive:base.tar", "oci-archive:base.tar"),
    ("oci:build/base.oci", "oci:build/base.oci"),
    ("docker-daemon:python:3.11", "docker-daemon:python:3.11"),
    ("docker://registry.example.com/python:3.11-slim", "registry.example.com/python:3.11-slim"),
    ("python:3.11-slim", "docker.io/library/python:3.11-slim"),
    ("ghcr.io/org/base:1", "ghcr.io/org/base:1"),
  ])
  func normalisedImageName(written: String, shown: String) {
    #expect(DockerReference.normalisedImageName(written) == shown)
  }

  /// A split whose measurements name a local base (as measure stores it) keeps it.
  @Test func aGrowthSplitKeepsALocalBaseAsStored() throws {
    var old = RuleTests.measurement(10_000_000, layers: [6_000_000, 4_000_000])
    var new = RuleTests.measurement(11_000_000, layers: [6_000_000, 5_000_000])
    old.baseImage = BaseImage(name: "docker-archive:base.tar", digest: nil, layers: 1, how: "base_image")
    new.baseImage = old.baseImage
    let split = try #require(GrowthSplit.between(old, new, metric: .compressed))
    #expect(split.baseName == "docker-archive:base.tar")
    #expect(split.ownDelta == 1_000_000)
  }
}
