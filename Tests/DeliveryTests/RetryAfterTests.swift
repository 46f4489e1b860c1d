import Delivery
import Testing

/// A webhook receiver's `Retry-After` decides when the outbox tries again: whatever it
/// says must give a wait that the next attempt's time can hold.
@Suite struct RetryAfterTests {
  func wait(_ value: String?) -> Double? {
    HTTPResponse(status: 429, bodyPrefix: [], headers: value.map { ["retry-after": $0] } ?? [:]).retryAfter
  }

  @Test func secondsAreTakenAsTheyAreUpToADay() {
    #expect(wait(nil) == nil)
    #expect(wait("30") == 30)
    #expect(wait(" 120 ") == 120)
    #expect(wait("-5") == 0)
    #expect(wait("999999999") == 86_400)
  }

  /// `inf` and `1e19` overflowed `now + Int64(wait)` (a crash of the delivering command).
  @Test func whatIsNotAFiniteNumberOfSecondsIsAMinute() {
    #expect(wait("Wed, 21 Oct 2026 07:28:00 GMT") == 60)
    #expect(wait("inf") == 60)
    #expect(wait("nan") == 60)
    #expect(wait("1e19") == 86_400)
  }
}
