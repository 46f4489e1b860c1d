import Foundation
import SystemCalls

/// A multipart/alternative email (text/plain and text/html, UTF-8, base64 bodies),
/// built so that no value can add a header: line breaks in header values are
/// replaced, and non-ASCII text is RFC 2047 encoded.
public struct MIMEMessage: Sendable {
  public var from: String
  public var to: [String]
  public var subject: String
  public var text: String
  public var html: String
  public var date: Date
  public var messageID: String

  public init(from: String, to: [String], subject: String, text: String, html: String, date: Date = Date()) {
    self.from = from
    self.to = to
    self.subject = subject
    self.text = text
    self.html = html
    self.date = date
    let domain = from.split(separator: "@").last.map(String.init) ?? "sizebudget.invalid"
    self.messageID = "<\(UUID().uuidString.lowercased())@\(Self.headerSafe(domain))>"
  }

  /// The message as sent: CRLF line ends, bodies base64 in 76-character lines.
  public func rendered() -> String {
    let boundary = "sizebudget-" + UUID().uuidString.lowercased()
    var lines = [
      "From: \(Self.address(from))",
      "To: \(to.map(Self.address).joined(separator: ", "))",
      "Subject: \(Self.encodedWord(subject))",
      "Date: \(Self.rfc5322(date))",
      "Message-ID: \(messageID)",
      "MIME-Version: 1.0",
      "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
      "",
      "This is a multi-part message in MIME format.",
    ]
    for (type, body) in [("text/plain", text), ("text/html", html)] {
      lines += [
        "--\(boundary)", "Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: base64", "",
        Self.base64Lines(body),
      ]
    }
    lines.append("--\(boundary)--")
    return lines.joined(separator: "\r\n") + "\r\n"
  }

  /// A header value with every CR and LF gone: a commit subject cannot start a new header.
  /// (By scalars: "\r\n" is one Character in Swift and would slip past a
  /// character comparison.)
  public static func headerSafe(_ value: String) -> String {
    var scalars = String.UnicodeScalarView()
    for scalar in value.unicodeScalars {
      scalars.append(scalar == "\r" || scalar == "\n" ? " " : scalar)
    }
    return String(scalars)
  }

  /// `=?UTF-8?B?…?=` words when the value is not plain ASCII (or is long), split so
  /// that no encoded word passes 75 characters.
  static func encodedWord(_ value: String) -> String {
    let safe = headerSafe(value)
    if safe.allSatisfy({ $0.isASCII }) && safe.count <= 900 { return safe }
    var words: [String] = []
    var chunk = ""
    for character in safe {
      if (chunk + String(character)).utf8.count > 45 {
        words.append(chunk)
        chunk = ""
      }
      chunk.append(character)
    }
    if !chunk.isEmpty { words.append(chunk) }
    return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
  }

  /// An address alone (`team@example.com`), made header-safe.
  static func address(_ value: String) -> String {
    headerSafe(value).replacingOccurrences(of: ",", with: "").replacingOccurrences(of: ";", with: "")
  }

  static func base64Lines(_ text: String) -> String {
    let encoded = Data(text.utf8).base64EncodedString()
    var lines: [Substring] = []
    var index = encoded.startIndex
    while index < encoded.endIndex {
      let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
      lines.append(encoded[index..<end])
      index = end
    }
    return lines.joined(separator: "\r\n")
  }

  static func rfc5322(_ date: Date) -> String {
    UTCTime.rfc5322(UTCTime.seconds(date.timeIntervalSince1970))
  }
}
