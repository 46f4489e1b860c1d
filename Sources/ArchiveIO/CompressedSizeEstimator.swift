import CZlib
import Dispatch

/// Estimates what a layer stored uncompressed (as in `docker save`) will weigh once a
/// registry holds it gzip-compressed, without compressing all of it.
///
/// The first 4 MiB are compressed whole (small layers are then exact). Beyond them, the
/// layer is cut into chunks and each chunk contributes one 64 KiB window (which one is
/// chosen by a hash of the chunk's index, so periodic content cannot line up with the
/// sampling); each stratum's windows are deflated as one stream and the result scaled to
/// that stratum's bytes. Every part of the layer is represented, so a layer that mixes
/// text with already-compressed files is not at the mercy of which chunks are picked.
///
/// The sampling error depends on how many windows are drawn, not on what fraction of the
/// layer they are, so the chunks grow with the layer (`strata`): one byte in 4 for the
/// first 256 MiB, one in 16 up to 1 GiB, one in 64 beyond. Each stratum draws at least
/// 768 windows once it is full. Deflating (zlib level 3, about 30 MB/s of CPU on these
/// binaries) is what costs, about 30 times SHA-256 per byte, so it runs on a queue of
/// its own: the thread that hashes and parses the layer only copies windows out.
/// Nothing needs to know the layer's size in advance (standard input does not).
public final class CompressedSizeEstimator {
  static let head: Int64 = 4 << 20
  static let window = 64 * 1024
  /// (where a stratum ends, counted after the head; its chunk size)
  static let strata: [(end: Int64, chunk: Int)] = [(256 << 20, 256 << 10), (1 << 30, 1 << 20), (.max, 4 << 20)]
  /// zlib level 3 lands closest to the gzip that buildah, skopeo and docker push write
  /// (level 1 overestimates by about 4 %, level 6 underestimates by about 4 %). ISA-L's
  /// igzip deflates 6-8 times faster but writes 2.5-5 % more than zlib's level 3, by
  /// content, and no fixed factor or ratio measured on a subsample of the windows kept
  /// both benchmark images within 2 % (issue 16): zlib stays.
  static let level: Int32 = 3
  /// Windows copied out but not yet deflated; bounds the memory to 4 × 64 KiB.
  static let windowsInFlight = 4

  private let worker = DeflateWorker(strata: strata.count)
  private let inFlight = DispatchSemaphore(value: windowsInFlight)
  private var filling: [UInt8] = []
  /// Bytes consumed (or skipped, unsampled) so far.
  private var position: Int64 = 0
  public var consumed: Int64 { position }

  public init() { filling.reserveCapacity(Self.window) }

  /// Feeds the next bytes of the layer, in order.
  public func consume(_ bytes: UnsafeRawBufferPointer) {
    var offset = 0
    while offset < bytes.count {
      let take: Int
      if position < Self.head {
        // The head goes to its deflate stream a window at a time, as the samples do:
        // one stream fed in pieces, never 4 MiB held per layer (issue 16: memory).
        take = min(bytes.count - offset, Int(Self.head - position), Self.window - filling.count)
        filling.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + take]))
        if position + Int64(take) == Self.head || filling.count == Self.window { hand(to: nil) }
      } else {
        let (stratum, start) = Self.stratum(at: position - Self.head)
        let chunk = Self.strata[stratum].chunk
        let index = (position - Self.head - start) / Int64(chunk)
        let inChunk = Int((position - Self.head - start) % Int64(chunk))
        let windowStart = Int(Self.mix(UInt64(index)) % UInt64(chunk / Self.window)) * Self.window
        if inChunk < windowStart {
          take = min(bytes.count - offset, windowStart - inChunk)
        } else if inChunk < windowStart + Self.window {
          take = min(bytes.count - offset, windowStart + Self.window - inChunk)
          filling.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + take]))
          if inChunk + take == windowStart + Self.window { hand(to: stratum) }
        } else {
          take = min(bytes.count - offset, chunk - inChunk)
        }
      }
      offset += take
      position += Int64(take)
    }
  }

  /// The next bytes the estimate samples, at or after what was consumed so far: the
  /// rest of the head, or (part of) a chunk's window.
  var nextSample: Range<Int64> { Self.sample(at: position) }

  /// Moves past `count` bytes that hold no sample (see `nextSample`), unread.
  func skipUnsampled(_ count: Int64) {
    precondition(position + count <= nextSample.lowerBound, "skipping bytes the estimate samples")
    position += count
  }

  private static func sample(at position: Int64) -> Range<Int64> {
    if position < head { return position..<head }
    let (stratum, start) = Self.stratum(at: position - head)
    let chunk = Int64(strata[stratum].chunk)
    let index = (position - head - start) / chunk
    let chunkStart = head + start + index * chunk
    let windowStart = chunkStart + Int64(mix(UInt64(index)) % UInt64(chunk / Int64(window))) * Int64(window)
    if position < windowStart + Int64(window) { return max(position, windowStart)..<windowStart + Int64(window) }
    return sample(at: chunkStart + chunk)
  }

  /// The stratum that holds `offset` (counted after the head) and where it starts.
  private static func stratum(at offset: Int64) -> (Int, Int64) {
    var start: Int64 = 0
    for (index, stratum) in strata.enumerated() {
      if offset < stratum.end { return (index, start) }
      start = stratum.end
    }
    return (strata.count - 1, start)
  }

  /// Passes the filled buffer to the deflate queue (the head's when `stratum` is nil),
  /// waiting while the queue is behind.
  private func hand(to stratum: Int?) {
    let bytes = filling
    filling = []
    filling.reserveCapacity(Self.window)
    inFlight.wait()
    worker.queue.async { [worker, inFlight] in
      worker.compress(bytes, stratum: stratum)
      inFlight.signal()
    }
  }

  /// The estimated gzip size of everything consumed. Call once, at the end.
  public func estimate() -> Int64 {
    if !filling.isEmpty { hand(to: position <= Self.head ? nil : Self.stratum(at: position - Self.head - 1).0) }
    let (head, samples) = worker.queue.sync { worker.finish() }
    let gzipFraming = 18.0
    var total = Double(head)
    var start: Int64 = 0
    for (stratum, sample) in zip(Self.strata, samples) {
      let bytes = min(stratum.end, max(0, position - Self.head)) - start
      if bytes > 0 && sample.input > 0 { total += Double(sample.output) * Double(bytes) / Double(sample.input) }
      start = stratum.end
    }
    return Int64((total + gzipFraming).rounded())
  }

  private static func mix(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// The deflate streams of an estimate (the head's, one per stratum), used only on
/// `queue` (hence unchecked Sendable).
private final class DeflateWorker: @unchecked Sendable {
  let queue = DispatchQueue(label: "sizebudget.estimate")
  private let head = Deflater(level: CompressedSizeEstimator.level)
  /// Made when a sample first reaches them: a deflate stream holds some 300 KB, and
  /// most layers never reach the later strata.
  private var strata: [Deflater?]

  init(strata count: Int) { strata = Array(repeating: nil, count: count) }

  func compress(_ bytes: [UInt8], stratum: Int?) {
    guard let stratum else { return bytes.withUnsafeBytes { head.compress($0) } }
    let deflater = strata[stratum] ?? Deflater(level: CompressedSizeEstimator.level)
    strata[stratum] = deflater
    bytes.withUnsafeBytes { deflater.compress($0) }
  }

  /// The head's compressed size, and each stratum's bytes in and out.
  func finish() -> (Int64, [(input: Int64, output: Int64)]) {
    (head.finish(), strata.map { deflater in deflater.map { ($0.input, $0.input > 0 ? $0.finish() : 0) } ?? (0, 0) })
  }
}

/// A raw deflate stream that only counts what it would write.
final class Deflater {
  private var stream = z_stream()
  private let output = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
  private(set) var input: Int64 = 0
  private var produced: Int64 = 0

  init(level: Int32) {
    // -15: raw deflate; the gzip framing is counted by the caller.
    _ = czlib_deflate_init(&stream, level, -15)
  }

  deinit {
    deflateEnd(&stream)
    output.deallocate()
  }

  func compress(_ bytes: UnsafeRawBufferPointer) {
    input += Int64(bytes.count)
    run(bytes, flush: Z_NO_FLUSH)
  }

  /// Ends the stream and returns the compressed size.
  func finish() -> Int64 {
    run(UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_FINISH)
    return produced
  }

  private func run(_ bytes: UnsafeRawBufferPointer, flush: Int32) {
    stream.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress?.assumingMemoryBound(to: Bytef.self))
    stream.avail_in = UInt32(bytes.count)
    repeat {
      stream.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
      stream.avail_out = UInt32(output.count)
      deflate(&stream, flush)
      produced += Int64(output.count - Int(stream.avail_out))
    } while stream.avail_out == 0
  }
}

/// A stream read by a reader that skips most of it (the tar reader over an uncompressed
/// layer that is not verified), feeding an estimate on the way: what is read passes to
/// the estimator as it goes, and of what is skipped only the sampled windows are read
/// (a few percent of a big layer; skipping the rest is free on a file range). Then the
/// estimate costs what it samples, not the whole layer (issue 16: `--no-verify`).
public final class SampledStream: ByteStream {
  private let base: ByteStream
  private let estimator: CompressedSizeEstimator
  private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: streamChunkSize, alignment: 16)

  public init(_ base: ByteStream, estimator: CompressedSizeEstimator) {
    self.base = base
    self.estimator = estimator
  }

  deinit { buffer.deallocate() }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    let got = try base.read(into: buffer)
    estimator.consume(UnsafeRawBufferPointer(rebasing: buffer[0..<got]))
    return got
  }

  public func skip(_ count: Int64) throws {
    var remaining = count
    while remaining > 0 {
      let sample = estimator.nextSample
      let gap = min(remaining, sample.lowerBound - estimator.consumed)
      if gap > 0 {
        try base.skip(gap)
        estimator.skipUnsampled(gap)
        remaining -= gap
        continue
      }
      let want = Int(min(remaining, sample.upperBound - estimator.consumed, Int64(buffer.count)))
      let part = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want])
      try base.readExactly(into: part)
      estimator.consume(UnsafeRawBufferPointer(part))
      remaining -= Int64(want)
    }
  }
}
