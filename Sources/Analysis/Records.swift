import ArchiveIO
import CZstd

/// Numbers as LEB128 varints, strings and byte runs length-first, compressed (zstd) as
/// they are written: a 300,000-file layer's entries are tens of megabytes as strings,
/// and only their compressed form (a few bytes per file) is ever held whole.
final class RecordWriter {
  private let context: OpaquePointer
  private var pending: [UInt8] = []
  private var chunk = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())
  private var output: [UInt8] = []
  private var failed = false
  private static let flushAt = 64 << 10

  init?(level: Int32 = 3) {
    guard let context = ZSTD_createCCtx() else { return nil }
    self.context = context
    ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
    // A 128 KiB window, not level 3's 2 MiB: records repeat paths close together, and
    // the context of each scan in flight shrank from 3.7 MB to 1.7 (issue 16:
    // peak memory).
    ZSTD_CCtx_setParameter(context, ZSTD_c_windowLog, 17)
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

  func bytes(_ value: UnsafeRawBufferPointer) {
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

/// Reads what `RecordWriter` wrote, decompressing as it goes (the whole record is
/// never held uncompressed). Every read is bounded: nil past the end or on corrupt
/// input, never a trap, and a crafted length allocates only as far as bytes arrive.
final class RecordReader {
  private let stream: ByteStream
  private var buffer = [UInt8](repeating: 0, count: 64 << 10)
  private var position = 0
  private var filled = 0
  private var failed = false

  /// Records are ours, but may come from a store another version wrote: allow the
  /// expansion text compresses to, not unbounded.
  static let expansion = ExpansionLimit(ratio: 1000, allowance: 1 << 31)

  init?(compressed: [UInt8]) {
    guard let stream = try? ZstdStream(MemoryStream(compressed), limit: Self.expansion) else { return nil }
    self.stream = stream
  }

  /// True at the end of the record (and nothing went wrong on the way).
  var atEnd: Bool { refill() == false && !failed }

  /// Whether bytes are available (reads more when the buffer is spent).
  private func refill() -> Bool {
    if position < filled { return true }
    guard !failed else { return false }
    do {
      filled = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
    } catch {
      failed = true
      filled = 0
    }
    position = 0
    return filled > 0
  }

  func byte() -> UInt8? {
    guard refill() else { return nil }
    defer { position += 1 }
    return buffer[position]
  }

  func bytes(_ count: Int) -> [UInt8]? {
    guard count >= 0 else { return nil }
    var result: [UInt8] = []
    result.reserveCapacity(min(count, 1 << 20))
    while result.count < count {
      guard refill() else { return nil }
      let take = min(count - result.count, filled - position)
      result.append(contentsOf: buffer[position..<position + take])
      position += take
    }
    return result
  }

  func number() -> Int64? {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while shift < 64, let byte = byte() {
      value |= UInt64(byte & 0x7f) << shift
      if byte < 0x80 { return Int64(bitPattern: value) }
      shift += 7
    }
    return nil
  }

  /// A length or a count: never negative, at most 2^31.
  func count() -> Int? {
    guard let value = number(), value >= 0, value <= 1 << 31 else { return nil }
    return Int(value)
  }

  func string() -> String? {
    guard let length = count(), let bytes = bytes(length) else { return nil }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// `.some(nil)` for an absent string; nil when the record is cut short.
  func optional() -> String?? {
    switch byte() {
    case 0: return .some(nil)
    case 1: return string().map { .some($0) }
    default: return nil
    }
  }
}
