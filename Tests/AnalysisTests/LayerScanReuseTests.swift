import Analysis
import ArchiveIO
import Foundation
import ImageSource
import TestSupport
import Testing

/// Whole layer scans reused by diff id (issue 16): a layer measured before is not
/// read again, and a layer rewritten under its old name cannot pass off the old figures.
@Suite struct LayerScanReuseTests {
  static let status = """
    Package: zlib1g
    Status: install ok installed
    Installed-Size: 160
    Version: 1:1.2.13

    """

  /// A package database (captured), two equal big files (duplicate content), a
  /// whiteout and an uncompressed layer (estimated): every part of a scan.
  static let layers = [
    ImageBuilder.Layer(
      [
        .file("var/lib/dpkg/status", status),
        .file("var/lib/dpkg/info/zlib1g.list", "/usr/lib/x86_64-linux-gnu/libz.so.1\n"),
        .file("usr/lib/x86_64-linux-gnu/libz.so.1", size: 120_000),
        .file("opt/a/big.bin", size: 300_000, fill: 0x42), .file("app/old.py", size: 500),
      ], createdBy: "base"),
    ImageBuilder.Layer(
      [TarBuilder.Entry("app/.wh.old.py"), .file("opt/b/big.bin", size: 300_000, fill: 0x42)],
      createdBy: "copy", compression: .zstd),
    ImageBuilder.Layer([.file("app/main.py", size: 2_000)], createdBy: "app", compression: .none),
  ]

  func options() -> Measurer.Options {
    var options = Measurer.Options(image: "app", commit: String(repeating: "b", count: 40))
    options.keepScans = true
    return options
  }

  func open(_ reference: ImageReference) throws -> OpenedImage {
    guard case .image(let image) = try Measurer(options()).open(reference) else {
      throw ImageSourceError("not an image")
    }
    return image
  }

  /// What a reuse must give back whole; the time and host of a run differ.
  func figures(_ m: ImageMeasurement) -> ImageMeasurement {
    var m = m
    m.measuredAt = ""
    m.host = ""
    return m
  }

  func known(_ scans: [StoredLayerScan]) -> [String: StoredLayerScan] {
    Dictionary(uniqueKeysWithValues: scans.map { ($0.diffID, $0) })
  }

  @Test func aLayerScannedBeforeIsNotReadAgain() throws {
    let directory = try TemporaryDirectory()
    let builder = ImageBuilder(Self.layers)
    try builder.writeOCILayout(to: directory.url)
    let reference = ImageReference.ociLayout(directory: directory.url.path, tag: nil)
    let (first, scans) = try Measurer(options()).measureKeepingScans(try open(reference))
    #expect(scans.count == 3)
    #expect(first.packages.contains { $0.name == "zlib1g" })
    #expect(first.categories.contains { $0.pattern == "duplicate-content" })

    // Every blob overwritten with zeros of its size: a fresh read fails its digests,
    // a reuse does not read them at all (the trust `StoredLayerScan` states).
    for layer in builder.layers {
      let blob = try layer.blob()
      let path = "blobs/sha256/" + SHA256.digest(blob).dropFirst(7)
      try Data(count: blob.count).write(to: directory.url.appendingPathComponent(path))
    }
    #expect(throws: (any Error).self) { try Measurer(options()).measure(try open(reference)) }
    var reusing = options()
    reusing.knownScans = known(scans)
    let (second, nothingNew) = try Measurer(reusing).measureKeepingScans(try open(reference))
    #expect(nothingNew.isEmpty)
    #expect(figures(second) == figures(first))
  }

  @Test func aChangedLayerUnderAReusedDigestIsReadAndRefused() throws {
    let directory = try TemporaryDirectory()
    let archive = directory.url.appendingPathComponent("image.tar")
    try Data(try ImageBuilder(Self.layers).dockerArchive()).write(to: archive)
    let reference = ImageReference.dockerArchive(path: archive.path, tag: nil)
    let (_, scans) = try Measurer(options()).measureKeepingScans(try open(reference))

    // The same config (same diff ids), but the last layer's tar has another file.
    var changed = ImageBuilder(Self.layers)
    changed.layers[2].blobOverride = TarBuilder([.file("app/main.py", size: 2_000), .file("app/x.py", size: 9)])
      .bytes()
    try Data(try changed.dockerArchive()).write(to: archive)
    var reusing = options()
    reusing.knownScans = known(scans)
    let error = #expect(throws: (any Error).self) { try Measurer(reusing).measure(try open(reference)) }
    #expect("\(error!)".contains("diff_id mismatch"))
  }

  @Test func anUnreadableRecordMeansTheLayerIsRead() throws {
    let directory = try TemporaryDirectory()
    try ImageBuilder(Self.layers).writeOCILayout(to: directory.url)
    let reference = ImageReference.ociLayout(directory: directory.url.path, tag: nil)
    let (first, scans) = try Measurer(options()).measureKeepingScans(try open(reference))
    var reusing = options()
    reusing.knownScans = known(
      scans.map { StoredLayerScan(diffID: $0.diffID, storedBytes: $0.storedBytes, encoded: "AAAA" + $0.encoded) })
    let (second, reread) = try Measurer(reusing).measureKeepingScans(try open(reference))
    #expect(reread.count == 3)
    #expect(figures(second) == figures(first))
  }

  @Test func aScanMadeWithLessIsNotReusedForMore() throws {
    let directory = try TemporaryDirectory()
    let archive = directory.url.appendingPathComponent("image.tar")
    try Data(try ImageBuilder(Self.layers).dockerArchive()).write(to: archive)
    let reference = ImageReference.dockerArchive(path: archive.path, tag: nil)
    var lean = options()
    lean.contentHashes = false
    let (_, scans) = try Measurer(lean).measureKeepingScans(try open(reference))
    var reusing = options()
    reusing.knownScans = known(scans)
    let (full, reread) = try Measurer(reusing).measureKeepingScans(try open(reference))
    #expect(reread.count == 3, "no duplicate-content hashes: every layer is read again")
    #expect(full.categories.contains { $0.pattern == "duplicate-content" })
    #expect(full.layers[2].compressedEstimated)
    // Made with everything, the scans serve a run that asks for less.
    var estimating = options()
    estimating.knownScans = known(reread)
    estimating.contentHashes = false
    let (_, nothingNew) = try Measurer(estimating).measureKeepingScans(try open(reference))
    #expect(nothingNew.isEmpty)
  }

  /// An estimate recorded for a diff id serves only a layer of the tar size it was
  /// made of, as a reused scan must have: a config that names another layer's diff id
  /// gets no figure made of other bytes.
  @Test func aKnownEstimateServesOnlyATarOfItsSize() throws {
    let directory = try TemporaryDirectory()
    let archive = directory.url.appendingPathComponent("image.tar")
    try Data(try ImageBuilder(Self.layers).dockerArchive()).write(to: archive)
    let reference = ImageReference.dockerArchive(path: archive.path, tag: nil)
    let read = try Measurer(options()).measure(try open(reference))
    let layer = read.layers[2]
    #expect(layer.compressedEstimated)
    var knowing = options()
    knowing.estimateCompressed = false  // --no-estimate: a known estimate is the only figure
    knowing.knownEstimates = [layer.diffID!: KnownEstimate(compressedBytes: 777, tarBytes: layer.uncompressedBytes)]
    #expect(try Measurer(knowing).measure(try open(reference)).layers[2].compressedBytes == 777)
    knowing.knownEstimates = [
      layer.diffID!: KnownEstimate(compressedBytes: 777, tarBytes: layer.uncompressedBytes + 512)
    ]
    let error = #expect(throws: (any Error).self) { try Measurer(knowing).measure(try open(reference)) }
    #expect("\(error!)".contains("was made of a tar of"), "\(error!)")
    // Estimating, the layer gets an estimate of its own instead.
    knowing.estimateCompressed = true
    let estimated = try Measurer(knowing).measure(try open(reference)).layers[2]
    #expect(estimated.compressedEstimated)
    #expect(estimated.compressedBytes == layer.compressedBytes)
  }

  /// `--no-verify` hashes no layer: compressed ones are measured as their bytes are,
  /// under the digests the manifest and config name, and their scans are not kept
  /// (nothing verified them); a stream corrupt in itself is still refused by its
  /// decompressor.
  @Test func anUnverifiedReadTrustsTheNamedDigestsAndKeepsNoScan() throws {
    var unverified = options()
    unverified.verify = false
    let directory = try TemporaryDirectory()
    var builder = ImageBuilder(Self.layers)
    try builder.writeOCILayout(to: directory.url)
    let reference = ImageReference.ociLayout(directory: directory.url.path, tag: nil)
    let (verified, keptVerified) = try Measurer(options()).measureKeepingScans(try open(reference))
    let (trusted, kept) = try Measurer(unverified).measureKeepingScans(try open(reference))
    #expect(keptVerified.count == 3)
    #expect(kept.isEmpty)
    #expect(figures(trusted) == figures(verified))
    #expect(trusted.categories.contains { $0.pattern == "duplicate-content" }, "compressed bytes all pass")

    // The zstd layer's blob replaced by another tar's, under its own digest: the
    // config still names the old tar's diff id.
    let other = TarBuilder([.file("opt/b/big.bin", size: 400_000, fill: 0x42)]).bytes()
    builder.layers[1].blobOverride = try Compressor.zstd(other)
    let changed = try TemporaryDirectory()
    try builder.writeOCILayout(to: changed.url)
    let changedReference = ImageReference.ociLayout(directory: changed.url.path, tag: nil)
    let error = #expect(throws: (any Error).self) { try Measurer(options()).measure(try open(changedReference)) }
    #expect("\(error!)".contains("diff_id mismatch"))
    let (taken, keptNone) = try Measurer(unverified).measureKeepingScans(try open(changedReference))
    #expect(keptNone.isEmpty)
    #expect(taken.layers[1].uncompressedBytes == Int64(other.count))
    #expect(taken.layers[1].diffID == SHA256.digest(Self.layers[1].tar))

    // The same tar, padded to the genuine blob's size, written over it: the
    // manifest's digest is wrong too.
    let genuine = try Self.layers[1].blob()
    let padded = try #require(try Compressor.zstd(other, paddedTo: genuine.count))
    try Data(padded).write(
      to: directory.url.appendingPathComponent("blobs/sha256/" + SHA256.digest(genuine).dropFirst(7)))
    let replaced = #expect(throws: (any Error).self) { try Measurer(options()).measure(try open(reference)) }
    #expect("\(replaced!)".contains("digest mismatch"))
    #expect(try Measurer(unverified).measure(try open(reference)).layers[1].uncompressedBytes == Int64(other.count))

    // A gzip blob whose CRC-32 (its trailer's first 4 bytes) is wrong: only the
    // inflater's own check can tell.
    var gzip = try Compressor.gzip(Self.layers[0].tar)
    gzip[gzip.count - 8] ^= 0xFF
    builder.layers[1].blobOverride = nil
    builder.layers[0].blobOverride = gzip
    let corrupt = try TemporaryDirectory()
    try builder.writeOCILayout(to: corrupt.url)
    let corruptReference = ImageReference.ociLayout(directory: corrupt.url.path, tag: nil)
    let refused = #expect(throws: (any Error).self) { try Measurer(unverified).measure(try open(corruptReference)) }
    #expect("\(refused!)".contains("incorrect data check"))
  }
}
