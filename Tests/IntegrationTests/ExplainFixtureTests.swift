import Foundation
import TestSupport
import Testing

/// `explain`, `packages`, `diff` and `check` on the real before/after images: every
/// problem planted in "before" is named with its bytes, "after" has nothing to remove,
/// and package sizes agree with dpkg-query and importlib.metadata on an unpacked copy.
@Suite(.serialized) struct ExplainFixtureTests {
  struct Explained: Decodable {
    struct Finding: Decodable {
      struct Item: Decodable {
        var name: String
        var bytes: Int64
      }
      var rule: String
      var severity: String
      var bytes: Int64
      var saving: Int64
      var layer: Int?
      var createdBy: String?
      var fix: String
      var items: [Item]
    }
    var findings: [Finding]

    func finding(_ rule: String) -> Finding? { findings.first { $0.rule == rule } }
    func items(_ rule: String) -> [String] { finding(rule)?.items.map(\.name) ?? [] }
  }

  struct Package: Decodable {
    var ecosystem: String
    var name: String
    var version: String?
    var location: String?
    var bytes: Int64
  }

  static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(type, from: Data(text.utf8))
  }

  /// A repository measuring `images` ("before", "after"), one commit each, in order.
  func measured(_ images: [String], budgets: String = "[image.api]\nmax = \"1 GB\"\n") throws -> GitRepository {
    try #require(Fixtures.available, "the fixture images are missing: run scripts/fixtures.sh (make test does)")
    let repo = try GitRepository()
    try repo.commit("budgets", files: ["budgets.toml": budgets])
    for (index, name) in images.enumerated() {
      if index > 0 { try repo.commit(name, files: ["VERSION": name]) }
      let result = try CLI.run(
        ["measure", "oci:\(Fixtures.path("api-\(name).oci"))", "--image", "api"], in: repo.url)
      try #require(result.status == 0, "\(result.stderr)")
    }
    return repo
  }

  func explain(_ repo: GitRepository) throws -> Explained {
    let result = try CLI.run(["explain", "--image", "api", "--format", "json"], in: repo.url)
    try #require(result.status == 0, "\(result.stderr)")
    return try Self.decode(Explained.self, result.stdout)
  }

  @Test func beforeNamesEveryPlantedProblemWithItsBytes() throws {
    let explained = try explain(try measured(["before"]))
    // gcc and what it pulled in, from the layer that installed it.
    let tools = try #require(explained.finding("build-tools"))
    #expect(explained.items("build-tools").contains { $0.hasPrefix("gcc-12 ") })
    #expect(explained.items("build-tools").contains { $0.hasPrefix("cpp-12 ") })
    #expect(tools.saving > 150_000_000, "gcc-12 alone is 69 MB, its dependencies as much again")
    #expect(tools.createdBy?.contains("apt-get install") == true)
    // The pip cache, about 10.5 MB.
    let pip = try #require(explained.finding("pip-cache"))
    #expect(pip.saving > 10_000_000 && pip.saving < 11_000_000, "\(pip.saving)")
    #expect(explained.items("pip-cache").allSatisfy { $0.hasPrefix("/root/.cache/pip/") })
    // Development dependencies, by name.
    let dev = try #require(explained.finding("dev-dependencies"))
    let devNames = Set(dev.items.map { String($0.name.split(separator: " ")[0]) })
    #expect(devNames.isSuperset(of: ["pytest", "pytest-cov", "black", "httpx"]), "\(devNames)")
    #expect(dev.saving == dev.items.reduce(0) { $0 + $1.bytes })
    // The copied tests, the bytecode and tool caches, the apt lists.
    #expect(explained.items("tests-and-docs").contains("/srv/tests/test_api.py"))
    let caches = explained.items("bytecode").joined(separator: "\n")
    for planted in ["__pycache__", ".pytest_cache", ".coverage"] { #expect(caches.contains(planted)) }
    #expect(try #require(explained.finding("bytecode")).saving > 1_000_000)
    let lists = try #require(explained.finding("apt-lists"))
    #expect(lists.saving > 10_000_000)
    #expect(explained.items("apt-lists").allSatisfy { $0.hasPrefix("/var/lib/apt/lists/") })
    // Biggest saving first, and every finding says how to fix it.
    #expect(explained.findings.map(\.saving) == explained.findings.map(\.saving).sorted(by: >))
    #expect(explained.findings.allSatisfy { !$0.fix.isEmpty && $0.layer != nil })
  }

  @Test func afterHasNothingRemovable() throws {
    let repo = try measured(["after"])  // held: the repository goes when it is released
    let explained = try explain(repo)
    let removable = explained.findings.filter { $0.saving > 0 }
    #expect(removable.isEmpty, "\(removable.map { "\($0.rule) \($0.saving)" })")
    let text = try CLI.run(["explain", "--image", "api"], in: repo.url)
    #expect(text.status == 0)
    #expect(text.stdout.contains("Nothing removable"), "\(text.stdout)")
  }

  @Test func diffShowsThePackageChanges() throws {
    let repo = try measured(["before", "after"])
    let result = try CLI.run(["diff", "HEAD~1", "HEAD", "--image", "api", "--format", "json"], in: repo.url)
    try #require(result.status == 0, "\(result.stderr)")
    struct Document: Decodable {
      struct Diff: Decodable {
        struct Change: Decodable {
          var ecosystem: String
          var name: String
          var kind: String
          var before: Int64
          var after: Int64
        }
        var packages: [Change]
      }
      var diff: Diff
    }
    let changes = try Self.decode(Document.self, result.stdout).diff.packages
    let kinds = Dictionary(changes.map { ("\($0.ecosystem):\($0.name)", $0.kind) }, uniquingKeysWith: { a, _ in a })
    for removed in ["deb:gcc-12", "deb:cpp-12", "python:pytest", "python:pytest-cov", "python:black", "python:httpx"] {
      #expect(kinds[removed] == "removed", "\(removed): \(kinds[removed] ?? "not in the diff")")
    }
    #expect(!changes.contains { $0.kind == "added" && $0.ecosystem == "deb" })
    let text = try CLI.run(["diff", "HEAD~1", "HEAD", "--image", "api"], in: repo.url)
    #expect(text.stdout.contains("packages that changed"))
    #expect(text.stdout.contains("deb gcc-12"))
  }

  /// Sizes per package agree byte for byte with the distributions' own tools run on an
  /// unpacked copy of the image (umoci), through scripts/package-sizes.py.
  @Test func packageSizesAgreeWithDpkgQueryAndImportlibMetadata() throws {
    let repo = try measured(["before"])
    let listed = try CLI.run(["packages", "--image", "api", "--format", "json"], in: repo.url)
    try #require(listed.status == 0, "\(listed.stderr)")
    struct Listing: Decodable { var packages: [Package] }
    let packages = try Self.decode(Listing.self, listed.stdout).packages

    let unpacked = try TemporaryDirectory()
    let bundle = unpacked.url.appendingPathComponent("bundle").path
    let unpack = try CLI.run(
      ["unpack", "--rootless", "--image", "\(Fixtures.path("api-before.oci")):before", bundle],
      product: "/usr/bin/umoci")
    try #require(unpack.status == 0, "umoci: \(unpack.stderr)")
    let site = "/opt/venv/lib/python3.11/site-packages"
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
      "../../scripts/package-sizes.py"
    ).standardized.path
    let counted = try CLI.run(["python3", script, bundle + "/rootfs", site], product: "/usr/bin/env")
    try #require(counted.status == 0, "\(counted.stderr)")
    struct Independent: Decodable {
      var deb: [String: Int64]
      var python: [String: Int64]
    }
    let independent = try JSONDecoder().decode(Independent.self, from: Data(counted.stdout.utf8))

    let debs = Dictionary(uniqueKeysWithValues: packages.filter { $0.ecosystem == "deb" }.map { ($0.name, $0.bytes) })
    #expect(debs.count == independent.deb.count)
    #expect(independent.deb.count > 100)
    for (name, bytes) in independent.deb { #expect(debs[name] == bytes, "deb \(name)") }

    func normalized(_ name: String) -> String {
      name.lowercased().replacingOccurrences(of: "_", with: "-").replacingOccurrences(of: ".", with: "-")
    }
    let pythons = Dictionary(
      uniqueKeysWithValues: packages.filter { $0.ecosystem == "python" }.map {
        ("\($0.location ?? ""):\(normalized($0.name))", $0.bytes)
      })
    #expect(pythons.count == independent.python.count)
    #expect(independent.python.keys.contains("\(site):pytest"))
    for (key, bytes) in independent.python { #expect(pythons[key] == bytes, "python \(key)") }
  }

  @Test func checkWarnsOfFindingsAndFailsOnDenyCapsAndForbiddenPackages() throws {
    let lenient = try measured(["before"])  // held: the repository goes when it is released
    let warned = try CLI.run(["check", "--image", "api"], in: lenient.url)
    #expect(warned.status == 0, "findings alone warn: \(warned.stdout)\(warned.stderr)")
    #expect(warned.stdout.contains("Build toolchain in the final image"))
    #expect(warned.stdout.contains("within budget, warning: finding ×"))

    let strict = """
      [image.api]
      max = "1 GB"
      deny = ["build-tools", "pip-cache"]
      forbid_packages = ["pytest", "gcc-12"]

      [image.api.packages]
      sqlalchemy = "10 MB"
      libc6 = "100 MB"
      """
    let strictRepo = try measured(["before"], budgets: strict)
    let failed = try CLI.run(["check", "--image", "api", "--format", "json"], in: strictRepo.url)
    #expect(failed.status == 1, "\(failed.stdout)\(failed.stderr)")
    struct Report: Decodable {
      struct Image: Decodable {
        struct Result: Decodable {
          var rule: String
          var status: String
          var subject: String?
          var message: String
        }
        var results: [Result]
      }
      var images: [Image]
    }
    let results = try Self.decode(Report.self, failed.stdout).images[0].results
    let failures = results.filter { $0.status == "fail" }
    let failedSubjects = Set(failures.compactMap(\.subject))
    #expect(failedSubjects.isSuperset(of: ["build-tools", "pip-cache"]), "\(failures.map(\.message))")
    #expect(failures.contains { $0.message.contains("pytest") })
    #expect(failures.contains { $0.message.contains("gcc-12") })
    #expect(failures.contains { $0.message.contains("sqlalchemy") })
    #expect(!failures.contains { $0.message.contains("libc6") }, "libc6 is within its cap")
    // Findings not denied stay warnings.
    #expect(results.contains { $0.subject == "apt-lists" && $0.status == "warn" })
  }

  /// An unowned shared library built with -g: the saving reported is what a real
  /// `strip --strip-unneeded` saves, to within the section alignment strip rewrites.
  @Test func unstrippedLibraryFindingMatchesRealStrip() throws {
    let work = try TemporaryDirectory()
    var source = "#include <stdio.h>\n"
    for i in 0..<400 {
      source += """
        struct s\(i) { int a; double b; char c[\(i % 17 + 1)]; };
        int f\(i)(struct s\(i) *p, int x) { int y = x * \(i); for (int k = 0; k < x; k++) y += p->a + k; printf("%d", y); return y; }

        """
    }
    try work.write("bloat.c", source)
    let library = work.url.appendingPathComponent("libbloat.so").path
    let stripped = work.url.appendingPathComponent("stripped.so").path
    let gcc = try CLI.run(
      ["gcc", "-g", "-O1", "-shared", "-fPIC", "-o", library, work.url.appendingPathComponent("bloat.c").path],
      product: "/usr/bin/env")
    try #require(gcc.status == 0, "\(gcc.stderr)")
    let strip = try CLI.run(["strip", "--strip-unneeded", "-o", stripped, library], product: "/usr/bin/env")
    try #require(strip.status == 0, "\(strip.stderr)")
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: library)))
    let realSaving = Int64(bytes.count) - Int64(try Data(contentsOf: URL(fileURLWithPath: stripped)).count)

    let repo = try GitRepository()
    try repo.commit("budgets", files: ["budgets.toml": "[image.lib]\nmax = \"1 GB\"\n"])
    let layer = ImageBuilder.Layer(
      [.init("usr/local/lib/libbloat.so", bytes), .file("usr/local/lib/readme.txt", "not ELF\n")],
      createdBy: "COPY build/libbloat.so /usr/local/lib/")
    try ImageBuilder([layer]).writeOCILayout(to: repo.url.appendingPathComponent("image.oci"))
    let measured = try CLI.run(["measure", "oci:image.oci", "--image", "lib"], in: repo.url)
    try #require(measured.status == 0, "\(measured.stderr)")
    let result = try CLI.run(["explain", "--image", "lib", "--format", "json"], in: repo.url)
    try #require(result.status == 0, "\(result.stderr)")
    let finding = try #require(try Self.decode(Explained.self, result.stdout).finding("unstripped"))
    #expect(finding.items.map(\.name) == ["/usr/local/lib/libbloat.so"])
    #expect(finding.createdBy == "COPY build/libbloat.so /usr/local/lib/")
    let error = abs(Double(finding.saving - realSaving)) / Double(realSaving)
    #expect(error < 0.05, "reported \(finding.saving), strip saves \(realSaving)")
  }
}

/// What `explain` and `packages` say when they cannot answer.
@Suite struct ExplainBadInputTests {
  @Test func missingMeasurementsAndBadFormatsAreClearErrors() throws {
    let fixture = try GateFixture(budgets: "[image.api]\nmax = \"1 GB\"\n")
    let missing = try fixture.run(["explain", "--image", "api"])
    #expect(missing.status == 3)
    #expect(missing.stderr.contains("api has no measurement at HEAD"))
    #expect(missing.stderr.contains("sizebudget measure SOURCE --image api"))
    let packages = try fixture.run(["packages", "--commit", "HEAD", "--image", "api"])
    #expect(packages.status == 3)
    #expect(packages.stderr.contains("--commit"), "a revision given is carried into the hint: \(packages.stderr)")

    try fixture.measure(bytes: 50_000)
    let format = try fixture.run(["explain", "--image", "api", "--format", "xml"])
    #expect(format.status == 2)
    #expect(format.stderr.contains("xml"))
    let revision = try fixture.run(["explain", "no-such-branch", "--image", "api"])
    #expect(revision.status == 2)
    #expect(revision.stderr.contains("no-such-branch"))
  }

  @Test func aSmallCleanImageHasNothingToRemove() throws {
    let fixture = try GateFixture(budgets: "[image.api]\nmax = \"1 GB\"\n")
    try fixture.measure(bytes: 50_000, files: [.file("app/main.py", "print('hi')\n")])
    let text = try fixture.run(["explain", "--image", "api"])
    #expect(text.status == 0, "\(text.stderr)")
    #expect(text.stdout.contains("Nothing removable found"))
    // Every kind of finding explain looks for is named, the newer ones too.
    for kind in ["package managers", "docs or locales", "debug symbols", "duplicate files", "model weights"] {
      #expect(text.stdout.contains(kind), "\(kind): \(text.stdout)")
    }
    let markdown = try fixture.run(["explain", "--image", "api", "--format", "markdown"])
    #expect(markdown.stdout.contains("<!-- sizebudget:explain:api -->"))
    #expect(markdown.stdout.contains("nothing removable found"))
    let listed = try fixture.run(["packages", "--image", "api"])
    #expect(listed.status == 0)
    #expect(listed.stdout.contains("/app"))
  }
}
