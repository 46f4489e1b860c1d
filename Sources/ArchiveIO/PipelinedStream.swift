import Dispatch

/// Reads a stream ahead on another thread: the base stream's work (reading a blob,
/// hashing it, inflating it) runs on one core while the reader's (hashing the tar,
/// parsing its headers) runs on the other. A layer of 4 GB in one piece is the common
/// case in ML images, so two layers side by side do not keep two cores busy; this does.
///
/// At most `depth` chunks of 256 KiB wait between the two threads. The base stream is
/// used only by the reading-ahead thread until it reports the end or an error; after
/// that the caller may use the base again (for its counts and digests).
public final class PipelinedStream: ByteStream {
  private let state: PipelineState
  private var current: [UInt8] = []
  private var offset = 0
  private var ended = false

  public init(_ base: ByteStream, depth: Int = 8) {
    state = PipelineState(base: base, depth: depth)
    DispatchQueue.global().async { [state] in state.produce() }
  }

  deinit { state.cancel() }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    while offset == current.count {
      if ended { return 0 }
      switch try state.take() {
      case .some(let chunk):
        current = chunk
        offset = 0
      case .none:
        ended = true
        return 0
      }
    }
    let count = min(buffer.count, current.count - offset)
    current.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: count) }
    offset += count
    return count
  }

  public func skip(_ count: Int64) throws { try discard(count) }
}

/// What the two threads share, under a lock: chunks read ahead, the end, an error.
private final class PipelineState: @unchecked Sendable {
  private let base: ByteStream
  // Every semaphore starts at 0 and is signalled up to its count: libdispatch traps when
  // a semaphore is freed below the value it was created with, which is what a reader
  // that stops early (an error, a corrupt layer) leaves behind.
  private let lock = DispatchSemaphore(value: 0)
  private let filled = DispatchSemaphore(value: 0)
  private let free = DispatchSemaphore(value: 0)
  private var chunks: [[UInt8]] = []
  private var head = 0
  /// nil while running; then .success at the end or the base stream's error.
  private var outcome: Result<Void, any Error>? = nil
  private var cancelled = false

  init(base: ByteStream, depth: Int) {
    self.base = base
    lock.signal()
    for _ in 0..<max(depth, 1) { free.signal() }
  }

  func produce() {
    var result: Result<Void, any Error> = .success(())
    while true {
      free.wait()
      if locked({ cancelled }) { break }
      do {
        var chunk = [UInt8](repeating: 0, count: streamChunkSize)
        let got = try chunk.withUnsafeMutableBytes { try fill($0) }
        if got == 0 { break }
        chunk.removeLast(chunk.count - got)
        locked { chunks.append(chunk) }
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

  /// The next chunk; nil at the end; the base stream's error if it failed.
  func take() throws -> [UInt8]? {
    filled.wait()
    let (chunk, ending): ([UInt8]?, Result<Void, any Error>?) = locked {
      if head < chunks.count {
        let chunk = chunks[head]
        head += 1
        if head > 64 {
          chunks.removeFirst(head)
          head = 0
        }
        return (chunk, nil)
      }
      return (nil, outcome)
    }
    if let chunk {
      free.signal()
      return chunk
    }
    filled.signal()  // the end stays visible to later calls
    try ending?.get()
    return nil
  }

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
