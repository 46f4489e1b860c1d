import Foundation

/// Hooks that let the integration tests stop a real process at a chosen point (to
/// kill it mid-write and check that nothing half-written is left). Kept out of the
/// production modules so that what is a test hook is plain; unset, each costs one
/// environment lookup.
public enum FaultInjection {
  /// When `SIZEBUDGET_TEST_PAUSE_AT` names `point`, writes this process's pid to the
  /// file `SIZEBUDGET_TEST_PAUSE_FILE` and waits (at most 120 s) until the test kills
  /// it or removes the file to let it go on (after breaking something under it).
  public static func pauseIfAsked(_ point: String) {
    let environment = ProcessInfo.processInfo.environment
    guard environment["SIZEBUDGET_TEST_PAUSE_AT"] == point, let file = environment["SIZEBUDGET_TEST_PAUSE_FILE"] else {
      return
    }
    try? String(ProcessInfo.processInfo.processIdentifier).write(toFile: file, atomically: true, encoding: .utf8)
    var waited = 0
    while FileManager.default.fileExists(atPath: file) && waited < 1200 {
      usleep(100_000)
      waited += 1
    }
  }
}
