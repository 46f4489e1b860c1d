import Analysis
import Evaluation
import Model
import Testing

@testable import Formats

/// "What grew" names the layers that grew the image, largest first, in text and in
/// Markdown alike; a rebuilt base's layers are the growth split's to say.
@Suite struct WhatGrewTests {
  /// Layers of `sizes` (compressed bytes), each with its own diff ID `id-N`.
  static func measurement(_ ids: [String], _ sizes: [Int64], baseLayers: Int? = nil) -> ImageMeasurement {
    var m = ImageMeasurement(
      image: "api", commit: String(repeating: "b", count: 40), source: "oci:x", platform: "linux/amd64",
      manifestDigest: nil, configDigest: nil, compressedBytes: sizes.reduce(0, +), compressedEstimated: false,
      uncompressedBytes: 2 * sizes.reduce(0, +), wastedBytes: 0, fileCount: 1, pathDepth: 4, toolVersion: "t",
      measuredAt: "2026-11-25T00:00:00Z", host: "h",
      layers: zip(ids, sizes).enumerated().map { index, layer in
        LayerMeasurement(
          index: index, digest: nil, diffID: "sha256:\(layer.0)", mediaType: nil, compression: "gzip",
          compressedBytes: layer.1, compressedEstimated: false, uncompressedBytes: 2 * layer.1, fileCount: 1,
          createdBy: "RUN step \(layer.0)")
      }, paths: [], wasted: [], forbidden: [], required: [])
    m.baseImage = baseLayers.map { BaseImage(name: "python:3.12-slim", digest: nil, layers: $0, how: "annotations") }
    return m
  }

  @Test func markdownListsTheLargestAddedLayersFirst() {
    let old = Self.measurement(["base"], [1_000])
    let new = Self.measurement(
      ["base", "a", "b", "c", "d", "e", "f", "g"], [1_000, 10_000, 70_000, 20_000, 60_000, 30_000, 50_000, 40_000])
    let rows = CheckMarkdown.whatGrew(MeasurementDiff.between(old, new)).filter { $0.contains("RUN step") }
    #expect(rows.count == 5)
    #expect(
      rows.map { $0.components(separatedBy: "RUN step ")[1].prefix(1) } == ["b", "d", "f", "g", "e"], "\(rows)")
  }

  @Test func aRebuiltBasesLayersAreLeftToTheSplit() {
    let old = Self.measurement(["base-1", "app"], [1_000, 5_000], baseLayers: 1)
    let new = Self.measurement(["base-2", "app-2"], [90_000, 6_000], baseLayers: 1)
    let diff = MeasurementDiff.between(old, new)
    let text = CheckText.whatGrew(diff, since: String(repeating: "a", count: 40), baseLayers: (1, 1), terminal: .plain)
    #expect(text.contains { $0.contains("+ layer 1") }, "\(text)")
    #expect(!text.contains { $0.contains("layer 0") }, "\(text)")
    #expect(text.contains("    - 1 layer of aaaaaaaaaaaa no longer in the image (5 kB compressed)"), "\(text)")
    let markdown = CheckMarkdown.whatGrew(diff, baseLayers: (1, 1))
    #expect(!markdown.contains { $0.contains("layer 0") }, "\(markdown)")
    #expect(markdown.contains { $0.contains("layer 1") }, "\(markdown)")
  }

  /// Only the base was rebuilt: its layer is left out and none of the image's own was
  /// added, so "what grew" says the growth is the base's, never "Nothing added".
  @Test func aBaseOnlyRebuildSaysTheGrowthIsTheBases() {
    let old = Self.measurement(["base-1", "app"], [1_000, 5_000], baseLayers: 1)
    let new = Self.measurement(["base-2", "app"], [90_000, 5_000], baseLayers: 1)
    let diff = MeasurementDiff.between(old, new)
    let markdown = CheckMarkdown.whatGrew(diff, baseLayers: (1, 1))
    #expect(markdown == ["No own layer added: the growth is the base image's."], "\(markdown)")
    let text = CheckText.whatGrew(diff, since: String(repeating: "a", count: 40), baseLayers: (1, 1), terminal: .plain)
    #expect(text == ["  No own layer added: the growth is the base image's."], "\(text)")
    // Without the base known nothing is left out: the new layer is listed.
    #expect(CheckMarkdown.whatGrew(diff).contains { $0.contains("layer 0") })
  }

  /// A base rebuilt smaller, or a base rebuild with own layers only removed so the image
  /// shrank: no growth is the base's, so "what grew" says only that no own layer was added.
  @Test func noGrowthIsNotCalledTheBases() {
    let since = String(repeating: "a", count: 40)
    let smaller = MeasurementDiff.between(
      Self.measurement(["base-1", "app"], [90_000, 5_000], baseLayers: 1),
      Self.measurement(["base-2", "app"], [1_000, 5_000], baseLayers: 1))
    #expect(smaller.compressed.delta < 0)
    #expect(CheckMarkdown.whatGrew(smaller, baseLayers: (1, 1)) == ["No own layer added."])
    #expect(
      CheckText.whatGrew(smaller, since: since, baseLayers: (1, 1), terminal: .plain) == ["  No own layer added."])
    // The base grew 1 kB, an own layer of 50 kB went: the image shrank.
    let removed = MeasurementDiff.between(
      Self.measurement(["base-1", "app", "extra"], [1_000, 5_000, 50_000], baseLayers: 1),
      Self.measurement(["base-2", "app"], [2_000, 5_000], baseLayers: 1))
    #expect(removed.compressed.delta < 0)
    #expect(CheckMarkdown.whatGrew(removed, baseLayers: (1, 1)) == ["No own layer added."])
    let text = CheckText.whatGrew(removed, since: since, baseLayers: (1, 1), terminal: .plain)
    #expect(text.contains("    No own layer added."), "\(text)")
    #expect(!text.contains { $0.contains("the growth is the base image's") }, "\(text)")
    // The base grew 40 kB, an own layer of 10 kB went: the 30 kB growth is the base's.
    let grew = MeasurementDiff.between(
      Self.measurement(["base-1", "app", "extra"], [1_000, 5_000, 10_000], baseLayers: 1),
      Self.measurement(["base-2", "app"], [41_000, 5_000], baseLayers: 1))
    let grewText = CheckText.whatGrew(grew, since: since, baseLayers: (1, 1), terminal: .plain)
    #expect(grewText.contains("    No own layer added: the growth is the base image's."), "\(grewText)")
  }
}
