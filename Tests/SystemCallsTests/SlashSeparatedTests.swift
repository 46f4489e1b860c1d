import SystemCalls
import Testing

@Suite struct SlashSeparatedTests {
  @Test func leavesOutEmptyNames() {
    #expect("/usr//bin/gcc-12/".slashSeparated() == ["usr", "bin", "gcc-12"])
    #expect("usr/bin".slashSeparated() == ["usr", "bin"])
    #expect("".slashSeparated().isEmpty)
    #expect("///".slashSeparated().isEmpty)
    #expect("/".slashSeparated().isEmpty)
  }

  /// Where no `/` shares a Character with its neighbour, both splits agree.
  @Test func agreesWithSplittingByCharacterElsewhere() {
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
    #expect(parts.map { Array($0.utf8) } == [[0x61], [0xCC, 0x81, 0x62]])
    // A prepended concatenation mark (U+0600) joins the slash after it.
    #expect("\u{600}/x".slashSeparated().map { Array($0.utf8) } == [[0xD8, 0x80], [0x78]])
  }

  @Test func splitsAtTheLastSlashByByte() throws {
    let split = try #require("/usr/lib/\u{301}libz.so".splitAtLastSlash())
    #expect(split.parent == "/usr/lib")
    #expect(Array(split.name.utf8) == Array("\u{301}libz.so".utf8))
    #expect("/etc".splitAtLastSlash().map { [String($0.parent), String($0.name)] } == ["", "etc"])
    #expect("name".splitAtLastSlash() == nil)
    #expect("dir/".splitAtLastSlash().map { [String($0.parent), String($0.name)] } == ["dir", ""])
  }
}
