import Testing

@testable import SystemCalls

@Suite struct SlashSeparatedTests {
  @Test func leavesOutEmptyNames() {
    #expect("/usr//bin/gcc-12/".slashSeparated() == ["usr", "bin", "gcc-12"])
    #expect("usr/bin".slashSeparated() == ["usr", "bin"])
    #expect("".slashSeparated().isEmpty)
    #expect("///".slashSeparated().isEmpty)
    #expect("/".slashSeparated().isEmpty)
  }

  @Test func agreesWithSplittingByCharacterOnEveryOtherPath() {
    let paths = [
      "/opt/venv/lib/python3.11/site-packages/torch/lib/libtorch_cpu.so", "./a/./b", "über/straße/日本語.txt",
      "emoji/👩‍👩‍👧/x", "a/../b", "trailing/", "é",
    ]
    for path in paths {
      #expect(path.slashSeparated() == path.split(separator: "/", omittingEmptySubsequences: true), "\(path)")
    }
  }

  /// A slash followed by a combining mark is one Character, so splitting by Character
  /// would keep `a/\u{301}b` whole; the kernel cuts it at the slash.
  @Test func cutsAtTheByteAsTheKernelDoes() {
    let parts = "a/\u{301}b".slashSeparated()
    #expect(parts.count == 2)
    #expect(parts.map { Array($0.utf8) } == [[0x61], [0xCC, 0x81, 0x62]])
    #expect("a/\u{301}b".split(separator: "/").count == 1)
  }
}
