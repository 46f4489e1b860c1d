import Foundation
import TestSupport
import Testing

/// Header injection: values with line breaks must not add headers.
@Suite struct MIMETests {
  @Test func aNewlineInAHeaderValueInjectsNothing() throws {
    let directory = try TemporaryDirectory()
    let repo = try GitRepository()
    try repo.commit(
      "base",
      files: [
        "budgets.toml": """
        [image.app]
        max = "1 MB"
        [report]
        to = ["team@example.com"]
        from = "sizebudget@example.com"
        """
      ])
    // A commit subject with a CR LF and a header after it (git keeps the CR).
    try repo.git(["commit", "-q", "--allow-empty", "-m", "evil\r\nBcc: attacker@example.com\r\nX-Injected: yes"])
    let layer = ImageBuilder.Layer([.file("app/x", size: 10)], compression: .none)
    try ImageBuilder([layer]).writeOCILayout(to: repo.url.appendingPathComponent("img"))
    #expect(try CLI.run(["measure", "oci:img", "--image", "app"], in: repo.url).status == 0)
    let file = directory.url.appendingPathComponent("m.eml")
    let result = try CLI.run(["report", "--since", "1d", "--output", file.path], in: repo.url)
    #expect(result.status == 0, "\(result.stderr)")
    let parsed = try ParsedEmail.read(file)
    #expect(!parsed.headerNames.contains("Bcc"))
    #expect(!parsed.headerNames.contains("X-Injected"))
    #expect(parsed.headerNames.filter { $0 == "Subject" }.count == 1)
    #expect(parsed.defects.isEmpty)
  }
}
