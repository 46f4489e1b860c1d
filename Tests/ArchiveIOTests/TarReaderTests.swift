import ArchiveIO
import TestSupport
import Testing

@Suite struct TarReaderTests {
  func entries(_ bytes: [UInt8]) throws -> [TarEntry] {
    let reader = TarReader(MemoryStream(bytes))
    var result: [TarEntry] = []
    while let entry = try reader.next() { result.append(entry) }
    return result
  }

  @Test func readsNamesKindsAndSizes() throws {
    let tar = TarBuilder([
      .directory("./usr/"), .file("./usr/bin/tool", size: 1000), .symlink("usr/bin/alias", to: "tool"),
      .file("/etc/passwd", "root:x:0:0\n"),
    ]).bytes()
    let result = try entries(tar)
    #expect(result.map(\.name) == ["usr", "usr/bin/tool", "usr/bin/alias", "etc/passwd"])
    #expect(result.map(\.kind) == [.directory, .file, .symlink, .file])
    #expect(result.map(\.size) == [0, 1000, 0, 11])
    #expect(result[2].linkName == "tool")
  }

  @Test func readsGNULongNames() throws {
    let long = "opt/" + String(repeating: "deep/", count: 40) + "file.txt"
    let result = try entries(TarBuilder([.file(long, size: 3)]).bytes())
    #expect(result.map(\.name) == [long])
    #expect(result.first?.size == 3)
  }

  @Test func readsContentOfTheCurrentEntry() throws {
    let reader = TarReader(MemoryStream(TarBuilder([.file("a", "hello"), .file("b", "world")]).bytes()))
    _ = try reader.next()
    #expect(try reader.contentStream().readAll(limit: 100) == Array("hello".utf8))
    #expect(try reader.next()?.name == "b")
    #expect(try reader.next() == nil)
  }

  /// A combining mark after the slash makes `/\u{301}` one Character, so splitting the
  /// name by Character found no `..` in it; the kernel, splitting by byte, would climb.
  @Test(arguments: ["../../etc/shadow", "../\u{301}x", "a/../\u{301}"])
  func refusesAPathTraversalName(name: String) throws {
    let error = try #require(throws: ArchiveError.self) {
      try entries(TarBuilder([.file(name, "x")]).bytes())
    }
    #expect(error.message.contains("climbs out of the archive's root"))
  }

  @Test func refusesABadChecksum() throws {
    let error = try #require(throws: ArchiveError.self) {
      try entries(TarBuilder([TarBuilder.Entry("a", [1], corruptChecksum: true)]).bytes())
    }
    #expect(error.message.contains("checksum does not match"))
  }

  @Test func refusesNegativeAndAbsurdSizes() throws {
    var negative = [UInt8](repeating: 0xFF, count: 12)
    negative[0] = 0xFF
    let error1 = try #require(throws: ArchiveError.self) {
      try entries(TarBuilder([TarBuilder.Entry("a", [], sizeField: negative)]).bytes())
    }
    #expect(error1.message.contains("negative size"))
    var huge = [UInt8](repeating: 0, count: 12)
    huge[0] = 0x80
    huge[4] = 0x7F  // 2^63-ish
    let error2 = try #require(throws: ArchiveError.self) {
      try entries(TarBuilder([TarBuilder.Entry("a", [], sizeField: huge)]).bytes())
    }
    #expect(error2.message.contains("absurd size"))
  }

  @Test func refusesAnArchiveThatEndsInsideAnEntry() throws {
    let tar = TarBuilder([.file("big", size: 5000)]).bytes()
    let error = try #require(throws: ArchiveError.self) { try entries(Array(tar.prefix(2048))) }
    #expect(error.message.contains("truncated"))
    let error2 = try #require(throws: ArchiveError.self) { try entries(Array(tar.prefix(300))) }
    #expect(error2.message.contains("ends inside a header"))
  }
}
