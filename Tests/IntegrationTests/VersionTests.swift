import Foundation
import TestSupport
import Testing

/// `sizebudget --version` says what a bug report needs: the tool's version and the C
/// libraries it runs with, as they report themselves.
@Suite struct VersionTests {
  @Test func versionNamesTheLibrariesItRunsWith() throws {
    let result = try CLI.run(["--version"])
    #expect(result.status == 0)
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first?.range(of: #"^\d+\.\d+\.\d+$"#, options: .regularExpression) != nil, "\(result.stdout)")
    let pattern = #"^libgit2 \d+\.\d+\.\d+, SQLite 3\.\d+\.\d+, libcurl \d+\.\d+\.\d+ \(.+\), libpq \d+\.\d+$"#
    #expect(lines.count == 2 && lines[1].range(of: pattern, options: .regularExpression) != nil, "\(result.stdout)")
  }
}
