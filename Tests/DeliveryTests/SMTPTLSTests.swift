import Delivery
import Foundation
import TestSupport
import Testing

/// Credentials over SMTP travel only inside TLS, except to a loopback host. The real
/// aiosmtpd receiver offers no STARTTLS and listens on 127.0.0.1.
@Suite struct SMTPTLSTests {
  let message = MIMEMessage(
    from: "sizebudget@example.com", to: ["team@example.com"], subject: "weekly", text: "t", html: "<p>t</p>"
  ).rendered()

  @Test func theDecisionIsByParsedHost() {
    for url in [
      "smtp://127.0.0.1:25", "smtp://localhost", "smtp://[::1]:2525", "smtp://127.3.4.5", "smtp://LOCALHOST.",
    ] {
      #expect(SMTPClient.tlsPolicy(url: url, sendsCredentials: true) == .opportunistic, "\(url)")
    }
    for url in [
      "smtp://mail.example.com", "smtp://127.0.0.1.example.com", "smtp://localhost.example.com", "smtp://0.0.0.0",
      "smtp://[::2]", "smtp://10.0.0.1:587",
    ] {
      #expect(SMTPClient.tlsPolicy(url: url, sendsCredentials: true) == .required, "\(url)")
    }
    #expect(SMTPClient.tlsPolicy(url: "smtp://mail.example.com", sendsCredentials: false) == .opportunistic)
  }

  /// `0.0.0.0` is not textually loopback, yet Linux connects it to 127.0.0.1, where
  /// the receiver listens: the refusal below is STARTTLS missing, not an unreachable
  /// host (the same host without credentials gets the message through).
  @Test func aServerWithoutSTARTTLSNeverSeesThePasswordOfANonLoopbackHost() throws {
    let server = try SMTPReceiver(user: "mailer", password: "s3cret-pw")
    #expect(throws: DeliveryError.self) {
      try SMTPClient.send(
        message, from: "sizebudget@example.com", to: ["team@example.com"], url: "smtp://0.0.0.0:\(server.port)",
        user: "mailer", password: "s3cret-pw")
    }
    do {
      try SMTPClient.send(
        message, from: "sizebudget@example.com", to: ["team@example.com"], url: "smtp://0.0.0.0:\(server.port)",
        user: "mailer", password: "s3cret-pw")
    } catch {
      #expect(error.kind == .tlsRequired)
      #expect(error.message.contains("does not offer STARTTLS"), "\(error.message)")
      #expect(!error.message.contains("s3cret-pw"))
    }
    #expect(server.authAttempts().isEmpty, "AUTH was attempted: \(server.authAttempts())")
    #expect(server.messages().isEmpty)

    // The loopback address itself: plain AUTH is allowed and the message arrives.
    try SMTPClient.send(
      message, from: "sizebudget@example.com", to: ["team@example.com"], url: "smtp://127.0.0.1:\(server.port)",
      user: "mailer", password: "s3cret-pw")
    #expect(server.authAttempts() == ["mailer"])
    #expect(server.messages().count == 1)
  }

  @Test func zeroAddressReachesTheReceiverWithoutCredentials() throws {
    let server = try SMTPReceiver()
    try SMTPClient.send(
      message, from: "sizebudget@example.com", to: ["team@example.com"], url: "smtp://0.0.0.0:\(server.port)",
      user: nil, password: nil)
    #expect(server.messages().count == 1)
  }
}
