import Testing

@testable import Forge

@Suite struct LinkHeaderTests {
  @Test func theNextPageIsFoundAmongTheOthers() {
    let value =
      "<https://api.github.com/repositories/1/issues/2/comments?page=1>; rel=\"prev\", "
      + "<https://api.github.com/repositories/1/issues/2/comments?page=3>; rel=\"next\", "
      + "<https://api.github.com/repositories/1/issues/2/comments?page=5>; rel=\"last\""
    #expect(LinkHeader.next(value) == "https://api.github.com/repositories/1/issues/2/comments?page=3")
    #expect(LinkHeader.next("<https://x/?page=1>; rel=\"first\"") == nil)
    #expect(LinkHeader.next(nil) == nil)
  }
}
