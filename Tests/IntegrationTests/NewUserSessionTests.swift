import Foundation
import TestSupport
import Testing

/// The scripted new-user session of docs/new-user-session.md, run with the built
/// binary: the script checks every command's exit status and fails on a surprise, and
/// the transcript must be the committed one (`make new-user-session` rewrites it).
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

    let committed = try String(
      contentsOf: Self.root.appendingPathComponent("docs/new-user-session.md"), encoding: .utf8)
    let (expected, actual) = (Self.comparable(committed), Self.comparable(transcript))
    let firstDifference = zip(expected, actual).enumerated().first { $0.element.0 != $0.element.1 }
    #expect(
      expected == actual,
      """
      docs/new-user-session.md is stale (run `make new-user-session`); first difference at line \
      \((firstDifference?.offset ?? min(expected.count, actual.count)) + 1):
      committed: \(firstDifference?.element.0 ?? "(\(expected.count) lines)")
      now:       \(firstDifference?.element.1 ?? "(\(actual.count) lines)")
      """)
  }

  /// The transcript's lines without what differs from run to run: how long builds and
  /// steps took ("1.7 s", "(0.4 s)") and digests. Commit ids are fixed by the script's
  /// commit dates, and paths are already written relative to its work directory.
  static func comparable(_ transcript: String) -> [String] {
    transcript.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      String(line)
        .replacingOccurrences(of: "[0-9]+(\\.[0-9]+)? s\\b", with: "N s", options: .regularExpression)
        .replacingOccurrences(of: "sha256:[0-9a-f]{12,64}", with: "sha256:…", options: .regularExpression)
    }
  }
}
