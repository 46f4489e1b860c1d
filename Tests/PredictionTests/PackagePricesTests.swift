import Analysis
import Store
import Testing

@testable import Prediction

/// How dependency lines are priced: from the image itself, from other images'
/// measurements (same version first), or not at all.
@Suite struct PackagePricesTests {
  func measured(_ packages: [PackageSize]) -> ImageMeasurement {
    var measurement = ImageMeasurement(
      image: "api", commit: String(repeating: "a", count: 40), source: "oci:x", platform: "linux/amd64",
      manifestDigest: nil, configDigest: nil, compressedBytes: 50_000_000, compressedEstimated: false,
      uncompressedBytes: 100_000_000, wastedBytes: 0, fileCount: 10, pathDepth: 4, toolVersion: "test",
      measuredAt: "2026-11-30T00:00:00Z", host: "test", layers: [], paths: [], wasted: [], forbidden: [],
      required: [])
    measurement.packages = packages
    return measurement
  }

  func sighting(_ name: String, _ version: String, bytes: Int64, image: String = "worker", at: String)
    -> PackageSighting
  {
    PackageSighting(
      image: image, commit: String(repeating: "9", count: 40), ecosystem: "python", name: name, version: version,
      bytes: bytes, measuredAt: at, imageCompressedBytes: 25, imageUncompressedBytes: 100)
  }

  func python(_ name: String, _ version: String?) -> DeclaredPackage {
    DeclaredPackage(ecosystem: "python", name: name, version: version)
  }

  @Test func pricesByTheSameVersionFirstThenAnyAndNamesTheUnknown() {
    let prices = PackagePrices(
      measured: measured([]),
      sightings: [
        "python:torch": [
          sighting("torch", "2.6.0", bytes: 800_000_000, at: "2026-11-29T00:00:00Z"),
          sighting("torch", "2.5.1", bytes: 757_000_000, at: "2026-11-20T00:00:00Z"),
        ],
        "python:typing-extensions": [sighting("Typing_Extensions", "4.0", bytes: 100_000, at: "2026-11-01T00:00:00Z")],
      ])
    let result = prices.contributions(
      old: [], new: [python("torch", "2.5.1"), python("typing-extensions", "4.1"), python("nonesuch", nil)])
    let torch = result.first { $0.subject == "torch 2.5.1" }
    #expect(torch?.uncompressedBytes == 757_000_000)
    #expect(torch?.compressedBytes == 189_250_000)  // worker compresses to 25 %
    #expect(torch?.source == "seen in worker at 9999999")
    let typing = result.first { $0.subject == "typing-extensions 4.1" }
    #expect(typing?.uncompressedBytes == 100_000)
    #expect(typing?.source == "seen in worker at 9999999 (as Typing_Extensions 4.0)")
    // ±10 % at the same version, ±50 % at another.
    #expect(torch?.uncompressedUncertainty == 75_700_000 && typing?.uncompressedUncertainty == 50_000)
    let unknown = result.first { $0.subject == "nonesuch" }
    #expect(unknown?.kind == .unknownPackage && unknown?.uncompressedBytes == 0)
  }

  @Test func aPackageTheImageHoldsAddsNothingAndARemovedOneSubtractsItsSize() {
    let flask = PackageSize(
      ecosystem: "python", name: "Flask", version: "3.0.0", location: "/opt/venv", bytes: 2_000_000, files: 10,
      layer: 3)
    let prices = PackagePrices(measured: measured([flask]), sightings: [:])
    let added = prices.contributions(old: [], new: [python("flask", "3.0.0")])
    #expect(added.map(\.uncompressedBytes) == [0])
    #expect(added.first?.source.hasPrefix("already in api") == true)
    let removed = prices.contributions(old: [python("flask", "3.0.0")], new: [])
    #expect(removed.map(\.uncompressedBytes) == [-2_000_000])
    #expect(removed.map(\.compressedBytes) == [-1_000_000])  // the image compresses to 50 %
    let unchanged = prices.contributions(old: [python("flask", "3.0.0")], new: [python("Flask", "3.0.0")])
    #expect(unchanged.isEmpty)
  }
}
