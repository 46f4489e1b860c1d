import CDeflate
import Dispatch
import Synchronization

/// Estimates what a layer stored uncompressed (as in `docker save`) will weigh once a
/// registry holds it gzip-compressed, without compressing all of it.
///
/// The layer is cut into chunks and each chunk contributes one 64 KiB window (which one
/// is chosen by a hash of the chunk's index, so periodic content cannot line up with the
/// sampling); each stratum's windows are deflated and the result scaled to that
/// stratum's bytes. Every part of the layer is represented, so a layer that mixes text
/// with already-compressed files is not at the mercy of which chunks are picked.
///
/// The sampling error depends on how many windows are drawn, not on what fraction of the
/// layer they are, so the chunks grow with the layer (`strata`): every window of the
/// first 4 MiB, one byte in 4 up to 260 MiB, one in 16 up to 1028 MiB, one in 64
/// beyond. Each stratum after the first draws at least 768 windows once it is full.
/// Nothing needs to know the layer's size in advance (standard input does not).
///
/// Each window is deflated on its own, by libdeflate, on two threads of lower priority
/// (`BackgroundThread`): windows are independent, so both cores share the work and the
/// sums do not depend on the order they finish in. Deflating is what costs (on the
/// benchmark image's samples, libdeflate's levels 1 and 2 ran at 175 and 120 MB/s of
/// CPU here, zlib's level 3, used before, at 53 MB/s; SHA-256 runs at some 1,300 MB/s),
/// so the thread that hashes and parses the layer only copies windows out. A layer that
/// is a range of a file is not fed through here but sampled apart (`FileRangeEstimate`).
public final class CompressedSizeEstimator {
  static let window = 64 * 1024
  /// (where a stratum ends, from the layer's start; its chunk size). The first, with
  /// chunks of one window, is deflated whole.
  static let strata: [(end: Int64, chunk: Int)] = [
    (4 << 20, window), ((4 << 20) + (256 << 20), 256 << 10), ((4 << 20) + (1 << 30), 1 << 20), (.max, 4 << 20),
  ]
  /// The levels windows are deflated at, in turn. Registries hold what the pushing tool
  /// wrote: umoci, buildah and skopeo write Go's gzip (klauspost's pgzip), which lands
  /// between libdeflate's level 1 (larger on text, smaller on shared libraries) and level
  /// 2 (smaller on both). Alternating the two kept the three benchmark images within
  /// 2 % of their blobs (−1.6 %, +0.5 %, +1.7 %; zlib's level 3 streamed gave −1.1 %,
  /// 0.0 %, +1.5 % at 2.7 times the CPU); docs/json-schema.md has the per-layer errors.
  /// ISA-L's igzip, faster still, writes 2.5–5 % more than zlib's level 3 depending on
  /// the content, and no fixed factor kept both fixture images within 2 %.
  static let levels: [Int32] = [1, 2]
  /// Windows copied out but not yet deflated, per thread on average (one semaphore for
  /// both): at most 8 × 64 KiB wait.
  static let windowsInFlight = 4

  private let workers = levels.map { DeflateWorker(level: $0, strata: strata.count) }
  private let inFlight = DispatchSemaphore(value: windowsInFlight * levels.count)
  private var filling: [UInt8] = []
  private var windowsHanded = 0
  /// Bytes consumed (or skipped, unsampled) so far.
  private var position: Int64 = 0
  public var consumed: Int64 { position }

  public init() { filling.reserveCapacity(Self.window) }

  /// Feeds the next bytes of the layer, in order.
  public func consume(_ bytes: UnsafeRawBufferPointer) {
    var offset = 0
    while offset < bytes.count {
      let sample = nextSample
      let take: Int
      if position < sample.lowerBound {
        take = Int(min(Int64(bytes.count - offset), sample.lowerBound - position))
      } else {
        take = Int(min(Int64(bytes.count - offset), sample.upperBound - position))
        filling.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + take]))
        if position + Int64(take) == sample.upperBound { hand(to: Self.stratum(at: position).index) }
      }
      offset += take
      position += Int64(take)
    }
  }

  /// The next bytes the estimate samples, at or after what was consumed so far: (the
  /// rest of) a chunk's window.
  var nextSample: Range<Int64> { Self.sample(at: position) }

  /// Moves past `count` bytes that hold no sample (see `nextSample`), unread.
  func skipUnsampled(_ count: Int64) {
    precondition(position + count <= nextSample.lowerBound, "skipping bytes the estimate samples")
    position += count
  }

  fileprivate static func sample(at position: Int64) -> Range<Int64> {
    let (stratum, start) = Self.stratum(at: position)
    let chunk = Int64(strata[stratum].chunk)
    let index = (position - start) / chunk
    let chunkStart = start + index * chunk
    let windowStart = chunkStart + Int64(mix(UInt64(index)) % UInt64(chunk / Int64(window))) * Int64(window)
    if position < windowStart + Int64(window) { return max(position, windowStart)..<windowStart + Int64(window) }
    return sample(at: chunkStart + chunk)
  }

  /// The stratum that holds `offset` and where it starts.
  fileprivate static func stratum(at offset: Int64) -> (index: Int, start: Int64) {
    var start: Int64 = 0
    for (index, stratum) in strata.enumerated() {
      if offset < stratum.end { return (index, start) }
      start = stratum.end
    }
    return (strata.count - 1, start)
  }

  /// Passes the filled window to the next thread in turn, waiting while the threads are
  /// behind.
  private func hand(to stratum: Int) {
    let bytes = filling
    filling = []
    filling.reserveCapacity(Self.window)
    let worker = workers[windowsHanded % workers.count]
    windowsHanded += 1
    inFlight.wait()
    worker.thread.async { [worker, inFlight] in
      bytes.withUnsafeBytes { worker.compress($0, stratum: stratum) }
      inFlight.signal()
    }
  }

  /// The estimated gzip size of everything consumed. Call once, at the end.
  public func estimate() -> Int64 {
    if !filling.isEmpty { hand(to: Self.stratum(at: position - 1).index) }
    return Self.total(workers.map { worker in worker.thread.sync { worker.samples } }, of: position)
  }

  /// The gzip size of `size` bytes from what the workers' windows deflated to: each
  /// stratum's windows scaled to that stratum's bytes, plus gzip's framing.
  static func total(_ perWorker: [[(input: Int64, output: Int64)]], of size: Int64) -> Int64 {
    var samples = Array(repeating: (input: Int64(0), output: Int64(0)), count: strata.count)
    for workerSamples in perWorker {
      for (stratum, sample) in workerSamples.enumerated() {
        samples[stratum].input += sample.input
        samples[stratum].output += sample.output
      }
    }
    let gzipFraming = 18.0
    // An empty layer gzips to its framing and an empty final block.
    guard size > 0 else { return Int64(gzipFraming) + 2 }
    var total = gzipFraming
    var start: Int64 = 0
    for (stratum, sample) in zip(strata, samples) {
      let bytes = min(stratum.end, size) - start
      if bytes > 0 && sample.input > 0 { total += Double(sample.output) * Double(bytes) / Double(sample.input) }
      start = stratum.end
    }
    return Int64(total.rounded())
  }

  /// Calls `body` with the windows a layer of `size` bytes is sampled at, in order, the
  /// last one cut at the end (those `consume` hands on, whatever pieces the bytes
  /// arrive in), each with its number, until `body` returns false. One at a time: a
  /// crafted size (a sparse file of a petabyte) must not list millions of windows.
  static func forEachWindow(size: Int64, _ body: (_ number: Int, _ window: Range<Int64>) -> Bool) {
    var position: Int64 = 0
    var number = 0
    while position < size {
      let window = sample(at: position)
      guard window.lowerBound < size, body(number, window.lowerBound..<min(window.upperBound, size)) else { return }
      position = window.upperBound
      number += 1
    }
  }

  private static func mix(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// One libdeflate compressor and the bytes in and out of the windows it deflated, per
/// stratum; used only on `thread` (hence unchecked Sendable).
private final class DeflateWorker: @unchecked Sendable {
  /// Below the reading threads' priority. Fed by `CompressedSizeEstimator`, up to 8
  /// windows (`windowsInFlight` per thread) wait here before the layer's reader does;
  /// for `FileRangeEstimate` it reads its windows itself.
  let thread = BackgroundThread(name: "sb-estimate", niceness: 10)
  private let level: Int32
  /// Made when the first window arrives (some 0.3-1 MB), freed with the worker.
  private var compressor: OpaquePointer?
  private var output: UnsafeMutableRawBufferPointer?
  private(set) var samples: [(input: Int64, output: Int64)]

  init(level: Int32, strata count: Int) {
    self.level = level
    samples = Array(repeating: (0, 0), count: count)
  }

  deinit {
    libdeflate_free_compressor(compressor)
    output?.deallocate()
  }

  func compress(_ bytes: UnsafeRawBufferPointer, stratum: Int) {
    if compressor == nil {
      // Out of memory traps, as Swift's own allocations do: an estimate that left
      // windows out unseen would be wrong without saying so.
      guard let made = libdeflate_alloc_compressor(level) else { preconditionFailure("libdeflate: out of memory") }
      compressor = made
      output = UnsafeMutableRawBufferPointer.allocate(
        byteCount: libdeflate_deflate_compress_bound(made, CompressedSizeEstimator.window), alignment: 16)
    }
    guard let compressor, let output else { return }
    let written = libdeflate_deflate_compress(
      compressor, bytes.baseAddress, bytes.count, output.baseAddress, output.count)
    samples[stratum].input += Int64(bytes.count)
    samples[stratum].output += Int64(written)
  }
}

/// The same estimate of a layer that is a range of a file (a `docker save` member, an
/// uncompressed blob), made beside the layer's reading instead of in step with it: the
/// estimate's threads read their windows from the file themselves (`pread`, which
/// threads may share).
///
/// `CompressedSizeEstimator` is fed by the thread that reads and hashes the layer, and
/// holds it back once 8 windows wait. The windows crowd the layer's start (all of its
/// first 4 MiB, then one byte in 4 up to 260 MiB), where deflating them takes twice as
/// long as hashing them. On the big image of issue 16, the 3.9 GB layer's hashing, the
/// measure's critical path, waited on its estimate early on (1.2 s of off-CPU time in
/// one profile) and left the second core idle later (4.06 s against 3.63 s now, the
/// floor 3.03 s). Here nothing waits for the estimate but `estimate`.
///
/// The windows, the deflate level of each and so the figure are those of
/// `CompressedSizeEstimator` fed the same bytes.
public final class FileRangeEstimate {
  private let workers = CompressedSizeEstimator.levels.map {
    DeflateWorker(level: $0, strata: CompressedSizeEstimator.strata.count)
  }
  private let size: Int64
  private let status = Status()

  /// Starts reading and deflating the windows of all of `range` (its `length` bytes
  /// from its start, however much of it was read already).
  public init(_ range: FileRange) {
    size = range.length
    let workerCount = workers.count
    for (first, worker) in workers.enumerated() {
      worker.thread.async { [file = range.file, start = range.start, size, status] in
        let buffer = UnsafeMutableRawBufferPointer.allocate(
          byteCount: CompressedSizeEstimator.window, alignment: 16)
        defer { buffer.deallocate() }
        CompressedSizeEstimator.forEachWindow(size: size) { number, window in
          // Window k goes to worker k mod 2, as `CompressedSizeEstimator.hand` does.
          guard number % workerCount == first else { return true }
          guard !status.stopped else { return false }
          let bytes = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<window.count])
          do {
            try Self.read(file, at: start + window.lowerBound, into: bytes)
          } catch {
            status.fail(error)
            return false
          }
          worker.compress(
            UnsafeRawBufferPointer(bytes), stratum: CompressedSizeEstimator.stratum(at: window.lowerBound).index)
          return true
        }
      }
    }
  }

  /// A layer scan that fails leaves its estimate unfinished: the threads stop at their
  /// next window.
  deinit { status.stop() }

  /// The estimated gzip size of the range, once every window is deflated; the error of
  /// a window's read, if one failed.
  public func estimate() throws -> Int64 {
    let samples = workers.map { worker in worker.thread.sync { worker.samples } }
    try status.check()
    return CompressedSizeEstimator.total(samples, of: size)
  }

  private static func read(_ file: OpenFile, at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws {
    var done = 0
    while done < buffer.count {
      let got = try file.read(at: offset + Int64(done), into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]))
      if got == 0 {
        throw ArchiveError.endOfData(
          "\(file.path) ends before byte \(offset + Int64(buffer.count)): the file is truncated")
      }
      done += got
    }
  }

  /// Shared by the caller and the estimate's threads: whether to go on, and the first
  /// error.
  private final class Status: Sendable {
    private let state = Mutex<(stopped: Bool, error: (any Error)?)>((false, nil))
    var stopped: Bool { state.withLock { $0.stopped } }
    func stop() { state.withLock { $0.stopped = true } }
    func fail(_ error: any Error) {
      state.withLock {
        if $0.error == nil { $0.error = error }
        $0.stopped = true
      }
    }
    func check() throws { if let error = state.withLock({ $0.error }) { throw error } }
  }
}

/// A stream read by a reader that skips most of it (the tar reader over an uncompressed
/// layer that is not verified), feeding an estimate on the way: what is read passes to
/// the estimator as it goes, and of what is skipped only the sampled windows are kept
/// (a few percent of a big layer). For a stream that is not a file's range (a registry
/// blob, whose skipping reads anyway); a file's range is sampled by
/// `FileRangeEstimate`, whose reading skips the rest for free (issue 16: `--no-verify`).
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
