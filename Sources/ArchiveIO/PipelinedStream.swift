import Dispatch

/// Reads a stream ahead on another thread: the base stream's work (reading a layer and
/// hashing it; inflating a blob) runs on one core while the reader's (hashing the tar,
/// parsing its headers) runs on the other. A layer of 4 GB in one piece is the common
/// case in ML images, so two layers side by side do not keep two cores busy; this does.
/// A compressed layer chains two (`LayerScanner.scanCompressed`): reading and hashing
/// the blob, inflating it, and the tar's reader each have a thread.
///
/// At most `depth` chunks of 256 KiB wait between the two threads, in buffers allocated
/// once and handed back and forth (a fresh zeroed chunk per read cost a memset and a
/// page fault per 4 KiB of every layer). The base stream is used only by the
/// reading-ahead thread until it reports the end or an error; after that the caller may
/// use the base again (for its counts and digests).
///
/// Six chunks (1.5 MiB) by default: on the big image of issue 16, `measure` of the
/// docker-archive (one pipeline per layer) took 5.07 s with six and 5.14 s with eight
/// (four runs each, interleaved), and peaked at 46.7 MB against 49.0 MB; with four it
/// peaked at 44.9 MB but took 5.30 s, the reader waiting on the parser's pauses.
public final class PipelinedStream: ByteStream {
  private let state: PipelineState
  /// The chunk being read from (a slot of the ring), and how far.
  private var current = UnsafeRawBufferPointer(start: nil, count: 0)
  private var offset = 0
  private var holding = false
  private var ended = false

  /// `niceness`: above 0, the reading ahead runs on a thread of its own at that much
  /// lower a priority (`BackgroundThread`). For a stage with time to spare: the stage
  /// that reads from it, the slower one, then gets the core when both want one. A
  /// registry blob is received there too (`DownloadStream` runs on its reader's
  /// thread), after its first bytes, which the caller reads to tell gzip from zstd.
  public init(_ base: ByteStream, depth: Int = 6, niceness: Int32 = 0) {
    state = PipelineState(base: base, depth: max(depth, 1))
    if niceness > 0 {
      BackgroundThread(name: "sb-read-ahead", niceness: niceness).async { [state] in state.produce() }
      return
    }
    // A queue of its own, not the global one. Layer scans block on their pipelines,
    // and libdispatch on Linux sizes the global queue's pool to the cores, so a second
    // layer's producer waited there behind blocked threads: a 183 MB layer scanned
    // beside a 3.9 GB one took 4.6 s, as long as the big one, and 0.7 s with this
    // (issue 16). A private serial queue gets a thread when it has work.
    DispatchQueue(label: "sizebudget.read-ahead").async { [state] in state.produce() }
  }

  deinit { state.cancel() }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    while offset == current.count {
      if holding {
        state.release()
        holding = false
      }
      if ended { return 0 }
      guard let chunk = try state.take() else {
        ended = true
        return 0
      }
      current = chunk
      offset = 0
      holding = true
    }
    let count = min(buffer.count, current.count - offset)
    buffer.baseAddress!.copyMemory(from: current.baseAddress! + offset, byteCount: count)
    offset += count
    return count
  }

  public func skip(_ count: Int64) throws { try discard(count) }
}

/// What the two threads share: a ring of `depth` buffers, filled in order by the
/// producer and read in order by the consumer. `filled` counts the slots ready to read,
/// `free` those ready to fill; the semaphores order every access to a slot's bytes.
private final class PipelineState: @unchecked Sendable {
  private let base: ByteStream
  private let slots: [UnsafeMutableRawBufferPointer]
  /// How many bytes each slot holds (raw memory: the two threads touch distinct slots).
  private let lengths: UnsafeMutableBufferPointer<Int>
  private var produced = 0
  private var consumed = 0
  // Every semaphore starts at 0 and is signalled up to its count: libdispatch traps when
  // a semaphore is freed below the value it was created with, which is what a reader
  // that stops early (an error, a corrupt layer) leaves behind.
  private let lock = DispatchSemaphore(value: 0)
  private let filled = DispatchSemaphore(value: 0)
  private let free = DispatchSemaphore(value: 0)
  /// nil while running; then .success at the end or the base stream's error.
  private var outcome: Result<Void, any Error>? = nil
  private var cancelled = false

  init(base: ByteStream, depth: Int) {
    self.base = base
    slots = (0..<depth).map { _ in .allocate(byteCount: streamChunkSize, alignment: 64) }
    lengths = .allocate(capacity: depth)
    lengths.initialize(repeating: 0)
    lock.signal()
    for _ in 0..<depth { free.signal() }
  }

  /// The producer holds a reference until it returns, so the buffers outlive it.
  deinit {
    for slot in slots { slot.deallocate() }
    lengths.deallocate()
  }

  func produce() {
    var result: Result<Void, any Error> = .success(())
    while true {
      free.wait()
      if locked({ cancelled }) { break }
      let slot = locked { produced } % slots.count
      do {
        let got = try fill(slots[slot])
        if got == 0 { break }
        lengths[slot] = got
        locked { produced += 1 }
        filled.signal()
      } catch {
        result = .failure(error)
        break
      }
    }
    locked { outcome = result }
    filled.signal()
  }

  /// Fills `buffer` as far as the base stream goes (fewer, larger hand-overs).
  private func fill(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    var total = 0
    while total < buffer.count {
      let got = try base.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]))
      if got == 0 { break }
      total += got
    }
    return total
  }

  /// The next filled chunk, valid until `release`; nil at the end; the base stream's
  /// error if it failed.
  func take() throws -> UnsafeRawBufferPointer? {
    filled.wait()
    let (ready, ending) = locked { (consumed < produced, outcome) }
    if !ready {
      filled.signal()  // the end stays visible to later calls
      try ending?.get()
      return nil
    }
    let slot = consumed % slots.count
    consumed += 1
    return UnsafeRawBufferPointer(start: slots[slot].baseAddress, count: lengths[slot])
  }

  /// Hands the chunk `take` gave back to the producer.
  func release() { free.signal() }

  func cancel() {
    locked { cancelled = true }
    free.signal()
  }

  private func locked<T>(_ body: () throws -> T) rethrows -> T {
    lock.wait()
    defer { lock.signal() }
    return try body()
  }
}
