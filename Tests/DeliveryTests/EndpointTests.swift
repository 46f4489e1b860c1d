import Endpoints
import Testing

@Suite struct EndpointTests {
  @Test func loopbackIsDecidedOnTheParsedAddress() {
    for host in [
      "localhost", "LOCALHOST", "localhost.", "127.0.0.1", "127.255.0.9", "127.1", "0x7f.0.0.1", "::1", "[::1]",
      "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1",
    ] {
      #expect(Endpoint.isLoopback(host: host), "\(host)")
    }
    for host in [
      "127.0.0.1.evil.example", "127.example", "localhost.example.com", "mylocalhost", "128.0.0.1", "0.0.0.0",
      "::", "::2", "10.0.0.1", "example.com", "deadbeef", "[::1",
    ] {
      #expect(!Endpoint.isLoopback(host: host), "\(host)")
    }
    #expect(Endpoint("http://127.0.0.1:8080/x")?.isLoopback == true)
    #expect(Endpoint("http://[::1]:8080/x")?.isLoopback == true)
    #expect(Endpoint("http://127.0.0.1.nip.io/x")?.isLoopback == false)
    #expect(Endpoint("http://user@127.0.0.1.evil.example/x")?.isLoopback == false)
    #expect(Endpoint("http://evil.example#@127.0.0.1/")?.isLoopback == false)
  }

  @Test func partsOfAURL() throws {
    let url = try #require(Endpoint("postgres://ci:pw@db.internal:5433/sizebudget?sslmode=require"))
    #expect(url.scheme == "postgres")
    #expect(url.userInfo == "ci:pw" && url.hasPassword)
    #expect(url.host == "db.internal" && url.port == 5433)
    #expect(Endpoint("not a url") == nil)
    #expect(Endpoint("https:///path") == nil)
  }

  @Test func redactionHidesUserInfoAndQueryValues() {
    #expect(Endpoint.redacted("https://tok@github.com/o/r.git") == "https://***@github.com/o/r.git")
    #expect(
      Endpoint.redacted("postgres://ci:pw@db/x?sslmode=require&password=pw")
        == "postgres://***@db/x?sslmode=***&password=***")
    #expect(Endpoint.redacted("https://h.example/hook?token=abc&flag#frag") == "https://h.example/hook?token=***&flag")
    #expect(Endpoint.redacted("https://h.example/a@b") == "https://h.example/a@b")
    #expect(Endpoint.redacted("origin") == "origin")
    #expect(Endpoint.withoutQuery("https://u:p@h/x?t=1") == "https://***@h/x")
  }

  @Test func anotherProgramsMessageIsScrubbed() {
    let remote = "https://u:s3cr3t@git.example/r.git?token=abc123"
    let text = "fatal: unable to access 'https://u:s3cr3t@git.example/r.git?token=abc123': auth u:s3cr3t token=abc123"
    let scrubbed = Endpoint.scrubbed(text, of: remote)
    #expect(!scrubbed.contains("s3cr3t") && !scrubbed.contains("abc123"), "\(scrubbed)")
  }
}
