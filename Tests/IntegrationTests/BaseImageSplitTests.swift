import Foundation
import TestSupport
import Testing

/// Growth split into base image and own layers, on real images built by buildah
/// (`BaseDriftFixture`): a base built twice (the second "rebuilt upstream", 100 kB
/// bigger) under one name, and the same application built FROM each. buildah
/// annotates the OCI manifests with the base's name and digest; the docker-archives
/// carry no annotations, so `base_image` in budgets.toml names the base instead.
@Suite(.serialized) struct BaseImageSplitTests {
  /// The base built twice and the app FROM each (Tests/TestSupport/BaseDriftFixture),
  /// shared with other suites: app1.oci, app2.oci, app1.tar, app2.tar, base1.oci,
  /// base2.oci.
  static func images() throws -> BaseDriftFixture { try BaseDriftFixture.images() }
  typealias Built = BaseDriftFixture

  static let budget = "[image.api]\nmax_growth = \"+1 kB\"\n"

  struct CheckDocument: Decodable {
    struct Image: Decodable {
      struct Split: Decodable {
        var baseName: String?
        var baseDigestBefore: String?
        var baseDigestAfter: String?
        var how: String
        var baseDelta: Int64
        var ownDelta: Int64
      }
      struct Result: Decodable {
        var rule: String
        var status: String
        var message: String
      }
      var status: String
      var growthSplit: Split?
      var growthOf: String
      var results: [Result]
    }
    var images: [Image]
  }

  static func decode(_ text: String) throws -> CheckDocument {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(CheckDocument.self, from: Data(text.utf8))
  }

  /// Two commits on main, the first measured from app1, the second from app2.
  func history(_ budgets: String, sources: (String, String), beforeEach: (Int, URL) throws -> Void = { _, _ in })
    throws -> GitRepository
  {
    let repo = try GitRepository()
    for (index, source) in [sources.0, sources.1].enumerated() {
      try repo.commit("commit \(index + 1)", files: ["budgets.toml": budgets, "VERSION": "\(index)"])
      try beforeEach(index + 1, repo.url)
      let result = try CLI.run(["measure", source, "--image", "api"], in: repo.url)
      try #require(result.status == 0, "\(result.stderr)")
    }
    return repo
  }

  @Test func aBaseRebuiltUpstreamIsBaseDriftAndPassesAnOwnGrowthBudget() throws {
    let images = try Self.images()
    let repo = try history(
      Self.budget + "growth_of = \"own\"\n",
      sources: ("oci:\(images.path("app1.oci"))", "oci:\(images.path("app2.oci"))"))

    let json = try CLI.run(["check", "--format", "json", "--no-notify"], in: repo.url)
    #expect(json.status == 0, "\(json.stdout)\(json.stderr)")
    let image = try #require(try Self.decode(json.stdout).images.first)
    let split = try #require(image.growthSplit)
    #expect(split.how == "annotations")
    #expect(split.baseName == "localhost/test/base:latest")
    #expect(split.baseDigestBefore != nil && split.baseDigestBefore != split.baseDigestAfter)
    // 100 kB of random bytes more in the base; the app's own layer is the same file.
    #expect(split.baseDelta > 95_000 && split.baseDelta < 105_000, "\(split)")
    #expect(abs(split.ownDelta) < 1_000, "\(split)")
    #expect(image.growthOf == "own")
    let growth = try #require(image.results.first { $0.rule == "max_growth" })
    #expect(growth.status == "pass")
    #expect(growth.message.contains("in own layers"))
    #expect(growth.message.contains("the base image's +"), "\(growth.message)")
    #expect(growth.message.contains("not counted (growth_of = \"own\")"), "\(growth.message)")

    let text = try CLI.run(["check", "--no-notify"], in: repo.url)
    #expect(text.status == 0)
    #expect(text.stdout.contains("localhost/test/base:latest rebuilt upstream: +"), "\(text.stdout)")
    // Said once, not in the growth line, the rule and its details again.
    #expect(text.stdout.components(separatedBy: "rebuilt upstream").count == 2, "\(text.stdout)")
    #expect(text.stdout.contains("growth: base image localhost/test/base:latest +"), "\(text.stdout)")

    let markdown = try CLI.run(["check", "--format", "markdown", "--no-notify"], in: repo.url)
    #expect(markdown.status == 0)
    #expect(markdown.stdout.contains("🔄 localhost/test/base:latest rebuilt upstream: +"), "\(markdown.stdout)")

    let github = try CLI.run(["check", "--format", "github", "--no-notify"], in: repo.url)
    #expect(github.status == 0)
    #expect(github.stdout.contains("::notice title=sizebudget%3A api base image::localhost/test/base:latest rebuilt"))
    #expect(!github.stdout.contains("::error"), "\(github.stdout)")

    let sarif = try CLI.run(["check", "--format", "sarif", "--no-notify"], in: repo.url)
    #expect(sarif.status == 0)
    try DockerfileLinesTests().expectValidSARIF(sarif.stdout)
    #expect(sarif.stdout.contains("\"ruleId\" : \"base_image\""), "\(sarif.stdout)")
    #expect(sarif.stdout.contains("\"level\" : \"note\""), "\(sarif.stdout)")
    #expect(sarif.stdout.contains("api: localhost/test/base:latest rebuilt upstream: +"), "\(sarif.stdout)")
  }

  /// The real fixtures: a single-stage "before" and a multi-stage "after" built FROM one
  /// base. buildah writes another base.digest annotation for each, but the base's
  /// layers are the same: no "rebuilt upstream" in any format.
  @Test func theSameBaseUnderAnotherAnnotationDigestIsNotRebuilt() throws {
    try #require(Fixtures.available, "the fixture images are missing: run scripts/fixtures.sh (make test does)")
    let repo = try history(
      Self.budget + "growth_of = \"own\"\n",
      sources: ("oci:\(Fixtures.path("api-before.oci"))", "oci:\(Fixtures.path("api-after.oci"))"))
    let json = try CLI.run(["check", "--format", "json", "--no-notify"], in: repo.url)
    let split = try #require(try Self.decode(json.stdout).images.first?.growthSplit, "\(json.stdout)")
    #expect(split.how == "annotations")
    #expect(split.baseDigestBefore != split.baseDigestAfter, "the fixtures no longer differ in base.digest")
    #expect(split.baseDelta == 0)
    #expect(!json.stdout.contains("rebuilt upstream"), "\(json.stdout)")
    #expect(json.stdout.contains("\"base_changed\" : false"), "\(json.stdout)")
    for format in ["text", "markdown", "github", "sarif", "junit"] {
      let output = try CLI.run(["check", "--format", format, "--no-notify"], in: repo.url)
      #expect(!output.stdout.contains("rebuilt upstream"), "\(format): \(output.stdout)")
    }
  }

  @Test func theSameDriftFailsATotalGrowthBudgetTheDefault() throws {
    let images = try Self.images()
    let repo = try history(
      Self.budget, sources: ("oci:\(images.path("app1.oci"))", "oci:\(images.path("app2.oci"))"))
    let json = try CLI.run(["check", "--format", "json", "--no-notify"], in: repo.url)
    #expect(json.status == 1, "\(json.stdout)\(json.stderr)")
    let image = try #require(try Self.decode(json.stdout).images.first)
    #expect(image.growthOf == "total")
    let growth = try #require(image.results.first { $0.rule == "max_growth" })
    #expect(growth.status == "fail")
    // The split is still shown, so the reviewer sees where the growth came from.
    #expect(try #require(image.growthSplit).baseDelta > 95_000)
    let github = try CLI.run(["check", "--format", "github", "--no-notify"], in: repo.url)
    #expect(github.stdout.contains("::error"))
    #expect(github.stdout.contains("rebuilt upstream"))

    // Every output splits the growth the same way, JUnit and SARIF in the failure's
    // own message, github in its annotation.
    let growthLine = "growth: base image localhost/test/base:latest +"
    let annotation = github.stdout.split(separator: "\n").first { $0.hasPrefix("::error") }.map(String.init) ?? ""
    #expect(annotation.contains(growthLine), "\(annotation)")
    let junit = try CLI.run(["check", "--format", "junit", "--no-notify"], in: repo.url)
    let failure = junit.stdout.components(separatedBy: "<failure").dropFirst().first ?? ""
    #expect(failure.contains("type=\"max_growth\""), "\(junit.stdout)")
    #expect(failure.contains(growthLine), "\(junit.stdout)")
    #expect(failure.contains("own layers "), "\(junit.stdout)")
    #expect(failure.contains("localhost/test/base:latest rebuilt upstream: +"), "\(junit.stdout)")
    let sarif = try CLI.run(["check", "--format", "sarif", "--no-notify"], in: repo.url)
    try DockerfileLinesTests().expectValidSARIF(sarif.stdout)
    let log = try JSONDecoder().decode(DockerfileLinesTests.SARIFLog.self, from: Data(sarif.stdout.utf8))
    let sarifGrowth = try #require(log.runs[0].results.first { $0.ruleId == "max_growth" }, "\(sarif.stdout)")
    #expect(sarifGrowth.message["text"]?.contains(growthLine) == true, "\(sarifGrowth.message)")

    // What grew is the image's own: the rebuilt base's layers are the growth split's
    // to say ("rebuilt upstream"), not listed as added and gone.
    let text = try CLI.run(["check", "--no-notify"], in: repo.url)
    #expect(text.stdout.contains("what grew since"), "\(text.stdout)")
    #expect(!text.stdout.contains("+ layer 0"), "\(text.stdout)")
    #expect(!text.stdout.contains("gone"), "\(text.stdout)")
    let markdown = try CLI.run(["check", "--format", "markdown", "--no-notify"], in: repo.url)
    #expect(markdown.stdout.contains("| what grew | change |"), "\(markdown.stdout)")
    #expect(!markdown.stdout.contains("| layer 0"), "\(markdown.stdout)")
  }

  /// docker-archives have no annotations: `base_image` names the base, read by
  /// manifest at each measure (the tag moved between the two builds).
  @Test func baseImageInBudgetsSplitsImagesWithoutAnnotations() throws {
    let images = try Self.images()
    let budgets = Self.budget + "growth_of = \"own\"\nbase_image = \"oci:build/base.oci\"\n"
    let repo = try history(
      budgets, sources: ("docker-archive:\(images.path("app1.tar"))", "docker-archive:\(images.path("app2.tar"))")
    ) { version, root in
      // The base as it was when each commit was built.
      let target = root.appendingPathComponent("build/base.oci")
      try? FileManager.default.removeItem(at: target)
      try FileManager.default.createDirectory(
        at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
      try FileManager.default.copyItem(at: URL(fileURLWithPath: images.path("base\(version).oci")), to: target)
    }
    let json = try CLI.run(["check", "--format", "json", "--no-notify"], in: repo.url)
    #expect(json.status == 0, "\(json.stdout)\(json.stderr)")
    let split = try #require(try Self.decode(json.stdout).images.first?.growthSplit)
    #expect(split.how == "base_image")
    #expect(split.baseName == "oci:build/base.oci")
    #expect(split.baseDelta > 95_000, "\(split)")
    #expect(abs(split.ownDelta) < 1_000, "\(split)")
    // A docker-archive's compressed sizes are estimates: every split says "≈".
    let marked = "growth: base image oci:build/base.oci ≈+"
    let diff = try CLI.run(["diff", "HEAD~1"], in: repo.url).stdout
    #expect(diff.contains(marked) && diff.contains("rebuilt upstream: ≈+"), "\(diff)")
    let report = try CLI.run(["report"], in: repo.url).stdout
    #expect(report.contains(marked) && report.contains("rebuilt upstream: ≈+"), "\(report)")
    let log = try CLI.run(["log"], in: repo.url).stdout
    #expect(log.contains("rebuilt ≈+") && log.contains("rebuilt upstream: ≈+"), "\(log)")

    // A base_image that is not the image's base (the tag moved since the build): a
    // warning, and the measurement is stored without a base split.
    let wrong = try CLI.run(
      ["measure", "docker-archive:\(images.path("app1.tar"))", "--image", "api"], in: repo.url)
    #expect(wrong.status == 0, "\(wrong.stderr)")
    #expect(wrong.stderr.contains("warning: base_image"), "\(wrong.stderr)")
    #expect(wrong.stderr.contains("is not the base of this image"), "\(wrong.stderr)")
    #expect(wrong.stderr.contains("its 1 layer is not the first of the image's 2"), "\(wrong.stderr)")
    #expect(wrong.stderr.contains("measured without a base split"), "\(wrong.stderr)")
  }

  /// An unreachable base_image (a closed port) does not stop the measurement.
  @Test func anUnreachableBaseImageWarnsAndStoresTheMeasurement() throws {
    let images = try Self.images()
    let budgets = Self.budget + "base_image = \"docker://127.0.0.1:9/test/base:latest\"\n"
    let repo = try GitRepository()
    try repo.commit("one", files: ["budgets.toml": budgets])
    let result = try CLI.run(["measure", "docker-archive:\(images.path("app1.tar"))", "--image", "api"], in: repo.url)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("warning: base_image \"docker://127.0.0.1:9/test/base:latest\""), "\(result.stderr)")
    #expect(result.stderr.contains("cannot be read"), "\(result.stderr)")
    let check = try CLI.run(["check", "--no-notify"], in: repo.url)
    #expect(!check.stdout.contains("missing: no measurement"), "\(check.stdout)")
  }

  /// `base_image` written as in a FROM, without docker:// (`127.0.0.1:PORT/test/base`,
  /// no tag: latest), read from the real local registry by manifest; the tag moves
  /// from base v1 to v2 between the two builds, as upstream rebuilds do.
  @Test func aBareReferenceResolvesThroughTheRegistry() throws {
    let images = try Self.images()
    let registry = try #require(LocalRegistry.shared, "docker-registry is not installed (scripts/install-deps.sh)")
    let repository = "test/base-\(UUID().uuidString.prefix(8).lowercased())"
    let budgets = Self.budget + "growth_of = \"own\"\nbase_image = \"\(registry.host)/\(repository)\"\n"
    let repo = try history(
      budgets, sources: ("docker-archive:\(images.path("app1.tar"))", "docker-archive:\(images.path("app2.tar"))")
    ) { version, _ in
      try registry.push("oci:\(images.path("base\(version).oci")):base", to: "\(repository):latest")
    }
    let json = try CLI.run(["check", "--format", "json", "--no-notify"], in: repo.url)
    #expect(json.status == 0, "\(json.stdout)\(json.stderr)")
    let split = try #require(try Self.decode(json.stdout).images.first?.growthSplit, "\(json.stdout)")
    #expect(split.how == "base_image")
    // Named as Docker names it: the registry, the repository and the tag.
    #expect(split.baseName == "\(registry.host)/\(repository):latest")
    #expect(split.baseDigestBefore != nil && split.baseDigestBefore != split.baseDigestAfter, "\(split)")
    #expect(split.baseDelta > 95_000, "\(split)")
    #expect(abs(split.ownDelta) < 1_000, "\(split)")
  }

  /// A Docker Hub name as users write it: normalised to docker.io/library/…, and
  /// when Docker Hub cannot be reached (this machine has no network) a warning that
  /// names the normalised reference and the way round it, with the measurement
  /// stored without a base split. With a network the manifest is read and is not
  /// this image's base: a warning too, naming the same reference.
  @Test func aDockerHubNameIsNormalisedAndAWarningWhenItCannotBeRead() throws {
    let images = try Self.images()
    let repo = try GitRepository()
    try repo.commit("one", files: ["budgets.toml": Self.budget + "base_image = \"python:3.11-slim\"\n"])
    let result = try CLI.run(["measure", "docker-archive:\(images.path("app1.tar"))", "--image", "api"], in: repo.url)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stderr.contains("warning: base_image \"python:3.11-slim\" (docker.io/library/python:3.11-slim)"),
      "\(result.stderr)")
    #expect(result.stderr.contains("measured without a base split"), "\(result.stderr)")
    if result.stderr.contains("cannot be read") {
      #expect(result.stderr.contains("where that registry cannot be reached"), "\(result.stderr)")
      #expect(
        result.stderr.contains("write base_image = \"127.0.0.1:5000/library/python:3.11-slim\""), "\(result.stderr)")
    } else {
      #expect(result.stderr.contains("is not the base of this image"), "\(result.stderr)")
    }
    let check = try CLI.run(["check", "--no-notify"], in: repo.url)
    #expect(!check.stdout.contains("missing: no measurement"), "\(check.stdout)")
  }

  /// A copy of an OCI layout whose base annotation and FROM history comment say
  /// `name` and `from` instead of what buildah wrote (other builders write the short
  /// form, buildah the normalised one).
  static func renamingBase(_ layout: String, name: String, from: String) throws -> (TemporaryDirectory, String) {
    let directory = try TemporaryDirectory()
    let copy = directory.url.appendingPathComponent("image.oci")
    try FileManager.default.copyItem(at: URL(fileURLWithPath: layout), to: copy)
    let script = """
      import hashlib, json, os, sys
      d, name, source = sys.argv[1:4]
      def path(digest): return os.path.join(d, 'blobs', *digest.split(':'))
      def put(obj):
          data = json.dumps(obj).encode()
          digest = 'sha256:' + hashlib.sha256(data).hexdigest()
          open(path(digest), 'wb').write(data)
          return digest, len(data)
      index = json.load(open(os.path.join(d, 'index.json')))
      entry = index['manifests'][0]
      manifest = json.load(open(path(entry['digest'])))
      config = json.load(open(path(manifest['config']['digest'])))
      for h in config.get('history', []):
          if h.get('comment', '').startswith('FROM '): h['comment'] = 'FROM ' + source
      manifest['config']['digest'], manifest['config']['size'] = put(config)
      manifest['annotations']['org.opencontainers.image.base.name'] = name
      entry['digest'], entry['size'] = put(manifest)
      json.dump(index, open(os.path.join(d, 'index.json'), 'w'))
      """
    let result = try CLI.run(["-c", script, copy.path, name, from], product: "/usr/bin/python3")
    try #require(result.status == 0, "\(result.stderr)")
    return (directory, copy.path)
  }

  /// `python:3.11-slim` in the annotation and `docker.io/library/python:3.11-slim` in
  /// the FROM entry (and the other way round) are one base: its layers are counted,
  /// and it is named as Docker normalises it.
  @Test func theAnnotatedBaseNameIsComparedAndShownNormalised() throws {
    let images = try Self.images()
    let (one, before) = try Self.renamingBase(
      images.path("app1.oci"), name: "python:3.11-slim", from: "docker.io/library/python:3.11-slim")
    let (two, after) = try Self.renamingBase(
      images.path("app2.oci"), name: "docker.io/library/python:3.11-slim", from: "python:3.11-slim")
    let repo = try history(Self.budget + "growth_of = \"own\"\n", sources: ("oci:\(before)", "oci:\(after)"))
    withExtendedLifetime((one, two)) {}
    let json = try CLI.run(["check", "--format", "json", "--no-notify"], in: repo.url)
    #expect(json.status == 0, "\(json.stdout)\(json.stderr)")
    let split = try #require(try Self.decode(json.stdout).images.first?.growthSplit, "\(json.stdout)")
    #expect(split.how == "annotations")
    #expect(split.baseName == "docker.io/library/python:3.11-slim")
    #expect(split.baseDelta > 95_000, "\(split)")
    let text = try CLI.run(["check", "--no-notify"], in: repo.url)
    #expect(text.stdout.contains("docker.io/library/python:3.11-slim rebuilt upstream: +"), "\(text.stdout)")
  }
}
