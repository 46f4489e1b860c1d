import SystemCalls

/// A commit-graph file (git's format, version 1), memory-mapped: every commit's id,
/// parents, generation number and time in flat arrays, so walking 200,000 commits
/// reads no object from the object database.
///
/// Layout (git's Documentation/gitformat-commit-graph): a header `CGPH`, a chunk
/// table, then chunks OIDF (fan-out), OIDL (sorted ids), CDAT (tree, two parent
/// positions, generation and time per commit) and, for octopus merges, EDGE.
final class CommitGraph {
  static let noParent: UInt32 = 0x7000_0000
  static let extraEdges: UInt32 = 0x8000_0000

  private let base: UnsafeRawPointer
  private let length: Int
  let count: Int
  private let fanout: Int
  private let ids: Int
  private let data: Int
  private let edges: Int?

  /// Maps `path`; nil when it is missing or not a commit-graph this reader knows.
  init?(path: String) {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0, info.st_size >= 8 + 12 else { return nil }
    let length = Int(info.st_size)
    guard let mapped = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
      return nil
    }
    let base = UnsafeRawPointer(mapped)
    func unmap() { munmap(mapped, length) }
    // "CGPH", version 1, SHA-1, no base graphs.
    guard base.load(as: UInt32.self).bigEndian == 0x4347_5048, base.load(fromByteOffset: 4, as: UInt8.self) == 1,
      base.load(fromByteOffset: 5, as: UInt8.self) == 1, base.load(fromByteOffset: 7, as: UInt8.self) == 0
    else {
      unmap()
      return nil
    }
    let chunkCount = Int(base.load(fromByteOffset: 6, as: UInt8.self))
    var chunks: [UInt32: Int] = [:]
    for index in 0..<chunkCount {
      let entry = 8 + index * 12
      guard entry + 12 <= length else {
        unmap()
        return nil
      }
      let id = base.loadUnaligned(fromByteOffset: entry, as: UInt32.self).bigEndian
      let offset = Int(base.loadUnaligned(fromByteOffset: entry + 4, as: UInt64.self).bigEndian)
      chunks[id] = offset
    }
    guard let fanout = chunks[0x4F49_4446], let ids = chunks[0x4F49_444C], let data = chunks[0x4344_4154],
      fanout + 1024 <= length
    else {
      unmap()
      return nil
    }
    let count = Int(base.loadUnaligned(fromByteOffset: fanout + 255 * 4, as: UInt32.self).bigEndian)
    guard ids + count * 20 <= length, data + count * 36 <= length else {
      unmap()
      return nil
    }
    self.base = base
    self.length = length
    self.count = count
    self.fanout = fanout
    self.ids = ids
    self.data = data
    self.edges = chunks[0x4544_4745]
  }

  deinit { munmap(UnsafeMutableRawPointer(mutating: base), length) }

  func id(at position: Int) -> ObjectID { ObjectID(bytes: base + ids + position * 20) }

  /// Binary search within the id's fan-out bucket.
  func position(of id: ObjectID) -> Int? {
    var target = id.raw
    return withUnsafeBytes(of: &target) { key -> Int? in
      let first = Int(key[0])
      var low =
        first == 0 ? 0 : Int(base.loadUnaligned(fromByteOffset: fanout + (first - 1) * 4, as: UInt32.self).bigEndian)
      var high = Int(base.loadUnaligned(fromByteOffset: fanout + first * 4, as: UInt32.self).bigEndian)
      while low < high {
        let middle = (low + high) / 2
        let order = memcmp(base + ids + middle * 20, key.baseAddress!, 20)
        if order == 0 { return middle }
        if order < 0 { low = middle + 1 } else { high = middle }
      }
      return nil
    }
  }

  func firstParent(of position: Int) -> Int? {
    let parent = base.loadUnaligned(fromByteOffset: data + position * 36 + 20, as: UInt32.self).bigEndian
    return parent == Self.noParent ? nil : Int(parent)
  }

  /// Every parent, first parent first.
  func parents(of position: Int, into list: inout [Int]) {
    list.removeAll(keepingCapacity: true)
    let record = data + position * 36
    let first = base.loadUnaligned(fromByteOffset: record + 20, as: UInt32.self).bigEndian
    guard first != Self.noParent else { return }
    list.append(Int(first))
    let second = base.loadUnaligned(fromByteOffset: record + 24, as: UInt32.self).bigEndian
    if second == Self.noParent { return }
    guard second & Self.extraEdges != 0, let edges else {
      list.append(Int(second))
      return
    }
    var index = Int(second & ~Self.extraEdges)
    while edges + index * 4 + 4 <= length {
      let edge = base.loadUnaligned(fromByteOffset: edges + index * 4, as: UInt32.self).bigEndian
      list.append(Int(edge & ~Self.extraEdges))
      if edge & Self.extraEdges != 0 { return }
      index += 1
    }
  }

  /// The topological level: greater than every parent's.
  func generation(of position: Int) -> UInt32 {
    base.loadUnaligned(fromByteOffset: data + position * 36 + 28, as: UInt32.self).bigEndian >> 2
  }

  func time(of position: Int) -> Int64 {
    let high = UInt64(base.loadUnaligned(fromByteOffset: data + position * 36 + 28, as: UInt32.self).bigEndian & 0x3)
    let low = UInt64(base.loadUnaligned(fromByteOffset: data + position * 36 + 32, as: UInt32.self).bigEndian)
    return Int64(high << 32 | low)
  }
}
