import ArchiveIO
import Foundation
import ImageSource
import Model
import TestSupport
import Testing

@testable import Analysis

/// Duplicate content's fingerprints (issue 16): CRCs instead of a second SHA-256 over
/// every big file, and scans stored with the old SHA-256 digests never mixed with them.
@Suite struct ContentFingerprintTests {
  /// Bytes that are not one repeated value (so a CRC sees every position).
  static func noise(_ count: Int, seed: UInt64) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return UInt8(truncatingIfNeeded: state >> 33)
    }
  }

  static let model = noise(1_000_000, seed: 1)
  /// The same size as `model`, one byte in the middle changed.
  static let almost: [UInt8] = {
    var bytes = model
    bytes[500_000] ^= 0x01
    return bytes
  }()

  /// Identical big files in two layers (one stored uncompressed: the pipelined path;
  /// one gzip, one zstd), and same-size files that differ in one byte.
  static let layers = [
    ImageBuilder.Layer(
      [
        TarBuilder.Entry("opt/venv-a/lib/libmodel.so", model),
        TarBuilder.Entry("opt/other/almost.so", almost),
      ], createdBy: "base", compression: .none),
    ImageBuilder.Layer(
      [TarBuilder.Entry("opt/venv-b/lib/libmodel.so", model)], createdBy: "copy", compression: .gzip),
    ImageBuilder.Layer(
      [TarBuilder.Entry("srv/also-almost.so", almost), TarBuilder.Entry("srv/other.so", noise(1_000_000, seed: 2))],
      createdBy: "app", compression: .zstd),
  ]

  func options() -> Measurer.Options {
    var options = Measurer.Options(image: "app", commit: String(repeating: "c", count: 40))
    options.keepScans = true
    return options
  }

  func measure(_ options: Measurer.Options, _ reference: ImageReference) throws -> (
    ImageMeasurement, [StoredLayerScan]
  ) {
    guard case .image(let image) = try Measurer(options).open(reference) else {
      throw ImageSourceError("not an image")
    }
    return try Measurer(options).measureKeepingScans(image)
  }

  func duplicates(_ m: ImageMeasurement) -> [String] {
    (m.categories.first { $0.pattern == "duplicate-content" }?.examples ?? []).map {
      "\($0.path) = \($0.sameAs ?? "")"
    }.sorted()
  }

  func archive(in directory: TemporaryDirectory) throws -> ImageReference {
    let archive = directory.url.appendingPathComponent("image.tar")
    try Data(try ImageBuilder(Self.layers).dockerArchive()).write(to: archive)
    return .dockerArchive(path: archive.path, tag: nil)
  }

  @Test func fingerprintsNameTheirAlgorithmAndTell128BitsApart() {
    let a = ContentHashingStream.fingerprint(Self.model)
    #expect(a.hasPrefix("crc64x2:") && a.count == "crc64x2:".count + 32)
    #expect(a == ContentHashingStream.fingerprint(Self.model))
    #expect(a != ContentHashingStream.fingerprint(Self.almost))
    // Both halves change with one bit (two polynomials, not one CRC twice).
    let b = ContentHashingStream.fingerprint(Self.almost)
    #expect(a.dropFirst(8).prefix(16) != b.dropFirst(8).prefix(16))
    #expect(a.suffix(16) != b.suffix(16))
  }

  /// The first half is CRC-64/XZ (ECMA-182, reflected), most significant digit first:
  /// its published check value, so stored fingerprints keep one spelling.
  @Test func theFirstHalfIsTheStandardCRC64() {
    let check = ContentHashingStream.fingerprint(Array("123456789".utf8))
    #expect(check.hasPrefix("crc64x2:995dc9bbdf1939fa"), "\(check)")
  }

  @Test func identicalBigFilesInOtherLayersAreFoundAndSameSizeOthersAreNot() throws {
    let directory = try TemporaryDirectory()
    let (m, scans) = try measure(options(), try archive(in: directory))
    #expect(
      duplicates(m) == [
        "/opt/venv-b/lib/libmodel.so = /opt/venv-a/lib/libmodel.so",
        "/srv/also-almost.so = /opt/other/almost.so",
      ])
    // Every big file fingerprinted, by the CRCs.
    let digests = scans.compactMap { LayerScan($0) }.flatMap(\.contentDigests.values)
    #expect(digests.count == 5)
    #expect(digests.allSatisfy { $0.hasPrefix(ContentHashingStream.algorithm) })
  }

  /// A scan stored before (SHA-256 digests, coverage bit 2), as that version wrote it.
  func legacy(_ record: StoredLayerScan) throws -> StoredLayerScan {
    var scan = try #require(LayerScan(record))
    #expect(scan.coverage.contains(.contentHashes))
    scan.coverage = [.inspected, .legacySHA256ContentHashes]
    scan.contentDigests = scan.contentDigests.mapValues { _ in "sha256:" + String(repeating: "0", count: 64) }
    return try #require(scan.stored(diffID: record.diffID))
  }

  @Test func aScanStoredWithSHA256DigestsIsNotMixedWithFingerprints() throws {
    let directory = try TemporaryDirectory()
    let reference = try archive(in: directory)
    let (first, scans) = try measure(options(), reference)
    let old = try scans.map(legacy)
    // Read back, an old record holds no digests and does not claim them.
    for record in old {
      let scan = try #require(LayerScan(record))
      #expect(scan.contentDigests.isEmpty)
      #expect(!scan.coverage.contains(.contentHashes) && scan.coverage.contains(.inspected))
    }
    // The first layer stored by the old version, the others by this one: the old one
    // is read again, and the duplicates are the fresh run's.
    var mixed = options()
    mixed.knownScans = Dictionary(uniqueKeysWithValues: ([old[0]] + scans.dropFirst()).map { ($0.diffID, $0) })
    let (second, reread) = try measure(mixed, reference)
    #expect(reread.map(\.diffID) == [scans[0].diffID])
    #expect(duplicates(second) == duplicates(first))
    // Old records all equal (fabricated same digests) serve a run without content
    // hashes: their digests are gone, so nothing is made up from them.
    var lean = options()
    lean.contentHashes = false
    lean.knownScans = Dictionary(uniqueKeysWithValues: old.map { ($0.diffID, $0) })
    let (third, nothingNew) = try measure(lean, reference)
    #expect(nothingNew.isEmpty)
    #expect(duplicates(third).isEmpty)
  }
}
