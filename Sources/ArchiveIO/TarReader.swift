import SystemCalls

/// One entry of a tar archive, with GNU long names and PAX paths already applied.
public struct TarEntry: Sendable {
  public enum Kind: Sendable, Equatable {
    case file, directory, symlink, hardlink, other
  }

  /// As written in the archive, without a leading `./` or `/`.
  public var name: String
  public var kind: Kind
  public var size: Int64
  public var linkName: String
}

/// Reads tar headers front to back (ustar, GNU and PAX), moving past contents with
/// `skip`, so an uncompressed file range never reads what it does not need.
///
/// Checked, with a clear error: header checksums, sizes that are negative or beyond
/// any real archive, names that climb out of the root (`../`), and an archive that
/// ends in the middle of an entry.
public final class TarReader {
  /// No real layer holds a single file of 16 TiB; a larger size is corruption.
  public static let maxEntrySize: Int64 = 1 << 44
  private static let block = 512

  private let stream: ByteStream
  private var pendingSkip: Int64 = 0
  private var header = [UInt8](repeating: 0, count: 512)
  public private(set) var finished = false

  public init(_ stream: ByteStream) { self.stream = stream }

  /// The next entry, or nil at the end of the archive. The previous entry's content
  /// is skipped if it was not read.
  public func next() throws -> TarEntry? {
    var longName: String? = nil
    var longLink: String? = nil
    var paxPath: String? = nil
    var paxLink: String? = nil
    var paxSize: Int64? = nil
    while true {
      try flushSkip()
      guard try readHeader() else {
        finished = true
        return nil
      }
      let type = header[156]
      var size = try parseSize()
      if let override = paxSize, type != UInt8(ascii: "x"), type != UInt8(ascii: "g") { size = override }
      switch type {
      case UInt8(ascii: "L"):
        longName = try readText(size)
        continue
      case UInt8(ascii: "K"):
        longLink = try readText(size)
        continue
      case UInt8(ascii: "x"):
        let records = try PAXRecords.parse(try readBytes(size))
        paxPath = records["path"] ?? paxPath
        paxLink = records["linkpath"] ?? paxLink
        if let text = records["size"] {
          guard let value = Int64(text), value >= 0, value <= Self.maxEntrySize else {
            throw ArchiveError("a PAX header gives an impossible size \"\(text)\"")
          }
          paxSize = value
        }
        continue
      case UInt8(ascii: "g"):
        _ = try readBytes(size)  // global headers carry no sizes we use
        continue
      default:
        break
      }
      let name = paxPath ?? longName ?? headerName()
      let link = paxLink ?? longLink ?? field(157, 100)
      let entry = TarEntry(
        name: try normalized(name), kind: kind(type), size: hasContent(type) ? size : 0, linkName: link)
      pendingSkip = paddedSize(entry.size)
      contentRemaining = entry.size
      return entry
    }
  }

  private var contentRemaining: Int64 = 0

  /// Reads the current entry's content (at most what is left of it).
  public func readContent(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    let want = Int(min(Int64(buffer.count), contentRemaining))
    guard want > 0 else { return 0 }
    let got = try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]))
    if got == 0 { throw ArchiveError.endOfData("the archive ends inside an entry's content: it is truncated") }
    contentRemaining -= Int64(got)
    pendingSkip -= Int64(got)
    return got
  }

  /// The current entry's content as a stream (ends with the entry).
  public func contentStream() -> ByteStream { EntryStream(reader: self) }

  private func flushSkip() throws {
    guard pendingSkip > 0 else { return }
    do {
      try stream.skip(pendingSkip)
    } catch let error as ArchiveError where error.isEndOfData {
      throw ArchiveError.endOfData("the archive ends inside an entry's content: it is truncated")
    }
    // Any other error (a corrupt stream, the expansion limit) is passed on as it is:
    // its message says what to do, which "truncated" would hide.
    pendingSkip = 0
    contentRemaining = 0
  }

  /// False at the end: a zero block (the end marker) or, tolerated, no data at all.
  private func readHeader() throws -> Bool {
    var filled = 0
    try header.withUnsafeMutableBytes { buffer in
      while filled < Self.block {
        let got = try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
        if got == 0 { break }
        filled += got
      }
    }
    if filled == 0 { return false }
    if filled < Self.block { throw ArchiveError.endOfData("the archive ends inside a header: it is truncated") }
    if header.allSatisfy({ $0 == 0 }) { return false }
    try verifyChecksum()
    return true
  }

  private func verifyChecksum() throws {
    var sum = 0
    for (index, byte) in header.enumerated() { sum += (148..<156).contains(index) ? 32 : Int(byte) }
    let stored = field(148, 8).trimmingCharacters(" \0")
    guard let value = Int(stored, radix: 8), value == sum else {
      throw ArchiveError("a tar header's checksum does not match: the archive is corrupt or not a tar file")
    }
  }

  /// Octal, or base-256 for large values (GNU); negative sizes are refused.
  private func parseSize() throws -> Int64 {
    if header[124] & 0x80 != 0 {
      if header[124] & 0x40 != 0 { throw ArchiveError("a tar header gives a negative size") }
      var value: Int64 = Int64(header[124] & 0x3F)
      for index in 125..<136 {
        guard value < (Self.maxEntrySize >> 8) + 1 else { throw absurd() }
        value = value << 8 | Int64(header[index])
      }
      guard value <= Self.maxEntrySize else { throw absurd() }
      return value
    }
    let text = field(124, 12).trimmingCharacters(" \0")
    if text.isEmpty { return 0 }
    guard let value = Int64(text, radix: 8), value >= 0 else {
      throw ArchiveError("a tar header's size field \"\(text)\" is not a number: the archive is corrupt")
    }
    guard value <= Self.maxEntrySize else { throw absurd() }
    return value
  }

  private func absurd() -> ArchiveError {
    ArchiveError("a tar header gives an absurd size (over 16 TiB): the archive is corrupt")
  }

  private func headerName() -> String {
    let name = field(0, 100)
    let isUstar = header[257..<262].elementsEqual("ustar".utf8)
    let prefix = isUstar ? field(345, 155) : ""
    return prefix.isEmpty ? name : prefix + "/" + name
  }

  /// Longer than any path Linux can open (PATH_MAX): corruption or a crafted layer.
  public static let maxNameBytes = 4096
  /// Deeper than any real tree; bounds the recursion of whoever walks the tree.
  public static let maxNameDepth = 512

  /// Strips `./` and `/`; refuses names that climb out of the root, and names longer
  /// or deeper than any real file system holds.
  private func normalized(_ name: String) throws -> String {
    guard name.utf8.count <= Self.maxNameBytes else {
      throw ArchiveError(
        "an entry's name is \(name.utf8.count) bytes long, more than any Linux path (\(Self.maxNameBytes)): the archive is corrupt or crafted"
      )
    }
    var parts: [Substring] = []
    for part in name.slashSeparated() {
      if part == "." { continue }
      if part == ".." {
        throw ArchiveError(
          "entry \"\(name)\" climbs out of the archive's root with '..': refusing a path-traversal name")
      }
      parts.append(part)
    }
    guard parts.count <= Self.maxNameDepth else {
      throw ArchiveError(
        "entry \"\(name.prefix(80))…\" is \(parts.count) directories deep, more than \(Self.maxNameDepth): the archive is corrupt or crafted"
      )
    }
    return parts.joined(separator: "/")
  }

  private func kind(_ type: UInt8) -> TarEntry.Kind {
    switch type {
    case UInt8(ascii: "0"), 0, UInt8(ascii: "7"): .file
    case UInt8(ascii: "5"): .directory
    case UInt8(ascii: "2"): .symlink
    case UInt8(ascii: "1"): .hardlink
    default: .other
    }
  }

  /// Links, directories and devices carry no content even if a size is written.
  private func hasContent(_ type: UInt8) -> Bool {
    type == UInt8(ascii: "0") || type == 0 || type == UInt8(ascii: "7") || type == UInt8(ascii: "S")
  }

  private func paddedSize(_ size: Int64) -> Int64 { (size + 511) / 512 * 512 }

  private func field(_ offset: Int, _ length: Int) -> String {
    let slice = header[offset..<offset + length]
    let end = slice.firstIndex(of: 0) ?? slice.endIndex
    return String(decoding: slice[offset..<end], as: UTF8.self)
  }

  private func readBytes(_ size: Int64) throws -> [UInt8] {
    guard size <= 1 << 20 else { throw ArchiveError("a tar extension header of \(size) bytes is too large") }
    var bytes = [UInt8](repeating: 0, count: Int(paddedSize(size)))
    try bytes.withUnsafeMutableBytes { try stream.readExactly(into: $0) }
    return Array(bytes[0..<Int(size)])
  }

  private func readText(_ size: Int64) throws -> String {
    let bytes = try readBytes(size)
    let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
    return String(decoding: bytes[..<end], as: UTF8.self)
  }

  /// The content of the current entry as a stream of its own.
  private final class EntryStream: ByteStream {
    let reader: TarReader
    init(reader: TarReader) { self.reader = reader }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { try reader.readContent(into: buffer) }

    func skip(_ count: Int64) throws {
      guard count <= reader.contentRemaining else { throw ArchiveError("skipping past the end of an entry") }
      try reader.stream.skip(count)
      reader.contentRemaining -= count
      reader.pendingSkip -= count
    }
  }
}

/// `length key=value\n` records of a PAX extended header.
enum PAXRecords {
  static func parse(_ bytes: [UInt8]) throws -> [String: String] {
    var records: [String: String] = [:]
    var index = 0
    while index < bytes.count {
      if bytes[index...].allSatisfy({ $0 == 0 }) { break }
      // The length counts the whole record: its digits, the space, `key=value` and the
      // newline. Checked before any slice is taken, since a crafted length would trap.
      guard let space = bytes[index...].firstIndex(of: UInt8(ascii: " ")), space > index, space - index <= 18,
        bytes[index..<space].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
        let length = Int(String(decoding: bytes[index..<space], as: UTF8.self)),
        length >= space - index + 2, length <= bytes.count - index,
        bytes[index + length - 1] == UInt8(ascii: "\n")
      else {
        throw ArchiveError(
          "a PAX extended header is malformed at byte \(index) (each record is \"LENGTH key=value\\n\"): the archive is corrupt"
        )
      }
      let record = bytes[(space + 1)..<(index + length - 1)]
      if let equals = record.firstIndex(of: UInt8(ascii: "=")) {
        records[String(decoding: record[record.startIndex..<equals], as: UTF8.self)] =
          String(decoding: record[(equals + 1)...], as: UTF8.self)
      }
      index += length
    }
    return records
  }
}

extension String {
  func trimmingCharacters(_ characters: String) -> String {
    let set = Set(characters)
    var view = Substring(self)
    while let first = view.first, set.contains(first) { view = view.dropFirst() }
    while let last = view.last, set.contains(last) { view = view.dropLast() }
    return String(view)
  }
}
