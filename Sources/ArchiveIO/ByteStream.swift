import SystemCalls

/// A source of bytes read front to back: a file range, standard input, a
/// decompressor. Streams are used by one thread at a time.
public protocol ByteStream: AnyObject {
  /// Reads up to `buffer.count` bytes; 0 means the end.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
  /// Moves past `count` bytes, seeking where the stream can, reading where it cannot.
  /// Ending early is an error.
  func skip(_ count: Int64) throws
}

/// The size of the reads that move data between streams.
public let streamChunkSize = 256 * 1024

extension ByteStream {
  /// Reads and discards `count` bytes.
  public func discard(_ count: Int64) throws {
    var remaining = count
    // Small skips are the common case (the rest of a small file): no 256 KiB buffer
    // (and its page faults) for them.
    let buffer = UnsafeMutableRawBufferPointer.allocate(
      byteCount: Int(min(Int64(streamChunkSize), max(count, 1))), alignment: 16)
    defer { buffer.deallocate() }
    while remaining > 0 {
      let want = Int(min(Int64(buffer.count), remaining))
      let got = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]))
      if got == 0 { throw ArchiveError.endOfData("unexpected end of data: \(remaining) bytes missing") }
      remaining -= Int64(got)
    }
  }

  /// Fills `buffer` completely, or throws at a premature end.
  public func readExactly(into buffer: UnsafeMutableRawBufferPointer) throws {
    var filled = 0
    while filled < buffer.count {
      let got = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
      if got == 0 { throw ArchiveError.endOfData("unexpected end of data: \(buffer.count - filled) bytes missing") }
      filled += got
    }
  }

  /// Reads up to `limit` bytes into an array (for small members such as JSON).
  public func readAll(limit: Int) throws -> [UInt8] {
    var result: [UInt8] = []
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    defer { buffer.deallocate() }
    while true {
      let got = try read(into: buffer)
      if got == 0 { return result }
      if result.count + got > limit { throw ArchiveError("more than \(limit) bytes where a small file was expected") }
      result.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<got]))
    }
  }

  /// Reads to the end, returning how many bytes there were.
  public func drain() throws -> Int64 {
    var total: Int64 = 0
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: streamChunkSize, alignment: 16)
    defer { buffer.deallocate() }
    while true {
      let got = try read(into: buffer)
      if got == 0 { return total }
      total += Int64(got)
    }
  }
}

/// An open file, shared by the ranges read from it; closed when the last goes.
/// `pread` keeps no file position, so several threads can read ranges at once.
public final class OpenFile: Sendable {
  public let descriptor: Int32
  public let path: String
  public let size: Int64

  public init(path: String) throws {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw ArchiveError("cannot open \(path): \(String(cString: strerror(errno)))")
    }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else {
      close(descriptor)
      throw ArchiveError("cannot stat \(path): \(String(cString: strerror(errno)))")
    }
    if (info.st_mode & S_IFMT) == S_IFDIR {
      close(descriptor)
      throw ArchiveError("\(path) is a directory, not a file")
    }
    self.descriptor = descriptor
    self.path = path
    self.size = Int64(info.st_size)
  }

  deinit { close(descriptor) }

  /// Reads exactly at `offset`; a short read means the file ended.
  public func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    while true {
      let got = pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset))
      if got >= 0 { return got }
      if errno == EINTR { continue }
      throw ArchiveError("cannot read \(path): \(String(cString: strerror(errno)))")
    }
  }
}

/// `length` bytes of a file from `offset`: a tar member, a blob. Skipping is free.
public final class FileRange: ByteStream {
  public let file: OpenFile
  public let start: Int64
  public let length: Int64
  private var position: Int64 = 0

  public init(file: OpenFile, offset: Int64 = 0, length: Int64? = nil) {
    self.file = file
    self.start = offset
    self.length = length ?? (file.size - offset)
  }

  public var remaining: Int64 { length - position }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    let want = Int(min(Int64(buffer.count), remaining))
    guard want > 0 else { return 0 }
    let got = try file.read(at: start + position, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]))
    if got == 0 {
      throw ArchiveError.endOfData("\(file.path) ends \(remaining) bytes early: the file is truncated")
    }
    position += Int64(got)
    return got
  }

  public func skip(_ count: Int64) throws {
    guard count <= remaining else {
      throw ArchiveError.endOfData("unexpected end of data: skipping \(count) bytes with only \(remaining) left")
    }
    position += count
  }
}

/// A file descriptor read front to back (standard input, a pipe); skipping reads.
public final class DescriptorStream: ByteStream {
  private let descriptor: Int32
  private let name: String

  public init(descriptor: Int32, name: String) {
    self.descriptor = descriptor
    self.name = name
  }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    while true {
      let got = Descriptors.read(descriptor, into: buffer)
      if got >= 0 { return got }
      throw ArchiveError("cannot read \(name): \(String(cString: strerror(errno)))")
    }
  }

  public func skip(_ count: Int64) throws { try discard(count) }
}

/// Bytes already in memory (small members, tests).
public final class MemoryStream: ByteStream {
  private let bytes: [UInt8]
  private var position = 0

  public init(_ bytes: [UInt8]) { self.bytes = bytes }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    let count = min(buffer.count, bytes.count - position)
    guard count > 0 else { return 0 }
    bytes.withUnsafeBytes { source in
      buffer.baseAddress!.copyMemory(from: source.baseAddress! + position, byteCount: count)
    }
    position += count
    return count
  }

  public func skip(_ count: Int64) throws {
    guard count >= 0, count <= Int64(bytes.count - position) else {
      throw ArchiveError.endOfData("unexpected end of data")
    }
    position += Int(count)
  }
}
