import ArchiveIO
import Foundation

/// A layer's whole scan kept between runs, so that a layer measured before (a base
/// image's, in CI) is not read again: its entries, package databases, ELF and
/// duplicate-content findings, sizes, digests and estimate.
///
/// What is trusted when a scan is reused: the layer is named by its diff id (the
/// config's, whose digest is the image's) and, where the manifest names one, by its
/// blob digest; its bytes are not read, so not re-hashed. The stored blob must have
/// the size the scan was made from, so a layer rewritten under the same name with
/// other content of another size is read (and fails its digest check) instead of
/// passing off the old figures. Content-addressed stores (OCI layouts, registries)
/// keep a blob's bytes under its digest; a same-size rewrite of a docker-archive's
/// tar under the same diff id is the one change this does not see.
public struct StoredLayerScan: Sendable, Equatable {
  public var diffID: String
  /// The size of the blob as stored (compressed, or the tar itself): part of the key.
  public var storedBytes: Int64
  /// The scan, encoded (zstd-compressed, base64: a store column is text).
  public var encoded: String

  public init(diffID: String, storedBytes: Int64, encoded: String) {
    self.diffID = diffID
    self.storedBytes = storedBytes
    self.encoded = encoded
  }
}

extension LayerScan {
  /// What the scan holds beyond entries and sizes, so a reuse never hands back less
  /// than a fresh scan would.
  struct Coverage: OptionSet, Sendable {
    let rawValue: UInt8
    /// Package databases captured and ELF files inspected.
    static let inspected = Coverage(rawValue: 1)
    /// Big files' contents fingerprinted (duplicate content), as `ContentHashingStream`
    /// does: `crc64x2:` fingerprints.
    static let contentHashes = Coverage(rawValue: 4)
    /// Big files' contents hashed with SHA-256, as scans stored before the CRC
    /// fingerprints were. Such a record's `sha256:` digests are dropped when it is read
    /// (it serves a run that needs no content hashes, and is read again for one that
    /// does), so the two kinds never meet in one measurement. Bits like it are never
    /// written again; a binary from before reads this one's records as made without
    /// content hashes (it reads the layer again when it wants them).
    static let legacySHA256ContentHashes = Coverage(rawValue: 2)
  }

  /// Version 2: the entries are one nested frame, as `LayerEntries` keeps them (version
  /// 1 records are not read: their layers are read once more and stored anew).
  static let recordMagic: [UInt8] = Array("SBLS2".utf8)

  /// The record kept in the store, or nil for a scan whose tar was not hashed (headers
  /// only, or read through under `--no-verify`): nothing ties it to the diff id it
  /// would be stored under, so it is not trusted later.
  func stored(diffID: String) -> StoredLayerScan? {
    guard tarDigest == diffID else { return nil }
    guard let writer = RecordWriter() else { return nil }
    writer.bytes(Self.recordMagic)
    writer.byte(coverage.rawValue)
    writer.string(compression.rawValue)
    writer.number(storedBytes)
    writer.number(tarBytes)
    writer.optional(blobDigest)
    writer.optional(tarDigest)
    writer.number(estimatedCompressed.map { $0 + 1 } ?? 0)
    writer.number(Int64(entries.count))
    writer.number(Int64(entries.fileCount))
    writer.number(Int64(entries.compressed.count))
    writer.bytes(entries.compressed)
    writer.number(Int64(captured.count))
    for path in captured.paths {
      guard let bytes = captured[path] else { return nil }
      writer.string(path)
      writer.number(Int64(bytes.count))
      writer.bytes(bytes)
    }
    writer.number(Int64(strippable.count))
    for (path, bytes) in strippable.sorted(by: { $0.key < $1.key }) {
      writer.string(path)
      writer.number(bytes)
    }
    writer.number(Int64(contentDigests.count))
    for (path, digest) in contentDigests.sorted(by: { $0.key < $1.key }) {
      writer.string(path)
      writer.string(digest)
    }
    guard let compressed = writer.finish() else { return nil }
    return StoredLayerScan(
      diffID: diffID, storedBytes: storedBytes, encoded: Data(compressed).base64EncodedString())
  }

  /// The scan a record holds, or nil when it is unreadable (then the layer is read).
  init?(_ record: StoredLayerScan) {
    guard let compressed = Data(base64Encoded: record.encoded),
      let reader = RecordReader(compressed: [UInt8](compressed))
    else { return nil }
    guard reader.bytes(Self.recordMagic.count) == Self.recordMagic, let coverage = reader.byte(),
      let compression = reader.string().flatMap(Compression.init(rawValue:)), let storedBytes = reader.number(),
      let tarBytes = reader.number(), let blobDigest = reader.optional(), let tarDigest = reader.optional(),
      let estimate = reader.number(), let entryCount = reader.count(), let fileCount = reader.count(),
      let entriesLength = reader.count(), let entryBytes = reader.bytes(entriesLength),
      let entries = LayerEntries(count: entryCount, fileCount: fileCount, compressed: entryBytes)
    else { return nil }
    self.init()
    self.coverage = Coverage(rawValue: coverage).intersection([.inspected, .contentHashes])
    self.compression = compression
    self.storedBytes = storedBytes
    self.tarBytes = tarBytes
    self.blobDigest = blobDigest
    self.tarDigest = tarDigest
    self.estimatedCompressed = estimate > 0 ? estimate - 1 : nil
    self.entries = entries
    guard let capturedCount = reader.count() else { return nil }
    for _ in 0..<capturedCount {
      guard let path = reader.string(), let length = reader.count(), let bytes = reader.bytes(length),
        (try? captured.add(path, bytes)) != nil
      else { return nil }
    }
    guard let strippableCount = reader.count() else { return nil }
    for _ in 0..<strippableCount {
      guard let path = reader.string(), let bytes = reader.number() else { return nil }
      strippable[path] = bytes
    }
    guard let digestCount = reader.count() else { return nil }
    for _ in 0..<digestCount {
      guard let path = reader.string(), let digest = reader.string() else { return nil }
      // Only this version's fingerprints (an older record's SHA-256 digests are left out
      // with its coverage bit, above).
      if self.coverage.contains(.contentHashes) && digest.hasPrefix(ContentHashingStream.algorithm) {
        contentDigests[path] = digest
      }
    }
    guard reader.atEnd, self.tarDigest == record.diffID, self.storedBytes == record.storedBytes else { return nil }
  }
}
