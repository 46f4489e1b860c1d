import ArchiveIO

/// A layer's entries in tar order, kept compressed from the moment they are read until
/// the merge walks them (issue 16: a 300,000-file layer's paths are some 40 MB as
/// strings, about 1 MB this way). Each path is written as the length it shares with the
/// one before and the rest (tar lists a directory's files together), then zstd.
struct LayerEntries: Sendable {
  private(set) var count = 0
  /// Regular files and links: what a layer's file count reports.
  private(set) var fileCount = 0
  /// The zstd frame; also what a stored scan keeps (`StoredLayerScan`).
  private(set) var compressed: [UInt8] = []

  init() {}

  /// From a stored scan: walked once here, so a corrupt record is refused (and the
  /// layer read again) rather than found broken during the merge.
  init?(count: Int, fileCount: Int, compressed: [UInt8]) {
    self.count = count
    self.fileCount = fileCount
    self.compressed = compressed
    var seen = 0
    var files = 0
    guard
      (try? decodeEach { entry in
        seen += 1
        if entry.kind == .file || entry.kind == .link { files += 1 }
      }) != nil, seen == count, files == fileCount
    else { return nil }
  }

  /// Decodes the entries and calls `body` with each, in tar order. Not a Sequence's
  /// `forEach`: decoding can fail (a stored scan that is corrupt), so it throws.
  func decodeEach(_ body: (LayerScan.Entry) throws -> Void) throws {
    guard count > 0 else { return }
    guard let reader = RecordReader(compressed: compressed) else { throw ArchiveError("cannot read a layer's entries") }
    var previous: [UInt8] = []
    for _ in 0..<count {
      guard let kind = reader.byte().flatMap(LayerScan.EntryKind.init(code:)), let size = reader.number(),
        let shared = reader.count(), shared <= previous.count, let rest = reader.count(),
        let suffix = reader.bytes(rest), let target = reader.optional()
      else { throw ArchiveError("a layer's entries are corrupt (kept in memory or in the store)") }
      previous.removeSubrange(shared...)
      previous.append(contentsOf: suffix)
      try body(
        LayerScan.Entry(path: String(decoding: previous, as: UTF8.self), size: size, kind: kind, symlinkTarget: target))
    }
  }

  /// Collects entries as the tar is read.
  final class Writer {
    private let record: RecordWriter
    private var previous: [UInt8] = []
    private var entries = LayerEntries()

    init() throws {
      // Level 1: the entries are written once per read layer, on the scanning core.
      guard let record = RecordWriter(level: 1) else { throw ArchiveError("cannot start zstd compression") }
      self.record = record
    }

    func append(_ entry: LayerScan.Entry) {
      record.byte(entry.kind.code)
      record.number(entry.size)
      var path = entry.path
      path.withUTF8 { bytes in
        var shared = 0
        let most = min(bytes.count, previous.count)
        while shared < most && bytes[shared] == previous[shared] { shared += 1 }
        record.number(Int64(shared))
        record.number(Int64(bytes.count - shared))
        record.bytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[shared...])))
        previous.removeSubrange(shared...)
        previous.append(contentsOf: bytes[shared...])
      }
      record.optional(entry.symlinkTarget)
      entries.count += 1
      if entry.kind == .file || entry.kind == .link { entries.fileCount += 1 }
    }

    func finish() throws -> LayerEntries {
      guard let compressed = record.finish() else { throw ArchiveError("cannot compress a layer's entries") }
      entries.compressed = compressed
      return entries
    }
  }
}

extension LayerScan.EntryKind {
  var code: UInt8 {
    switch self {
    case .file: 0
    case .directory: 1
    case .link: 2
    case .whiteout: 3
    case .opaque: 4
    }
  }

  init?(code: UInt8) {
    switch code {
    case 0: self = .file
    case 1: self = .directory
    case 2: self = .link
    case 3: self = .whiteout
    case 4: self = .opaque
    default: return nil
    }
  }
}
