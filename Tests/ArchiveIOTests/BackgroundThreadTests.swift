import Dispatch
import Foundation
import Synchronization
import Testing

@testable import ArchiveIO

/// The estimate's deflating thread: jobs in order, at a lower priority, ended with it.
@Suite struct BackgroundThreadTests {
  /// The nice value and name of the thread a job runs on (fields 19 and 2 of
  /// /proc/thread-self/stat; the name is in parentheses).
  static func niceAndName() -> (Int, String) {
    let stat = (try? String(contentsOfFile: "/proc/thread-self/stat", encoding: .utf8)) ?? ""
    guard let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { return (-100, "") }
    let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
    return (Int(fields[16]) ?? -100, String(stat[stat.index(after: open)..<close]))
  }

  @Test func jobsRunInOrderAndSyncWaitsForThoseBefore() {
    let thread = BackgroundThread(name: "sb-test", niceness: 5)
    let seen = Mutex<[Int]>([])
    for index in 0..<1000 { thread.async { seen.withLock { $0.append(index) } } }
    let count = thread.sync { seen.withLock { $0.count } }
    #expect(count == 1000)
    #expect(seen.withLock { $0 } == Array(0..<1000))
  }

  @Test func itRunsBelowTheCallersPriorityUnderItsName() {
    let (callerNice, _) = Self.niceAndName()
    let thread = BackgroundThread(name: "sb-test-priority", niceness: 7)
    let (nice, name) = thread.sync { Self.niceAndName() }
    #expect(nice == min(callerNice + 7, 19))
    #expect(name == "sb-test-priorit")  // cut to the kernel's 15 bytes
  }

  /// Dropping the last reference ends the thread (it is gone from /proc/self/task).
  @Test func droppingItEndsItsThread() {
    var thread: BackgroundThread? = BackgroundThread(name: "sb-test-gone", niceness: 1)
    let task = "/proc/self/task/" + (thread?.sync { Self.threadID() } ?? "none")
    #expect(FileManager.default.fileExists(atPath: task))
    thread = nil
    let deadline = Date().addingTimeInterval(10)
    while FileManager.default.fileExists(atPath: task) && Date() < deadline { usleep(1000) }
    #expect(!FileManager.default.fileExists(atPath: task))
  }

  /// The thread's id: field 1 of /proc/thread-self/stat.
  static func threadID() -> String {
    let stat = (try? String(contentsOfFile: "/proc/thread-self/stat", encoding: .utf8)) ?? ""
    return String(stat.prefix { $0 != " " })
  }

  /// Jobs queued before the last reference went still run.
  @Test func jobsQueuedBeforeTheEndStillRun() {
    let done = DispatchSemaphore(value: 0)
    do {
      let thread = BackgroundThread(name: "sb-test-end", niceness: 1)
      thread.async {
        usleep(20_000)
        done.signal()
      }
    }
    #expect(done.wait(timeout: .now() + 10) == .success)
  }
}
