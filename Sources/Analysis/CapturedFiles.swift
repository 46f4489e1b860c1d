import ArchiveIO
import Foundation

/// The package databases a layer holds (dpkg status and lists, RECORDs, METADATA,
/// package.json), by path. A venv's RECORDs name every file it installed, so they grow
/// with the number of files (15 MB for 300,000): past the first megabyte they go to an
/// unlinked temporary file and are read back, once each, when packages are attributed
/// (issue 16: memory flat in the number of files). Only the index stays in memory, one
/// entry per database file.
final class CapturedFiles: @unchecked Sendable {
  private enum Place {
    case memory([UInt8])
    case spilled(offset: Int64, count: Int)
  }

  /// Kept in memory up to this many bytes: small images need no file.
  static let memoryLimit = 1 << 20

  // Written by the one thread that scans the layer, read after it is done (the
  // layer's result is handed over under a lock); `pread` keeps no file position.
  private var index: [String: Place] = [:]
  private var inMemory = 0
  private var descriptor: Int32 = -1
  private var end: Int64 = 0

  deinit { if descriptor >= 0 { close(descriptor) } }

  var count: Int { index.count }
  var paths: [String] { index.keys.sorted() }

  func add(_ path: String, _ bytes: [UInt8]) throws {
    if inMemory + bytes.count <= Self.memoryLimit || !openSpill() {
      inMemory += bytes.count
      index[path] = .memory(bytes)
      return
    }
    let written = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, off_t(end)) }
    guard written == bytes.count else {
      throw ArchiveError(
        "cannot write package databases to a temporary file in \(NSTemporaryDirectory()): "
          + "\(String(cString: strerror(errno))); free space there or set TMPDIR to another directory")
    }
    index[path] = .spilled(offset: end, count: bytes.count)
    end += Int64(bytes.count)
  }

  /// The bytes of a database file, or nil when the layer holds no such file.
  subscript(path: String) -> [UInt8]? {
    switch index[path] {
    case nil: return nil
    case .memory(let bytes): return bytes
    case .spilled(let offset, let count):
      var bytes = [UInt8](repeating: 0, count: count)
      let read = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(offset)) }
      // The file is ours and unlinked: a short read is a failing disk, read as no
      // database (the files count as unowned) rather than a crash.
      return read == count ? bytes : nil
    }
  }

  /// An unlinked temporary file, made on first need; false when none can be made
  /// (then everything stays in memory, as before issue 16).
  private func openSpill() -> Bool {
    if descriptor >= 0 { return true }
    var template = Array((NSTemporaryDirectory() + "/sizebudget-packages-XXXXXX").utf8CString)
    let made = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard made >= 0 else { return false }
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    descriptor = made
    return true
  }
}
