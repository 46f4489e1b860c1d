import ArchiveIO
import CZstd
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
    /// Big files' contents hashed (duplicate content).
    static let contentHashes = Coverage(rawValue: 2)
  }

  static let recordMagic: [UInt8] = Array("SBLS1".utf8)

  /// The record kept in the store, or nil for a scan that verified nothing (headers
  /// only, no digest): such a scan is not worth trusting later.
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
    for entry in entries {
      writer.byte(entry.kind.code)
      writer.number(entry.size)
      writer.string(entry.path)
      writer.optional(entry.symlinkTarget)
    }
    writer.number(Int64(captured.count))
    for (path, bytes) in captured.sorted(by: { $0.key < $1.key }) {
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
      let raw = try? ZstdStream(MemoryStream([UInt8](compressed))).readAll(limit: 1 << 31)
    else { return nil }
    var reader = RecordReader(raw)
    guard reader.bytes(Self.recordMagic.count) == Self.recordMagic, let coverage = reader.byte(),
      let compression = reader.string().flatMap(Compression.init(rawValue:)), let storedBytes = reader.number(),
      let tarBytes = reader.number(), let blobDigest = reader.optional(), let tarDigest = reader.optional(),
      let estimate = reader.number(), let entryCount = reader.count()
    else { return nil }
    self.init()
    self.coverage = Coverage(rawValue: coverage)
    self.compression = compression
    self.storedBytes = storedBytes
    self.tarBytes = tarBytes
    self.blobDigest = blobDigest
    self.tarDigest = tarDigest
    self.estimatedCompressed = estimate > 0 ? estimate - 1 : nil
    entries.reserveCapacity(entryCount)
    for _ in 0..<entryCount {
      guard let kind = reader.byte().flatMap(EntryKind.init(code:)), let size = reader.number(),
        let path = reader.string(), let target = reader.optional()
      else { return nil }
      entries.append(Entry(path: path, size: size, kind: kind, symlinkTarget: target))
    }
    guard let capturedCount = reader.count() else { return nil }
    for _ in 0..<capturedCount {
      guard let path = reader.string(), let length = reader.count(), let bytes = reader.bytes(length) else {
        return nil
      }
      captured[path] = bytes
    }
    guard let strippableCount = reader.count() else { return nil }
    for _ in 0..<strippableCount {
      guard let path = reader.string(), let bytes = reader.number() else { return nil }
      strippable[path] = bytes
    }
    guard let digestCount = reader.count() else { return nil }
    for _ in 0..<digestCount {
      guard let path = reader.string(), let digest = reader.string() else { return nil }
      contentDigests[path] = digest
    }
    guard reader.atEnd, self.tarDigest == record.diffID, self.storedBytes == record.storedBytes else { return nil }
  }
}

extension LayerScan.EntryKind {
  fileprivate var code: UInt8 {
    switch self {
    case .file: 0
    case .directory: 1
    case .link: 2
    case .whiteout: 3
    case .opaque: 4
    }
  }

  fileprivate init?(code: UInt8) {
    switch code {
    case 0: self = .file
    case 1: self = .directory
    case 2: self = .link
    case 3: self = .whiteout
    case 4: self = .opaque
    default: return nil
    }
  }
}

/// Numbers as LEB128 varints, strings and byte runs length-first, compressed (zstd) as
/// they are written: the record of a 300,000-file layer is tens of megabytes, and only
/// its compressed form (a tenth of that) is ever held whole.
private final class RecordWriter {
  private let context: OpaquePointer
  private var pending: [UInt8] = []
  private var chunk = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())
  private var output: [UInt8] = []
  private var failed = false
  private static let flushAt = 64 << 10

  init?() {
    guard let context = ZSTD_createCCtx() else { return nil }
    self.context = context
    ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, 3)
    pending.reserveCapacity(Self.flushAt + 256)
  }

  deinit { ZSTD_freeCCtx(context) }

  func byte(_ value: UInt8) {
    pending.append(value)
    flushIfFull()
  }

  func bytes(_ value: [UInt8]) {
    pending.append(contentsOf: value)
    flushIfFull()
  }

  func number(_ value: Int64) {
    var rest = UInt64(bitPattern: value)
    while rest >= 0x80 {
      pending.append(UInt8(rest & 0x7f) | 0x80)
      rest >>= 7
    }
    pending.append(UInt8(rest))
    flushIfFull()
  }

  func string(_ value: String) {
    number(Int64(value.utf8.count))
    pending.append(contentsOf: value.utf8)
    flushIfFull()
  }

  /// 0 for nil, else 1 and the string.
  func optional(_ value: String?) {
    guard let value else { return byte(0) }
    byte(1)
    string(value)
  }

  /// The compressed record (one zstd frame), or nil if zstd failed.
  func finish() -> [UInt8]? {
    compress(ZSTD_e_end)
    return failed ? nil : output
  }

  private func flushIfFull() {
    if pending.count >= Self.flushAt { compress(ZSTD_e_continue) }
  }

  /// Hands the pending bytes to zstd; at the end, until the frame is complete.
  private func compress(_ mode: ZSTD_EndDirective) {
    guard !failed else { return }
    pending.withUnsafeBytes { source in
      var input = ZSTD_inBuffer(src: source.baseAddress, size: source.count, pos: 0)
      while true {
        let (remaining, written) = chunk.withUnsafeMutableBytes { target in
          var out = ZSTD_outBuffer(dst: target.baseAddress, size: target.count, pos: 0)
          return (ZSTD_compressStream2(context, &out, &input, mode), out.pos)
        }
        guard ZSTD_isError(remaining) == 0 else {
          failed = true
          return
        }
        output.append(contentsOf: chunk[0..<written])
        if mode == ZSTD_e_end ? remaining == 0 : input.pos == input.size { return }
      }
    }
    pending.removeAll(keepingCapacity: true)
  }
}

/// Reads what `RecordWriter` wrote; every read is bounded, nil past the end.
private struct RecordReader {
  let input: [UInt8]
  var offset = 0

  init(_ input: [UInt8]) { self.input = input }

  var atEnd: Bool { offset == input.count }

  mutating func byte() -> UInt8? {
    guard offset < input.count else { return nil }
    defer { offset += 1 }
    return input[offset]
  }

  mutating func bytes(_ count: Int) -> [UInt8]? {
    guard count >= 0, count <= input.count - offset else { return nil }
    defer { offset += count }
    return Array(input[offset..<offset + count])
  }

  mutating func number() -> Int64? {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while shift < 64, let byte = byte() {
      value |= UInt64(byte & 0x7f) << shift
      if byte < 0x80 { return Int64(bitPattern: value) }
      shift += 7
    }
    return nil
  }

  /// A length or a count: never negative, never beyond the bytes left.
  mutating func count() -> Int? {
    guard let value = number(), value >= 0, value <= Int64(input.count - offset) else { return nil }
    return Int(value)
  }

  mutating func string() -> String? {
    guard let length = count(), let bytes = bytes(length) else { return nil }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// `.some(nil)` for an absent string; nil when the record is cut short.
  mutating func optional() -> String?? {
    switch byte() {
    case 0: return .some(nil)
    case 1: return string().map { .some($0) }
    default: return nil
    }
  }
}
