import Analysis
import Budgets
import Evaluation
import Foundation
import Model
import TestSupport
import Testing

/// The findings explain used to miss (issue 18, item 5), on small real images measured
/// by the real measurer: tools copied in as files, the same bytes twice, debug
/// symbols, locales, man pages and docs, model weights. Each is found with its bytes
/// and what belongs in an image is left alone. Silence on the "after" fixture is
/// ExplainFixtureTests' `afterHasNothingRemovable`.
@Suite struct MissedFindingsTests {
  func measure(_ layers: [ImageBuilder.Layer]) throws -> ImageMeasurement {
    let directory = try TemporaryDirectory()
    try ImageBuilder(layers).writeOCILayout(to: directory.url)
    return try Measurer(.init(image: "x", commit: String(repeating: "a", count: 40)))
      .measure(.ociLayout(directory: directory.url.path, tag: nil))
  }

  func measure(_ entries: [TarBuilder.Entry]) throws -> ImageMeasurement {
    try measure([ImageBuilder.Layer(entries, createdBy: "COPY . /")])
  }

  func finding(_ rule: String, in m: ImageMeasurement) -> Finding? { Findings.all(in: m).first { $0.rule == rule } }

  @Test func packageManagersAndToolchainsCopiedAsFiles() throws {
    let m = try measure([
      ImageBuilder.Layer([.file("app/main.py", size: 1_000)], createdBy: "COPY app/ /app/"),
      ImageBuilder.Layer(
        [
          .file("usr/local/bin/uv", size: 2_000_000, fill: 1), .file("usr/local/bin/uvx", size: 300_000, fill: 2),
          .file("root/.cargo/registry/cache/index/serde-1.0.crate", size: 600_000, fill: 3),
          .file("usr/local/go/bin/go", size: 1_500_000, fill: 4),
          .file("app/node_modules/node-gyp/lib/build.js", size: 100_000, fill: 5),
          // npm's own node-gyp is part of the runtime's npm.
          .file("usr/local/lib/node_modules/npm/node_modules/node-gyp/lib/build.js", size: 300_000, fill: 6),
        ], createdBy: "COPY --from=ghcr.io/astral-sh/uv:latest /uv /uvx /usr/local/bin/"),
    ])
    let tools = try #require(finding("package-managers", in: m), "\(Findings.all(in: m).map(\.rule))")
    #expect(tools.saving == 2_000_000 + 300_000 + 600_000 + 1_500_000 + 100_000)
    #expect(tools.items.map(\.name).first == "uv: /usr/local/bin/uv (2 files)")
    #expect(tools.items.map(\.bytes) == [2_300_000, 1_500_000, 600_000, 100_000])
    #expect(tools.layer == 1)
    #expect(tools.createdBy?.contains("astral-sh/uv") == true)
    #expect(tools.title.contains("uv, go, rust, node-gyp"), "\(tools.title)")
  }

  @Test func uvsCacheAndToolInstallsButNotItsPython() throws {
    let m = try measure([
      ImageBuilder.Layer([.file("app/main.py", size: 1_000)], createdBy: "COPY app/ /app/"),
      ImageBuilder.Layer(
        [
          .file("root/.cache/uv/archive-v0/abc/torch/lib.so", size: 1_000_000, fill: 1),
          .file("root/.local/share/uv/tools/ruff/bin/ruff", size: 400_000, fill: 2),
          // A Python uv installed is what the image may run.
          .file("root/.local/share/uv/python/cpython-3.12/bin/python3.12", size: 700_000, fill: 3),
        ], createdBy: "RUN uv sync --frozen"),
    ])
    let tools = try #require(finding("package-managers", in: m), "\(Findings.all(in: m).map(\.rule))")
    #expect(tools.saving == 1_000_000 + 400_000, "\(tools.items)")
  }

  @Test func aSmallWrapperScriptIsNoFinding() throws {
    let m = try measure([.file("usr/local/bin/poetry", size: 2_000), .file("app/main.py", size: 1_000)])
    #expect(finding("package-managers", in: m) == nil)
  }

  @Test func theSameBytesUnderTwoPathsCountOnceAsSaving() throws {
    let m = try measure([
      ImageBuilder.Layer(
        [
          .file("opt/venv-a/lib/libtorch_cpu.so", size: 1_200_000, fill: 7),
          .file("opt/other/data.bin", size: 1_200_000, fill: 8),  // same size, other bytes
          .file("opt/venv-a/small.txt", size: 10_000, fill: 9),  // below the hashing threshold
        ], createdBy: "RUN python -m venv /opt/venv-a && pip install torch"),
      ImageBuilder.Layer(
        [
          .file("opt/venv-b/lib/libtorch_cpu.so", size: 1_200_000, fill: 7),
          .file("opt/venv-b/small.txt", size: 10_000, fill: 9),
        ], createdBy: "COPY --from=build /opt/venv-a /opt/venv-b"),
    ])
    let twice = try #require(finding("duplicate-content", in: m), "\(Findings.all(in: m).map(\.rule))")
    #expect(twice.saving == 1_200_000)
    #expect(twice.items.map(\.name) == ["/opt/venv-b/lib/libtorch_cpu.so = /opt/venv-a/lib/libtorch_cpu.so"])
    #expect(twice.layer == 1)
    #expect(twice.createdBy == "COPY --from=build /opt/venv-a /opt/venv-b")
    // The copy the finding keeps is named in the measurement too (store and notes keep it).
    let category = try #require(m.categories.first { $0.pattern == "duplicate-content" })
    #expect(category.examples.first?.sameAs == "/opt/venv-a/lib/libtorch_cpu.so")
  }

  @Test func aFileOverwrittenByTheSameBytesIsNotADuplicate() throws {
    let m = try measure([
      ImageBuilder.Layer([.file("app/model.bin", size: 2_000_000, fill: 7)]),
      ImageBuilder.Layer([.file("app/model.bin", size: 2_000_000, fill: 7)]),
    ])
    #expect(finding("duplicate-content", in: m) == nil)
  }

  @Test func debugSymbolsLocalesManPagesAndDocs() throws {
    let m = try measure([
      .file("usr/lib/debug/.build-id/ab/cdef0123.debug", size: 500_000, fill: 1),
      .file("opt/app/bin/server.debug", size: 200_000, fill: 2),
      .file("usr/share/locale/de/LC_MESSAGES/coreutils.mo", size: 400_000, fill: 3),
      .file("usr/share/man/man1/ls.1.gz", size: 300_000, fill: 4),
      .file("usr/share/doc/libc6/changelog.Debian.gz", size: 410_000, fill: 5),
      // Licences stay, and so does the C.UTF-8 locale every program falls back on.
      .file("usr/share/doc/libc6/copyright", size: 50_000, fill: 6),
      .file("usr/lib/locale/C.utf8/LC_CTYPE", size: 340_000, fill: 7),
    ])
    let debug = try #require(finding("debug-symbols", in: m), "\(Findings.all(in: m).map(\.rule))")
    #expect(debug.saving == 700_000)
    let docs = try #require(finding("docs-and-locales", in: m), "\(Findings.all(in: m).map(\.rule))")
    #expect(docs.saving == 400_000 + 300_000 + 410_000)
    #expect(docs.items.map(\.name) == ["locales (1 file)", "man and info pages (1 file)", "/usr/share/doc (1 file)"])
    #expect(docs.fix.contains("path-exclude"))
  }

  @Test func aSlimImagesLeftoverDocsAreNoFinding() throws {
    let m = try measure([
      .file("usr/share/doc/libc6/copyright", size: 50_000), .file("usr/share/doc/bash/README", size: 9_000),
    ])
    #expect(finding("docs-and-locales", in: m) == nil)
  }

  @Test func modelWeightsAndDatasetsOfTenMegabytesOrMore() throws {
    let m = try measure([
      .file("app/models/encoder.safetensors", size: 12_000_000, fill: 1),
      .file("root/.cache/huggingface/hub/models--x/blobs/abc", size: 10_500_000, fill: 2),
      .file("app/data/lookup.parquet", size: 2_000_000, fill: 3),  // small: belongs with the code
    ])
    let weights = try #require(finding("model-weights", in: m), "\(Findings.all(in: m).map(\.rule))")
    #expect(weights.saving == 22_500_000)
    #expect(
      weights.items.map(\.name) == [
        "/app/models/encoder.safetensors", "/root/.cache/huggingface/hub/models--x/blobs/abc",
      ])
    #expect(weights.title.contains("compress badly"))
  }

  /// `deny` accepts exactly the rules explain runs.
  @Test func denyKnowsEveryFindingRule() {
    #expect(Set(Findings.rules.map(\.name)) == Set(FindingNames.all))
    #expect(Findings.rules.count == FindingNames.all.count)
  }
}
