import Formats
import Testing

/// Free text fitted to the terminal: broken between words, continuation lines under
/// the text, paths and figures never cut.
@Suite struct TextWrapTests {
  @Test func aLongLineBreaksBetweenWordsUnderItsText() {
    let line = "  ✗ forbid     8 files (1.41 MB) match /usr/bin/gcc* in the image, the largest layer first"
    let lines = TextWrap.wrap(line, width: 40)
    #expect(lines.count > 1)
    for wrapped in lines { #expect(wrapped.count <= 40, "\(wrapped)") }
    // After the indentation and the "✗" marker.
    #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("    ") && !$0.hasPrefix("     ") }, "\(lines)")
    #expect(lines.flatMap { $0.split(separator: " ") } == line.split(separator: " "), "no word lost or cut")
  }

  @Test func aFigureMovesWhole() {
    let lines = TextWrap.wrap("finding: build toolchain saves 162 MB uncompressed, ≈ 70.8 MB compressed", width: 34)
    #expect(lines.contains { $0.contains("162 MB") }, "\(lines)")
    #expect(lines.contains { $0.contains("≈ 70.8 MB") }, "\(lines)")
    for wrapped in lines { #expect(wrapped.count <= 34, "\(wrapped)") }
  }

  @Test func aPathLongerThanTheWidthStaysWholeOnItsOwnLine() {
    let path = "/usr/lib/python3.12/site-packages/torch/lib/libtorch_cuda_linalg.so"
    let lines = TextWrap.wrap("      largest: \(path) (812 MB)", width: 40)
    #expect(lines == ["      largest:", "        \(path)", "        (812 MB)"], "\(lines)")
  }

  @Test func colourCodesTakeNoColumnsAndShortLinesAreLeftAlone() {
    let red = "\u{1B}[1;31m✗ api\u{1B}[0m"
    let line = red + "  over budget: max, forbid ×2, max_growth"
    #expect(TextWrap.wrap(line, width: 60) == [line])
    #expect(TextWrap.visibleWidth(red) == 5)
    let wrapped = TextWrap.wrap(line, width: 30)
    #expect(wrapped.count == 2, "\(wrapped)")
    #expect(wrapped == [red + "  over budget: max,", "  forbid ×2, max_growth"], "\(wrapped)")
    #expect(TextWrap.fit("a\n\nb", width: 20) == "a\n\nb")
    #expect(TextWrap.fit(line, width: nil) == line)
  }
}
