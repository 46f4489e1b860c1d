import Testing

@testable import Formats

/// Markdown that holds whatever a commit subject or a layer's command contains.
@Suite struct MarkdownTests {
  @Test(arguments: [
    ("COPY app/ /app", "`COPY app/ /app`"),
    ("echo `date` > /built", "`` echo `date` > /built ``"),
    ("a``b", "``` a``b ```"),
    ("x | y", "`x \\| y`"),
    ("<none>", "`<none>`"),
  ])
  func codeSpansHoldAnyText(text: String, expected: String) {
    #expect(CheckMarkdown.code(text) == expected)
  }
}
