import ArchiveIO
import TestSupport
import Testing

/// Crafted bytes that once trapped (a Swift runtime error, exit 132) instead of
/// ending in an ArchiveError: each must now give a clear error or a value.
@Suite struct CraftedInputTests {
  func entries(_ bytes: [UInt8]) throws -> [TarEntry] {
    let reader = TarReader(MemoryStream(bytes))
    var result: [TarEntry] = []
    while let entry = try reader.next() { result.append(entry) }
    return result
  }

  func pax(_ records: String) -> [UInt8] {
    TarBuilder([TarBuilder.Entry("pax", Array(records.utf8), type: UInt8(ascii: "x")), .file("a", "x")]).bytes()
  }

  @Test(arguments: [
    "1 x", "2 =\n", "3 ab\n", "9223372036854775807 path=x\n", "-5 path=x\n", "0 path=x\n", "12 path\n",
  ])
  func aPAXRecordWithABadLengthIsAnError(_ record: String) throws {
    #expect(throws: ArchiveError.self) { try entries(pax(record)) }
  }

  @Test func aPAXRecordWithoutItsNewlineIsAnError() throws {
    #expect(throws: ArchiveError.self) { try entries(pax("10 path=ab")) }
  }

  @Test func wellFormedPAXRecordsStillApply() throws {
    let result = try entries(pax("13 path=long\n10 size=1\n"))
    #expect(result.map(\.name) == ["long"])
    #expect(result.first?.size == 1)
  }

  /// A 64-bit little-endian ELF header with the given section header offset, entry
  /// size and count, followed by `table`.
  func elf(offset: UInt64, entrySize: UInt16 = 64, count: UInt16 = 1) -> [UInt8] {
    var header = [UInt8](repeating: 0, count: 64)
    header[0...3] = [0x7F, 0x45, 0x4C, 0x46]
    header[4] = 2
    header[5] = 1
    func put(_ at: Int, _ value: UInt64, _ width: Int) {
      for index in 0..<width { header[at + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))) }
    }
    put(0x28, offset, 8)
    put(0x3A, UInt64(entrySize), 2)
    put(0x3C, UInt64(count), 2)
    put(0x3E, 0, 2)
    return header
  }

  func strippable(_ header: [UInt8], rest: [UInt8], size: Int64) throws -> Int64? {
    try ELFSections.strippableBytes(header: header, rest: MemoryStream(rest), size: size)
  }

  @Test func anELFSectionOffsetBeyondInt64IsNotATrap() throws {
    #expect(try strippable(elf(offset: UInt64.max), rest: [], size: 1 << 20) == nil)
    #expect(try strippable(elf(offset: UInt64(Int64.max) - 10, count: 100), rest: [], size: Int64.max) == nil)
  }

  /// Section sizes past Int64, and sums of them, count as malformed, not as a trap.
  @Test func hugeSectionSizesAreNotATrap() throws {
    func section(size: UInt64) -> [UInt8] {
      var entry = [UInt8](repeating: 0, count: 64)
      entry[4] = 2  // SYMTAB, not allocated
      for index in 0..<8 { entry[32 + index] = UInt8(truncatingIfNeeded: size >> (8 * UInt64(index))) }
      return entry
    }
    let header = elf(offset: 64, count: 3)
    let table = section(size: 0) + section(size: UInt64.max) + section(size: 1 << 62)
    #expect(try strippable(header, rest: table, size: 64 + 192) == nil)
    let sum = section(size: 0) + section(size: UInt64(Int64.max)) + section(size: UInt64(Int64.max))
    #expect(try strippable(header, rest: sum, size: 64 + 192) == nil)
  }

  /// The expansion limit tripping while an entry's content is skipped is named as
  /// such, with its remedy, not called a truncated archive.
  @Test func theExpansionLimitInsideAnEntryNamesItsRemedy() throws {
    let tar = TarBuilder([.file("big", size: 400_000, fill: 0), .file("after", "x")]).bytes()
    let gzip = try GzipStream(
      MemoryStream(try Compressor.gzip(tar)), limit: ExpansionLimit(ratio: 10, allowance: 10_000))
    let reader = TarReader(gzip)
    var message = ""
    do {
      while try reader.next() != nil {}
    } catch {
      message = "\(error)"
    }
    #expect(message.contains("SIZEBUDGET_MAX_EXPANSION"), "\(message)")
    #expect(!message.contains("truncated"), "\(message)")
  }

  @Test func aHugeExpansionRatioDoesNotOverflow() throws {
    let gzip = try GzipStream(
      MemoryStream(try Compressor.gzip([UInt8](repeating: 0, count: 100_000))),
      limit: ExpansionLimit(ratio: Int64.max, allowance: 0))
    #expect(try gzip.drain() == 100_000)
  }
}
