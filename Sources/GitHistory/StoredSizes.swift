import Foundation

/// How many bytes git itself stores a blob in: a loose object is its zlib stream in
/// one file; a packed one is the distance to the next entry of its pack (read from
/// the pack's .idx offsets). Both are zlib at git's level, close to what gzip makes of
/// the same bytes in an image layer. A packed blob stored as a delta against another
/// has no size of its own here (its delta is not its size): that gives nil, and so
/// does a blob in an alternate object database.
public final class StoredSizes {
  let objects: String
  private var packs: [PackIndex]?

  public init(_ repository: Repository) { objects = repository.objectsDirectory + "/" }

  public func zlibSize(of blob: ObjectID) -> Int64? {
    let hex = blob.hex
    let loose = objects + hex.prefix(2) + "/" + hex.dropFirst(2)
    var status = stat()
    if stat(loose, &status) == 0 { return Int64(status.st_size) }
    if packs == nil { packs = loadPacks() }
    for pack in packs ?? [] {
      if let size = pack.storedSize(of: blob) { return size }
    }
    return nil
  }

  private func loadPacks() -> [PackIndex] {
    let directory = objects + "pack/"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return names.filter { $0.hasSuffix(".idx") }.sorted().compactMap { PackIndex(path: directory + $0) }
  }
}

/// A version 2 pack index (`git help format-pack`): fan-out, sorted names, CRCs,
/// 32-bit offsets (the high bit points into a 64-bit table), then the pack's size.
final class PackIndex {
  let index: Data
  let count: Int
  let packPath: String
  /// Every entry's offset, sorted, ending with the offset of the pack's trailer.
  let sortedOffsets: [Int64]

  init?(path: String) {
    guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped), data.count >= 8 + 1024,
      data.starts(with: [0xff, 0x74, 0x4f, 0x63]), Self.uint32(data, 4) == 2
    else { return nil }
    index = data
    let entries = Int(Self.uint32(data, 8 + 255 * 4))
    count = entries
    let pack = String(path.dropLast(4)) + ".pack"
    packPath = pack
    guard data.count >= 8 + 1024 + entries * 28 + 40 else { return nil }
    var status = stat()
    guard stat(pack, &status) == 0 else { return nil }
    var offsets = (0..<entries).map { Self.offset(data, count: entries, at: $0) }
    offsets.sort()
    offsets.append(Int64(status.st_size) - 20)
    sortedOffsets = offsets
  }

  /// The stored bytes of a blob that the pack holds whole (not as a delta).
  func storedSize(of blob: ObjectID) -> Int64? {
    guard let position = position(of: blob) else { return nil }
    let start = Self.offset(index, count: count, at: position)
    guard let header = entryHeader(at: start), header.type >= 1 && header.type <= 4 else { return nil }
    // The next entry in the pack, by offset, is where this one's zlib stream ends.
    var low = 0
    var high = sortedOffsets.count - 1
    while low < high {
      let middle = (low + high) / 2
      if sortedOffsets[middle] <= start { low = middle + 1 } else { high = middle }
    }
    return sortedOffsets[low] - start - Int64(header.length)
  }

  /// Binary search of the sorted names within the fan-out's bounds.
  private func position(of blob: ObjectID) -> Int? {
    withUnsafeBytes(of: blob.raw) { target -> Int? in
      let first = Int(target[0])
      var low = first == 0 ? 0 : Int(Self.uint32(index, 8 + (first - 1) * 4))
      var high = Int(Self.uint32(index, 8 + first * 4))
      while low < high {
        let middle = (low + high) / 2
        let base = 8 + 1024 + middle * 20
        let order = index.withUnsafeBytes { bytes in memcmp(bytes.baseAddress! + base, target.baseAddress!, 20) }
        if order == 0 { return middle }
        if order < 0 { low = middle + 1 } else { high = middle }
      }
      return nil
    }
  }

  /// The entry's type (1 commit … 4 tag, 6 and 7 deltas) and its header's length.
  private func entryHeader(at offset: Int64) -> (type: Int, length: Int)? {
    guard let handle = FileHandle(forReadingAtPath: packPath) else { return nil }
    defer { try? handle.close() }
    guard (try? handle.seek(toOffset: UInt64(offset))) != nil, let bytes = try? handle.read(upToCount: 16),
      let first = bytes.first
    else { return nil }
    var length = 1
    while length < bytes.count, bytes[bytes.startIndex + length - 1] & 0x80 != 0 { length += 1 }
    return (Int(first >> 4) & 7, length)
  }

  private static func offset(_ data: Data, count: Int, at position: Int) -> Int64 {
    let small = 8 + 1024 + count * 24
    let value = uint32(data, small + position * 4)
    guard value & 0x8000_0000 != 0 else { return Int64(value) }
    let large = small + count * 4 + Int(value & 0x7fff_ffff) * 8
    return Int64(uint32(data, large)) << 32 | Int64(uint32(data, large + 4))
  }

  private static func uint32(_ data: Data, _ at: Int) -> UInt32 {
    data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> UInt32 in
      var value: UInt32 = 0
      for index in at..<at + 4 { value = value << 8 | UInt32(bytes[index]) }
      return value
    }
  }
}
