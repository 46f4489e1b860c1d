import Analysis
import Evaluation
import Foundation
import Model
import TestSupport
import Testing

/// The finding rules on small real images (OCI layouts measured by the real
/// measurer): each planted problem is found with its bytes, and what belongs in an
/// image is left alone. The "before" fixture covers the Debian and Python side
/// (ExplainFixtureTests); these cover Alpine, npm, GPU libraries and copied
/// repository files.
@Suite struct FindingsTests {
  func measure(_ entries: [TarBuilder.Entry], createdBy: String = "COPY . /app") throws -> ImageMeasurement {
    let directory = try TemporaryDirectory()
    try ImageBuilder([ImageBuilder.Layer(entries, createdBy: createdBy)]).writeOCILayout(to: directory.url)
    return try Measurer(.init(image: "x", commit: String(repeating: "a", count: 40)))
      .measure(.ociLayout(directory: directory.url.path, tag: nil))
  }

  func finding(_ rule: String, in findings: [Finding]) -> Finding? { findings.first { $0.rule == rule } }

  @Test func alpinePackagesAndTheApkCache() throws {
    let installed = """
      C:Q1abc=
      P:musl
      V:1.2.5-r0
      F:lib
      R:ld-musl-x86_64.so.1

      C:Q1def=
      P:build-base
      V:0.5-r3
      F:usr/bin
      R:make

      """
    let m = try measure([
      .file("lib/apk/db/installed", installed), .file("lib/ld-musl-x86_64.so.1", size: 600_000),
      .file("usr/bin/make", size: 250_000), .file("var/cache/apk/APKINDEX.tar.gz", size: 1_200_000),
    ])
    let packages = Dictionary(uniqueKeysWithValues: m.packages.map { ($0.key, $0) })
    #expect(packages["apk:musl"]?.bytes == 600_000, "\(m.packages.map(\.key))")
    #expect(packages["apk:musl"]?.version == "1.2.5-r0")
    #expect(packages["apk:build-base"]?.bytes == 250_000)
    let findings = Findings.all(in: m)
    #expect(finding("apk-cache", in: findings)?.saving == 1_200_000)
    let tools = try #require(finding("build-tools", in: findings), "\(findings.map(\.rule))")
    #expect(tools.items.map(\.name).contains { $0.hasPrefix("build-base") })
  }

  @Test func npmYarnAndPnpmCaches() throws {
    let m = try measure([
      .file("root/.npm/_cacache/content-v2/sha512/ab/cd", size: 700_000),
      .file("usr/local/share/.cache/yarn/v6/npm-left-pad-1.3.0/index.js", size: 300_000),
      .file("app/.pnpm-store/v3/files/00/abc", size: 200_000),
      .file("app/node_modules/left-pad/package.json", #"{"name":"left-pad","version":"1.3.0"}"#),
      .file("app/node_modules/left-pad/index.js", size: 5_000),
    ])
    let cache = try #require(finding("npm-cache", in: Findings.all(in: m)))
    #expect(cache.saving == 1_200_000)
    #expect(m.packages.contains { $0.key == "npm:left-pad@/app/node_modules" })
  }

  @Test func gpuLibrariesAreNamedButNotCountedAsSavings() throws {
    let m = try measure([
      .file("usr/local/cuda/lib64/libcublas.so.12", size: 3_000_000),
      .file("opt/venv/lib/python3.11/site-packages/nvidia/cudnn/lib/libcudnn.so.9", size: 2_000_000),
    ])
    let gpu = try #require(finding("gpu-libraries", in: Findings.all(in: m)), "\(Findings.all(in: m).map(\.rule))")
    #expect(gpu.severity == .info)
    #expect(gpu.bytes == 5_000_000)
    #expect(gpu.saving == 0)
  }

  @Test func copiedTestsDocsScriptsAndRepositoryFiles() throws {
    let m = try measure([
      .file("app/main.py", size: 1_000), .file("app/tests/test_main.py", size: 2_000),
      .file("app/docs/index.md", size: 3_000), .file("app/scripts/release.sh", size: 4_000),
      .file("app/.git/objects/pack/pack-1.pack", size: 50_000), .file("app/Dockerfile", size: 500),
      .file("app/.github/workflows/ci.yml", size: 600), .file("app/docker-compose.yml", size: 700),
      // In three categories' directories at once: counted once.
      .file("app/tests/docs/scripts/seed.sh", size: 20_000),
      // The bytecode finding's, not this one's.
      .file("app/tests/__pycache__/test_main.cpython-311.pyc", size: 30_000),
      .file("app/tests/.pytest_cache/v/cache/lastfailed", size: 40_000),
      // Not the application's: the distribution's and the packages' own.
      .file("etc/init.d/scripts/networking", size: 8_000), .file("usr/share/doc/bash/README", size: 9_000),
      .file("opt/venv/lib/python3.11/site-packages/numpy/tests/test_x.py", size: 10_000),
    ])
    let copied = try #require(finding("tests-and-docs", in: Findings.all(in: m)))
    #expect(copied.saving == 2_000 + 3_000 + 4_000 + 50_000 + 500 + 600 + 700 + 20_000)
    #expect(copied.items.filter { $0.name == "/app/tests/docs/scripts/seed.sh" }.count == 1)
    let bytecode = try #require(finding("bytecode", in: Findings.all(in: m)), "\(Findings.all(in: m).map(\.rule))")
    #expect(bytecode.saving == 70_000)
    #expect(copied.items.map(\.name).first == "/app/.git/objects/pack/pack-1.pack")
    #expect(copied.createdBy == "COPY . /app")
    #expect(copied.fix.contains(".dockerignore"))
  }
}
