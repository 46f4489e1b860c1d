import Dispatch
import Synchronization
import SystemCalls

/// A thread of its own that runs closures one after another, at a lower priority (a
/// higher nice value) than the rest of the process.
///
/// For work that may lag behind: the compressed-size estimate's deflating (and reading
/// its windows, from a file), and reading
/// and hashing a compressed blob ahead of its inflating (`PipelinedStream`), which
/// needs a third of the inflating's time. Reading and hashing the largest uncompressed
/// layer is a measure's critical path, and on two cores it waited
/// on the run queue, behind the estimate among others, for 1.0 s of a 6.1 s measure of
/// the big image of issue 16 (its /proc/…/task/…/schedstat). A dispatch queue cannot
/// carry a priority on Linux, and a thread of dispatch's pool cannot be given one
/// either: an unprivileged thread may lower its priority but never raise it again, so
/// the next work the pool put on that thread would run slowed too.
///
/// Its jobs must not start dispatch or Swift concurrency work (libdispatch would make
/// its pool threads from this one, inheriting the lower priority for good), nor call
/// `sync` on their own thread (it would wait for itself).
final class BackgroundThread: Sendable {
  private let state: State
  /// Where the jobs go when no thread could be made (out of processes under a
  /// container's pids limit, or of memory): the same order, at the usual priority.
  private let fallback: DispatchQueue?

  /// `niceness`: how much lower than the caller's (1–19); `name`: what `ps -L` and
  /// `perf` show (at most 15 bytes).
  init(name: String, niceness: Int32) {
    let state = State()
    self.state = state
    let context = Unmanaged.passRetained(Start(state: state, name: name, niceness: niceness)).toOpaque()
    var thread = pthread_t()
    let created = pthread_create(
      &thread, nil,
      { raw in
        let start = Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue()
        CurrentThread.name(start.name)
        CurrentThread.lowerPriority(by: start.niceness)
        start.state.run()
        return nil
      }, context)
    if created == 0 {
      pthread_detach(thread)
      fallback = nil
    } else {
      Unmanaged<Start>.fromOpaque(context).release()
      fallback = DispatchQueue(label: name)
    }
  }

  /// The thread ends once the jobs queued before this are done.
  deinit { if fallback == nil { state.enqueue(nil) } }

  func async(_ job: @escaping @Sendable () -> Void) {
    if let fallback { fallback.async(execute: job) } else { state.enqueue(job) }
  }

  /// Runs `job` after those queued before it and returns its result.
  func sync<Result: Sendable>(_ job: @escaping @Sendable () -> Result) -> Result {
    if let fallback { return fallback.sync(execute: job) }
    let done = DispatchSemaphore(value: 0)
    let result = Mutex<Result?>(nil)
    state.enqueue {
      let value = job()
      result.withLock { $0 = value }
      done.signal()
    }
    done.wait()
    return result.withLock { $0! }
  }

  /// The queue of jobs (nil: stop) and the thread's loop over it.
  private final class State: Sendable {
    private let jobs = Mutex<[(@Sendable () -> Void)?]>([])
    private let queued = DispatchSemaphore(value: 0)

    func enqueue(_ job: (@Sendable () -> Void)?) {
      jobs.withLock { $0.append(job) }
      queued.signal()
    }

    func run() {
      while true {
        queued.wait()
        guard let job = jobs.withLock({ $0.removeFirst() }) else { return }
        job()
      }
    }
  }

  private final class Start: Sendable {
    let state: State
    let name: String
    let niceness: Int32
    init(state: State, name: String, niceness: Int32) {
      self.state = state
      self.name = name
      self.niceness = niceness
    }
  }
}
