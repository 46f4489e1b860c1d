import Analysis
import ArchiveIO
import Foundation
import ImageSource
import TestSupport
import Testing

/// An uncompressed layer read without hashing (`--no-verify`, its estimate known):
/// contents are seeked over, and still each ELF file's section headers and the
/// package databases are read, so the figures match a full read's.
@Suite struct SeekingScanTests {
  /// A 64-bit little-endian ELF file of `size` bytes whose section headers (at its end)
  /// name one non-loaded symbol table of `symbols` bytes: what a strip would save.
  static func elf(size: Int, symbols: Int) -> [UInt8] {
    var bytes = [UInt8](repeating: 0x5A, count: size)
    func put(_ value: Int, at offset: Int, width: Int) {
      for index in 0..<width { bytes[offset + index] = UInt8((value >> (8 * index)) & 0xff) }
    }
    bytes.replaceSubrange(0..<16, with: [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1] + [UInt8](repeating: 0, count: 9))
    let table = size - 2 * 64
    put(table, at: 0x28, width: 8)  // e_shoff
    put(64, at: 0x3A, width: 2)  // e_shentsize
    put(2, at: 0x3C, width: 2)  // e_shnum
    put(0, at: 0x3E, width: 2)  // e_shstrndx: section 0
    for offset in table..<size { bytes[offset] = 0 }
    put(2, at: table + 64 + 4, width: 4)  // section 1: SHT_SYMTAB, flags 0
    put(symbols, at: table + 64 + 32, width: 8)
    return bytes
  }

  @Test func aSeekedLayerStillFindsUnstrippedBinariesAndPackages() throws {
    let directory = try TemporaryDirectory()
    let archive = directory.url.appendingPathComponent("image.tar")
    let layer = ImageBuilder.Layer(
      [
        .init("usr/local/bin/tool", Self.elf(size: 600_000, symbols: 200_000)),
        .file("var/lib/dpkg/status", LayerScanReuseTests.status),
        .file("var/lib/dpkg/info/zlib1g.list", "/usr/lib/x86_64-linux-gnu/libz.so.1\n"),
        .file("usr/lib/x86_64-linux-gnu/libz.so.1", size: 120_000),
        .file("opt/data.bin", size: 300_000),
      ], createdBy: "COPY . /", compression: .none)
    try Data(try ImageBuilder([layer]).dockerArchive()).write(to: archive)
    var options = Measurer.Options(image: "app", commit: String(repeating: "c", count: 40))
    let reference = ImageReference.dockerArchive(path: archive.path, tag: nil)
    guard case .image(let full) = try Measurer(options).open(reference) else { throw ImageSourceError("no image") }
    let read = try Measurer(options).measure(full)

    options.verify = false
    options.knownEstimates = [
      read.layers[0].diffID!: KnownEstimate(
        compressedBytes: read.layers[0].compressedBytes, tarBytes: read.layers[0].uncompressedBytes)
    ]
    guard case .image(let image) = try Measurer(options).open(reference) else { throw ImageSourceError("no image") }
    let seeked = try Measurer(options).measure(image)
    let unstripped = try #require(seeked.categories.first { $0.pattern == "unstripped" })
    #expect(unstripped.examples.map(\.path) == ["/usr/local/bin/tool"])
    #expect(unstripped.bytes == 200_000)
    #expect(
      seeked.categories.first { $0.pattern == "unstripped" } == read.categories.first { $0.pattern == "unstripped" })
    #expect(seeked.packages.map(\.name) == read.packages.map(\.name))
    #expect(seeked.packages.contains { $0.name == "zlib1g" })
    #expect(seeked.uncompressedBytes == read.uncompressedBytes)
  }
}
