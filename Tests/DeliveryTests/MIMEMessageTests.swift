import Delivery
import Foundation
import TestSupport
import Testing

@Suite struct MIMEMessageTests {
  @Test func headerValuesCannotStartHeaders() throws {
    let message = MIMEMessage(
      from: "sizebudget@example.com\r\nBcc: a@example.com", to: ["team@example.com"],
      subject: "weekly: api\r\nX-Injected: yes", text: "plain ✓", html: "<p>html ✓</p>")
    let directory = try TemporaryDirectory()
    let file = directory.url.appendingPathComponent("m.eml")
    try message.rendered().write(to: file, atomically: true, encoding: .utf8)
    let parsed = try ParsedEmail.read(file)
    #expect(!parsed.headerNames.contains("Bcc"))
    #expect(!parsed.headerNames.contains("X-Injected"))
    #expect(parsed.headers["Subject"] == "weekly: api  X-Injected: yes")
    #expect(parsed.parts.map(\.text) == ["plain ✓", "<p>html ✓</p>"])
  }

  @Test func nonASCIISubjectsAreEncodedWords() throws {
    let message = MIMEMessage(
      from: "s@example.com", to: ["t@example.com"], subject: "sizebudget weekly: café +3 MB ✓", text: "t", html: "h")
    #expect(message.rendered().contains("Subject: =?UTF-8?B?"))
    let directory = try TemporaryDirectory()
    let file = directory.url.appendingPathComponent("m.eml")
    try message.rendered().write(to: file, atomically: true, encoding: .utf8)
    #expect(try ParsedEmail.read(file).headers["Subject"] == "sizebudget weekly: café +3 MB ✓")
  }
}
