import ArchiveIO
import Foundation
import TestSupport
import Testing

/// Every kind of broken image: a clear message naming the file and the problem,
/// exit status 2, nothing written to the store, and no hang.
@Suite struct MeasureBadInputTests {
  static let goodLayer = ImageBuilder.Layer([.file("app/main.py", size: 4000)])

  struct Case {
    var name: String
    var source: (URL) throws -> String
    var message: String
  }

  /// Runs `measure` on a broken source; checks exit 2, the message, an untouched store.
  func expectRefusal(_ source: (URL) throws -> String, mentions expected: [String]) throws {
    let repo = try GitRepository()
    try repo.commit("first")
    let started = Date()
    let result = try CLI.run(["measure", try source(repo.url), "--image", "app"], in: repo.url, timeout: 120)
    #expect(result.status == 2, "exit \(result.status): \(result.stderr)")
    for phrase in expected {
      #expect(result.stderr.contains(phrase), "\(result.stderr) should mention \(phrase)")
    }
    #expect(!result.stderr.contains("Fatal error"), "\(result.stderr)")
    #expect(Date().timeIntervalSince(started) < 60)
    let store = repo.url.appendingPathComponent(".git/sizebudget.sqlite").path
    if FileManager.default.fileExists(atPath: store) {
      let rows = try Compressor.pipe(["sqlite3", store, "SELECT count(*) FROM measurements"], [])
      #expect(String(decoding: rows, as: UTF8.self) == "0\n")
    }
  }

  func write(_ bytes: [UInt8], _ name: String, in directory: URL) throws -> String {
    let file = directory.appendingPathComponent(name)
    try Data(bytes).write(to: file)
    return file.path
  }

  /// Credentials in a registry reference would land in the measurement's source, the
  /// store and the notes: refused before any connection, without repeating them.
  @Test func credentialsInADockerReferenceAreRefused() throws {
    for reference in [
      "docker://robot:hunter2@127.0.0.1:9/app:1", "docker://robot@127.0.0.1:9/app:1",
      "docker://robot:hun/ter2@127.0.0.1:9/app:1",
    ] {
      let repo = try GitRepository()
      try repo.commit("first")
      let result = try CLI.run(["measure", reference, "--image", "app"], in: repo.url)
      #expect(result.status == 2, "\(reference): \(result.stderr)")
      #expect(result.stderr.contains("must not carry a user or password"), "\(result.stderr)")
      #expect(result.stderr.contains("SIZEBUDGET_REGISTRY_USER"), "\(result.stderr)")
      #expect(
        !result.stderr.contains("hunter2") && !result.stderr.contains("ter2@") && !result.stderr.contains("robot"))
    }
    try expectRefusal({ _ in "docker://u:p@127.0.0.1:9/app:1" }, mentions: ["docker://***@127.0.0.1:9/app:1"])
  }

  @Test func aMissingFile() throws {
    try expectRefusal({ _ in "docker-archive:/nonexistent/api.tar" }, mentions: ["cannot open /nonexistent/api.tar"])
  }

  @Test func aTruncatedArchive() throws {
    let archive = try ImageBuilder([Self.goodLayer, ImageBuilder.Layer([.file("big", size: 200_000)])]).dockerArchive()
    try expectRefusal(
      { try "docker-archive:" + write(Array(archive.prefix(archive.count / 2)), "api.tar", in: $0) },
      mentions: ["api.tar", "truncated"])
  }

  @Test func notATarAtAll() throws {
    try expectRefusal(
      { try "docker-archive:" + write(Array(repeating: 0x41, count: 4096), "api.tar", in: $0) },
      mentions: ["api.tar", "not a readable tar archive", "checksum"])
  }

  @Test func aCorruptGzipStream() throws {
    var layer = Self.goodLayer
    var gzip = try layer.blob()
    for index in stride(from: 20, to: gzip.count - 8, by: 7) { gzip[index] ^= 0x5A }
    layer.blobOverride = gzip
    try expectRefusal(
      { directory in
        try ImageBuilder([layer]).writeOCILayout(to: directory.appendingPathComponent("img"))
        return "oci:" + directory.appendingPathComponent("img").path
      }, mentions: ["layer 0", "gzip stream is corrupt"])
  }

  @Test func aCorruptZstdStream() throws {
    var layer = ImageBuilder.Layer([.file("app/main.py", size: 40_000)], compression: .zstd)
    var zstd = try layer.blob()
    for index in stride(from: 12, to: zstd.count - 4, by: 5) { zstd[index] ^= 0xA5 }
    layer.blobOverride = zstd
    try expectRefusal(
      { directory in
        try ImageBuilder([layer]).writeOCILayout(to: directory.appendingPathComponent("img"))
        return "oci:" + directory.appendingPathComponent("img").path
      }, mentions: ["layer 0", "zstd stream is corrupt"])
  }

  @Test func aManifestThatNamesAMissingBlob() throws {
    try expectRefusal(
      { directory in
        let image = directory.appendingPathComponent("img")
        let builder = ImageBuilder([Self.goodLayer])
        try builder.writeOCILayout(to: image)
        let blob = try SHA256.digest(Self.goodLayer.blob()).dropFirst(7)
        try FileManager.default.removeItem(at: image.appendingPathComponent("blobs/sha256/\(blob)"))
        return "oci:" + image.path
      }, mentions: ["layer 0", "is missing from the layout"])
  }

  @Test func aDigestThatDoesNotMatch() throws {
    try expectRefusal(
      { directory in
        let image = directory.appendingPathComponent("img")
        let layer = ImageBuilder.Layer([.file("app/main.py", "print('hello')\n")], compression: .none)
        try ImageBuilder([layer]).writeOCILayout(to: image)
        // Same size, one byte of content changed: a valid tar whose digest is wrong.
        let path = image.appendingPathComponent("blobs/sha256/\(SHA256.digest(layer.tar).dropFirst(7))")
        var bytes = try [UInt8](Data(contentsOf: path))
        bytes[512] = UInt8(ascii: "P")
        try Data(bytes).write(to: path)
        return "oci:" + image.path
      }, mentions: ["layer 0", "digest mismatch"])
  }

  /// `--no-verify` on a zstd layer: a genuine image is measured without keeping a
  /// layer scan (a verified run keeps one); a blob replaced by another valid stream is
  /// refused for its digest, or measured as it is when trusted.
  @Test func aReplacedCompressedLayerIsMeasuredOnlyWhenTrusted() throws {
    let repo = try GitRepository()
    try repo.commit("first")
    let layer = ImageBuilder.Layer(
      [.file("app/main.py", size: 1_000), .file("app/util.py", size: 2_000), .file("app/data.bin", size: 5_000)],
      compression: .zstd)
    let image = repo.url.appendingPathComponent("img")
    try ImageBuilder([layer]).writeOCILayout(to: image)
    let store = repo.url.appendingPathComponent(".git/sizebudget.sqlite").path
    func count(_ table: String) throws -> String {
      String(decoding: try Compressor.pipe(["sqlite3", store, "SELECT count(*) FROM \(table)"], []), as: UTF8.self)
    }
    let genuineTrusted = try CLI.run(["measure", "oci:img", "--image", "app", "--no-verify"], in: repo.url)
    #expect(genuineTrusted.status == 0, "\(genuineTrusted.stderr)")
    #expect(try count("layer_scans") == "0\n")
    let genuineVerified = try CLI.run(["measure", "oci:img", "--image", "app"], in: repo.url)
    #expect(genuineVerified.status == 0, "\(genuineVerified.stderr)")
    #expect(try count("layer_scans") == "1\n")

    // Another stream of the blob's size (the manifest's size check passes).
    let other = TarBuilder([.file("app/extra.bin", size: 70_000, fill: 0x42)]).bytes()
    let genuine = try layer.blob()
    let padded = try #require(try Compressor.zstd(other, paddedTo: genuine.count))
    try Data(padded).write(to: image.appendingPathComponent("blobs/sha256/\(SHA256.digest(genuine).dropFirst(7))"))
    try Compressor.pipe(["sqlite3", store, "DELETE FROM layer_scans"], [])  // else the verified scan is reused
    let verified = try CLI.run(["measure", "oci:img", "--image", "app"], in: repo.url)
    #expect(verified.status == 2, "\(verified.stdout)")
    #expect(verified.stderr.contains("digest mismatch"), "\(verified.stderr)")
    let trusted = try CLI.run(
      ["measure", "oci:img", "--image", "app", "--no-verify", "--format", "json"], in: repo.url)
    #expect(trusted.status == 0, "\(trusted.stderr)")
    let object = try JSONSerialization.jsonObject(with: Data(trusted.stdout.utf8)) as? [String: Any]
    let measurement = object?["measurement"] as? [String: Any] ?? object ?? [:]
    #expect(measurement["uncompressed_bytes"] as? Int == other.count, "\(trusted.stdout)")
    #expect(try count("measurements") == "1\n", "the same commit and image: replaced")
    #expect(try count("layer_scans") == "0\n")
  }

  @Test func aTarWithANegativeSize() throws {
    var negative = [UInt8](repeating: 0xFF, count: 12)
    negative[0] = 0xFF
    let layer = ImageBuilder.Layer([TarBuilder.Entry("app/x", [], sizeField: negative)])
    try expectRefusal(
      { try "docker-archive:" + write(ImageBuilder([layer]).dockerArchive(), "api.tar", in: $0) },
      mentions: ["api.tar", "layer 0", "negative size"])
  }

  @Test func aTarWithAnAbsurdSize() throws {
    var huge = [UInt8](repeating: 0, count: 12)
    huge[0] = 0x80
    huge[3] = 0x7F
    let layer = ImageBuilder.Layer([TarBuilder.Entry("app/x", [], sizeField: huge)])
    try expectRefusal(
      { try "docker-archive:" + write(ImageBuilder([layer]).dockerArchive(), "api.tar", in: $0) },
      mentions: ["api.tar", "layer 0", "absurd size"])
  }

  /// Issue 13 item 10: a PAX record whose length is shorter than its own text once
  /// trapped (exit 132); now exit 2 with the layer named.
  @Test func aPAXHeaderWithABadRecordLength() throws {
    let layer = ImageBuilder.Layer(
      [TarBuilder.Entry("pax", Array("1 x".utf8), type: UInt8(ascii: "x")), .file("app/x", "x")], compression: .none)
    try expectRefusal(
      { try "docker-archive:" + write(ImageBuilder([layer]).dockerArchive(), "api.tar", in: $0) },
      mentions: ["api.tar", "layer 0", "PAX extended header is malformed"])
  }

  @Test func aPathTraversalName() throws {
    let layer = ImageBuilder.Layer([.file("../../etc/cron.d/evil", "* * * * * root sh\n")])
    try expectRefusal(
      { directory in
        try ImageBuilder([layer]).writeOCILayout(to: directory.appendingPathComponent("img"))
        return "oci:" + directory.appendingPathComponent("img").path
      }, mentions: ["layer 0", "path-traversal"])
  }

  @Test func aGzipBomb() throws {
    // 32 gzip members of 64 MiB of zeros each: 2 GiB from about 2 MB.
    let member = try Compressor.gzip([UInt8](repeating: 0, count: 64 << 20))
    var bomb: [UInt8] = []
    for _ in 0..<32 { bomb += member }
    var layer = Self.goodLayer
    layer.blobOverride = bomb
    try expectRefusal(
      { directory in
        try ImageBuilder([layer]).writeOCILayout(to: directory.appendingPathComponent("img"))
        return "oci:" + directory.appendingPathComponent("img").path
      }, mentions: ["layer 0", "decompression bomb"])
  }

  @Test func anOCIArchiveGivenAsADockerArchive() throws {
    try expectRefusal(
      { try "docker-archive:" + write(ImageBuilder([Self.goodLayer]).ociArchive(), "api.tar", in: $0) },
      mentions: ["api.tar has no manifest.json", "measure oci-archive:"])
  }

  @Test func anUnknownTransport() throws {
    try expectRefusal({ _ in "tarball:api.tar" }, mentions: ["unknown transport \"tarball:\""])
  }
}
