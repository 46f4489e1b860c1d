import CInflate
import CZstd

/// How a layer's bytes are stored, told by their first bytes (media types lie more
/// often than magic numbers do).
public enum Compression: String, Sendable, Codable {
  case none, gzip, zstd

  public static func detect(_ prefix: some Collection<UInt8>) -> Compression {
    let bytes = Array(prefix.prefix(4))
    if bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B { return .gzip }
    if bytes.count >= 4 && bytes == [0x28, 0xB5, 0x2F, 0xFD] { return .zstd }
    return .none
  }
}

/// Decompression bombs: a small blob that expands without end. Past a fixed
/// allowance, output may reach `ratio` times the compressed input; real layers stay
/// far below (the fixture's worst layer expands 3.2 times), while gzip of zeros
/// expands about 1,000 times and zstd far more.
public struct ExpansionLimit: Sendable {
  public var ratio: Int64
  public var allowance: Int64

  public static let standard = ExpansionLimit(ratio: 100, allowance: 1 << 30)

  public init(ratio: Int64, allowance: Int64) {
    self.ratio = ratio
    self.allowance = allowance
  }

  func check(output: Int64, input: Int64) throws {
    // A ratio as large as SIZEBUDGET_MAX_EXPANSION allows must not overflow.
    let (bound, overflow) = input.multipliedReportingOverflow(by: ratio)
    if output > allowance && !overflow && output > bound {
      let raised = ratio.multipliedReportingOverflow(by: 10)
      throw ArchiveError(
        "expands to more than \(ratio) times its compressed size (\(output) bytes from \(input)): "
          + "a decompression bomb or a corrupt stream (if the layer is genuine, raise the limit with "
          + "SIZEBUDGET_MAX_EXPANSION=\(raised.overflow ? Int64.max : raised.partialValue))")
    }
  }
}

/// A gzip stream (several members allowed, as pigz and some registries write them)
/// decompressed as it is read, by ISA-L's igzip: inflate is the floor of reading a
/// gzip layer, and igzip does it 3-4 times faster than zlib on x86-64 (issue 16).
public final class GzipStream: ByteStream {
  private let base: ByteStream
  private let inflater: OpaquePointer
  private let input: UnsafeMutableRawBufferPointer
  /// The unread part of `input`.
  private var pending: UnsafeRawBufferPointer
  private var finished = false
  private let limit: ExpansionLimit
  public private(set) var compressedBytes: Int64 = 0
  public private(set) var uncompressedBytes: Int64 = 0

  public init(_ base: ByteStream, limit: ExpansionLimit = .standard) throws {
    guard let inflater = sizebudget_inflater_new() else { throw ArchiveError("cannot start gzip decompression") }
    self.base = base
    self.limit = limit
    self.inflater = inflater
    input = .allocate(byteCount: streamChunkSize, alignment: 16)
    pending = UnsafeRawBufferPointer(start: input.baseAddress, count: 0)
  }

  deinit {
    sizebudget_inflater_free(inflater)
    input.deallocate()
  }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    guard !finished, buffer.count > 0 else { return 0 }
    var next: UnsafeMutablePointer<UInt8>? = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
    var room = buffer.count
    while room > 0 {
      if pending.isEmpty {
        guard try refill() else {
          if room < buffer.count { break }
          throw ArchiveError("the gzip stream is truncated: it ends before its last block")
        }
      }
      var from: UnsafePointer<UInt8>? = pending.baseAddress!.assumingMemoryBound(to: UInt8.self)
      var available = pending.count
      let status = sizebudget_inflate(inflater, &from, &available, &next, &room)
      pending = UnsafeRawBufferPointer(start: from, count: available)
      if status < 0 {
        throw ArchiveError("the gzip stream is corrupt (\(String(cString: sizebudget_inflate_error(status))))")
      }
      if status == 1 {
        if try !startNextMember() {
          finished = true
          break
        }
      }
    }
    let count = buffer.count - room
    uncompressedBytes += Int64(count)
    try limit.check(output: uncompressedBytes, input: compressedBytes)
    return count
  }

  /// Reads the next compressed bytes; false at the end of the base stream.
  private func refill() throws -> Bool {
    let got = try base.read(into: input)
    compressedBytes += Int64(got)
    pending = UnsafeRawBufferPointer(start: input.baseAddress, count: got)
    return got > 0
  }

  /// After one member ends, another may follow; trailing zero bytes are tolerated.
  private func startNextMember() throws -> Bool {
    while true {
      if pending.isEmpty, try !refill() { return false }
      if pending[0] == 0 {
        // Padding after the last member: only zeros may follow.
        guard pending.allSatisfy({ $0 == 0 }) else {
          throw ArchiveError("unexpected bytes after the end of the gzip stream")
        }
        pending = UnsafeRawBufferPointer(start: pending.baseAddress! + pending.count, count: 0)
        continue
      }
      sizebudget_inflater_next_member(inflater)
      return true
    }
  }

  public func skip(_ count: Int64) throws { try discard(count) }
}

/// A zstd stream decompressed as it is read.
public final class ZstdStream: ByteStream {
  private let base: ByteStream
  private let context: OpaquePointer
  private let input: UnsafeMutableRawBufferPointer
  private var inBuffer = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
  private var sawEnd = true
  private var atEOF = false
  private let limit: ExpansionLimit
  public private(set) var compressedBytes: Int64 = 0
  public private(set) var uncompressedBytes: Int64 = 0

  public init(_ base: ByteStream, limit: ExpansionLimit = .standard) throws {
    self.base = base
    self.limit = limit
    guard let context = ZSTD_createDStream() else { throw ArchiveError("cannot start zstd decompression") }
    self.context = context
    ZSTD_initDStream(context)
    input = .allocate(byteCount: streamChunkSize, alignment: 16)
    inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: 0, pos: 0)
  }

  deinit {
    ZSTD_freeDStream(context)
    input.deallocate()
  }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    var output = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
    while output.pos < output.size {
      if inBuffer.pos == inBuffer.size {
        if atEOF { break }
        let got = try base.read(into: input)
        if got == 0 {
          atEOF = true
          if !sawEnd { throw ArchiveError("the zstd stream is truncated: it ends inside a frame") }
          break
        }
        compressedBytes += Int64(got)
        inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: got, pos: 0)
      }
      let hint = ZSTD_decompressStream(context, &output, &inBuffer)
      if ZSTD_isError(hint) != 0 {
        throw ArchiveError("the zstd stream is corrupt (\(String(cString: ZSTD_getErrorName(hint))))")
      }
      sawEnd = hint == 0
    }
    uncompressedBytes += Int64(output.pos)
    try limit.check(output: uncompressedBytes, input: compressedBytes)
    return output.pos
  }

  public func skip(_ count: Int64) throws { try discard(count) }
}

/// Opens the right decompressor for `compression` over `base`.
public func decompressing(_ base: ByteStream, _ compression: Compression, limit: ExpansionLimit = .standard) throws
  -> ByteStream
{
  switch compression {
  case .none: base
  case .gzip: try GzipStream(base, limit: limit)
  case .zstd: try ZstdStream(base, limit: limit)
  }
}

/// A stream that gives back bytes it has already read for a look at its start
/// (to tell gzip from zstd from tar) before handing it on.
public final class PeekableStream: ByteStream {
  private let base: ByteStream
  private var pending: [UInt8] = []

  public init(_ base: ByteStream) { self.base = base }

  /// Up to `count` bytes from the start, without consuming them.
  public func peek(_ count: Int) throws -> [UInt8] {
    while pending.count < count {
      var chunk = [UInt8](repeating: 0, count: count - pending.count)
      let got = try chunk.withUnsafeMutableBytes { try base.read(into: $0) }
      if got == 0 { break }
      pending.append(contentsOf: chunk[0..<got])
    }
    return Array(pending.prefix(count))
  }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    if !pending.isEmpty {
      let count = min(buffer.count, pending.count)
      pending.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: count) }
      pending.removeFirst(count)
      return count
    }
    return try base.read(into: buffer)
  }

  public func skip(_ count: Int64) throws {
    let fromPending = min(Int64(pending.count), count)
    pending.removeFirst(Int(fromPending))
    if count > fromPending { try base.skip(count - fromPending) }
  }
}
