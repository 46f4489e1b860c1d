import Foundation
import TestSupport
import Testing

/// The scripted new-user session of docs/new-user-session.md, run with the built
/// binary: the script checks every command's exit status and fails on a surprise.
@Suite struct NewUserSessionTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  @Test func initMeasureCheckHookPushBisectReport() throws {
    let script = Self.root.appendingPathComponent("scripts/new-user-session.sh").path
    let result = try CLI.run(
      [script], product: "/bin/bash", environment: ["SIZEBUDGET": CLI.path("sizebudget")], timeout: 300)
    #expect(result.status == 0, "\(result.stderr)")
    let transcript = result.stdout
    #expect(transcript.contains("wrote budgets.toml: 1 image (app from app/Dockerfile)"), "\(transcript)")
    #expect(transcript.contains("sizebudget: push refused: a budget is broken"), "\(transcript)")
    #expect(transcript.contains("culprit ") && transcript.contains("\"Recommendations model\""), "\(transcript)")
    #expect(transcript.contains("$ sizebudget report --since 2026-11-01 --until 2026-11-03"))
    #expect(transcript.contains("All within budget"), "\(transcript)")
  }
}
