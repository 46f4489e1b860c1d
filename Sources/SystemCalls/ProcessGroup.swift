/// A child process started in a process group of its own, so that it and everything
/// it starts (make, docker build, their children) can be stopped together: a signal
/// to the shell alone would orphan them.
public final class GroupedChild: @unchecked Sendable {
  /// The child's id, which is also its group's id.
  public let id: pid_t
  /// The read end of the pipe that holds the child's standard output and error.
  public let output: Int32
  private var reaped = false

  public struct SpawnError: Error, CustomStringConvertible {
    public var description: String
  }

  /// How the child ended, as a shell reports it: the exit status, or 128 + the signal.
  public enum Ending: Sendable, Equatable {
    case exited(Int32)
    case signalled(Int32)
    /// Still running at the deadline: its group was killed.
    case timedOut

    public var shellStatus: Int32 {
      switch self {
      case .exited(let status): status
      case .signalled(let signal): 128 + signal
      case .timedOut: 124  // as timeout(1) reports it
      }
    }
  }

  /// Starts `arguments[0]` (a path) in `directory` with `environment`, standard input
  /// from /dev/null and standard output and error into one pipe, in a new group.
  public init(_ arguments: [String], environment: [String: String], directory: String) throws(SpawnError) {
    var pipeEnds: [Int32] = [0, 0]
    guard pipe(&pipeEnds) == 0 else {
      throw SpawnError(description: "cannot make a pipe: \(Descriptors.lastErrorText())")
    }
    defer { close(pipeEnds[1]) }
    var actions = posix_spawn_file_actions_t()
    var attributes = posix_spawnattr_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawnattr_init(&attributes)
    defer {
      posix_spawn_file_actions_destroy(&actions)
      posix_spawnattr_destroy(&attributes)
    }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
    posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 2)
    posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
    // A group of its own (pgid = the child's pid), default signal handling and an
    // empty mask: this process's handlers and blocked signals are not the build's.
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT] { sigaddset(&defaults, signal) }
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setpgroup(&attributes, 0)
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    // posix_spawn_file_actions_addchdir_np is not in Swift's Glibc module: a shell
    // changes directory, then becomes the command.
    let command = ["/bin/sh", "-c", "cd -- \"$0\" && exec \"$@\"", directory] + arguments
    let argv = command.map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for pointer in argv + envp { free(pointer) } }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, command[0], &actions, &attributes, argv, envp)
    guard result == 0 else {
      close(pipeEnds[0])
      throw SpawnError(description: "cannot start \(arguments[0]): \(String(cString: strerror(result)))")
    }
    id = pid
    output = pipeEnds[0]
  }

  deinit {
    close(output)
    if !reaped { signalGroup(SIGKILL) }
  }

  /// Sends `signal` to every process of the group (ESRCH when none is left is fine).
  public func signalGroup(_ signal: Int32) { _ = kill(-id, signal) }

  /// Stops the whole group: SIGTERM, then SIGKILL to what is left after `grace` seconds.
  public func stopGroup(grace: Double = 2) {
    signalGroup(SIGTERM)
    let deadline = Monotonic.now() + grace
    while Monotonic.now() < deadline && kill(-id, 0) == 0 { usleep(20_000) }
    signalGroup(SIGKILL)
  }

  /// Reads the output as it comes (each chunk to `onOutput`) until the child ends or
  /// `timeout` seconds pass; then kills what is left of the group (a background
  /// grandchild must not outlive the build, nor hold the pipe open) and reaps the child.
  public func wait(timeout: Double?, onOutput: ([UInt8]) -> Void) -> Ending {
    let deadline = timeout.map { Monotonic.now() + $0 }
    var buffer = [UInt8](repeating: 0, count: 65536)
    var ending: Ending? = nil
    var open = true
    while ending == nil {
      if open, Self.readable(output, milliseconds: 100) {
        let got = buffer.withUnsafeMutableBytes { Descriptors.read(output, into: $0) }
        if got > 0 { onOutput(Array(buffer[..<got])) } else { open = false }
      } else if !open {
        usleep(50_000)
      }
      if let status = reap(blocking: false) { ending = status }
      if ending == nil, let deadline, Monotonic.now() >= deadline {
        stopGroup()
        _ = reap(blocking: true)
        ending = .timedOut
      }
    }
    signalGroup(SIGKILL)
    // What the group wrote before it ended; bounded, in case a process left the group.
    let drainEnd = Monotonic.now() + 1
    while open, Monotonic.now() < drainEnd, Self.readable(output, milliseconds: 100) {
      let got = buffer.withUnsafeMutableBytes { Descriptors.read(output, into: $0) }
      if got > 0 { onOutput(Array(buffer[..<got])) } else { open = false }
    }
    return ending!
  }

  private func reap(blocking: Bool) -> Ending? {
    guard !reaped else { return nil }
    var status: Int32 = 0
    while true {
      let result = waitpid(id, &status, blocking ? 0 : WNOHANG)
      if result < 0 && errno == EINTR { continue }
      guard result == id else { return nil }
      reaped = true
      // WIFEXITED/WEXITSTATUS/WTERMSIG are macros Swift does not import.
      let signal = status & 0x7f
      return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }
  }

  static func readable(_ descriptor: Int32, milliseconds: Int32) -> Bool {
    var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
    let result = poll(&entry, 1, milliseconds)
    return result > 0
  }
}

/// Seconds on a clock that never jumps (deadlines, timeouts).
public enum Monotonic {
  public static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}

/// What the calling thread can set about itself.
public enum CurrentThread {
  /// Raises the calling thread's nice value by `niceness` (lowers its priority). Linux
  /// keeps a nice value per thread, and `PRIO_PROCESS` with id 0 names the calling
  /// thread. Without CAP_SYS_NICE (and with the default RLIMIT_NICE) a thread cannot
  /// take it back.
  public static func lowerPriority(by niceness: Int32) {
    #if canImport(Glibc)
      errno = 0
      let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
      guard errno == 0 else { return }
      _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, min(current + max(niceness, 0), 19))
    #endif
  }

  /// The name `ps -L`, `top -H` and `perf` show: its first 15 bytes (the kernel's
  /// limit; the names given are ASCII).
  public static func name(_ name: String) {
    #if canImport(Glibc)
      _ = glibcPthreadSetname(pthread_self(), String(decoding: name.utf8.prefix(15), as: UTF8.self))
    #endif
  }
}

#if canImport(Glibc)
  // pthread_setname_np(3) is in glibc but not in Swift's Glibc module (a GNU extension).
  @_silgen_name("pthread_setname_np")
  private func glibcPthreadSetname(_ thread: pthread_t, _ name: UnsafePointer<CChar>) -> Int32
#endif
