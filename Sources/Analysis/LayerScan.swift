import ArchiveIO
import ImageSource
import Model
import SystemCalls

/// One layer's tar, read once: its entries in order, and what its bytes weigh.
struct LayerScan: Sendable {
  enum EntryKind: Sendable {
    case file, directory, link, whiteout, opaque
  }

  struct Entry: Sendable {
    /// Absolute, normalised: `/usr/bin/gcc-12`. For a whiteout, the path it deletes;
    /// for an opaque marker, the directory it empties.
    var path: String
    var size: Int64
    var kind: EntryKind
    /// A symbolic link's target as the tar has it (`usr/lib`), for resolving package
    /// lists that name files by a linked directory (`/lib/…` on merged-/usr systems).
    var symlinkTarget: String? = nil
  }

  /// Compressed as they are read: a few bytes per file (see `LayerEntries`).
  var entries = LayerEntries()
  var compression: Compression = .none
  /// Bytes of the blob as stored.
  var storedBytes: Int64 = 0
  /// Bytes of the uncompressed tar stream.
  var tarBytes: Int64 = 0
  var blobDigest: String? = nil
  var tarDigest: String? = nil
  /// For an uncompressed layer, the estimated gzip size.
  var estimatedCompressed: Int64? = nil
  /// Package databases and manifests (dpkg status and lists, apk's installed, Python
  /// RECORDs and METADATA, npm package.json), by path, as this layer has them.
  var captured = CapturedFiles()
  /// ELF files with symbols or debug sections: the bytes `strip` would save, by path.
  var strippable: [String: Int64] = [:]
  /// Fingerprints (`ContentHashingStream`: two CRC-64s, not SHA-256) of regular files
  /// of `DuplicateContent.minimumFileSize` or more, by path, taken while their bytes
  /// pass for the ELF check (so only when inspecting).
  var contentDigests: [String: String] = [:]
  /// What was looked at beyond the headers (see `StoredLayerScan`).
  var coverage: Coverage = []

  var fileCount: Int { entries.fileCount }

  static let whiteoutPrefix = ".wh."
  static let opaqueMarker = ".wh..wh..opq"

  /// Turns a tar entry into what the merge needs to know.
  static func entry(from tar: TarEntry) -> Entry? {
    guard !tar.name.isEmpty else { return nil }
    let split = tar.name.splitAtLastSlash()
    let base = split.map { String($0.name) } ?? tar.name
    let parent = split.map { "/" + $0.parent } ?? ""
    if base == opaqueMarker { return Entry(path: parent.isEmpty ? "/" : parent, size: 0, kind: .opaque) }
    if base.hasPrefix(whiteoutPrefix) {
      return Entry(path: parent + "/" + base.dropFirst(whiteoutPrefix.count), size: 0, kind: .whiteout)
    }
    let path = "/" + tar.name
    switch tar.kind {
    case .file: return Entry(path: path, size: tar.size, kind: .file)
    case .directory: return Entry(path: path, size: 0, kind: .directory)
    case .symlink: return Entry(path: path, size: 0, kind: .link, symlinkTarget: tar.linkName)
    case .hardlink, .other: return Entry(path: path, size: 0, kind: .link)
    }
  }
}

/// Reads a layer's bytes into a `LayerScan`, verifying digests on the way.
enum LayerScanner {
  struct Options: Sendable {
    /// Hash every layer and check the digests the image names (false: `--no-verify`).
    var verify = true
    /// Estimate the gzip size of uncompressed layers.
    var estimate = true
    var expansionLimit = ExpansionLimit.standard
    /// Keep package databases and inspect ELF files.
    var inspect = true
    /// Hash big files' contents while inspecting (duplicate content).
    var contentHashes = true
  }

  static func scan(_ raw: ByteStream, layer: LayerDescriptor, storedSize: Int64?, options: Options) throws
    -> LayerScan
  {
    let peekable = PeekableStream(raw)
    var scan = LayerScan()
    scan.compression = Compression.detect(try peekable.peek(4))
    if scan.compression == .none {
      // A file's range is sampled for the estimate apart from its reading.
      let fileEstimate = options.estimate ? (raw as? FileRange).map(FileRangeEstimate.init) : nil
      try scanUncompressed(
        peekable, storedSize: storedSize, fileEstimate: fileEstimate, options: options, into: &scan)
    } else {
      try scanCompressed(peekable, options: options, into: &scan)
    }
    try verify(scan, layer)
    // Coverage is what a reuse may count on, and only a hashed scan is ever stored.
    if options.inspect && scan.tarDigest != nil {
      scan.coverage = options.contentHashes ? [.inspected, .contentHashes] : .inspected
    }
    return scan
  }

  /// A scan made before of the same layer (same diff id, same stored size, same blob
  /// digest where the manifest names one), when it holds all a fresh scan would.
  static func reuse(_ stored: StoredLayerScan?, layer: LayerDescriptor, storedSize: Int64?, options: Options)
    -> LayerScan?
  {
    guard let stored, stored.diffID == layer.diffID, stored.storedBytes == storedSize, let scan = LayerScan(stored),
      layer.blobDigest == nil || layer.blobDigest == scan.blobDigest
    else { return nil }
    var needed: LayerScan.Coverage = []
    if options.inspect { needed.insert(.inspected) }
    if options.inspect && options.contentHashes { needed.insert(.contentHashes) }
    guard scan.coverage.isSuperset(of: needed) else { return nil }
    if options.estimate && scan.compression == .none && scan.estimatedCompressed == nil { return nil }
    return scan
  }

  private static func scanCompressed(_ raw: ByteStream, options: Options, into scan: inout LayerScan) throws {
    // With --no-verify the digests the image names are trusted: the bytes are counted,
    // not hashed (the two SHA-256 streams cost as much CPU as zstd's inflate, so
    // verified, a zstd layer cannot be read as fast as `zstd -dc` on two cores).
    let blob = HashingStream(raw, hashing: options.verify)
    // Three stages, each on a thread of its own: reading and hashing the blob;
    // inflating it; hashing and parsing the tar. A single big layer would otherwise
    // leave the second core idle. Inflating is the slowest stage; the first, the
    // lightest, runs at a lower priority, so that on two cores it fills the gaps of
    // the third instead of taking turns with the inflating. On the big image of issue
    // 16 (interleaved runs, medians): the gzip layout 8.86 s in two stages, 7.64 s in
    // three at one priority, 7.06 s so; the zstd layout 6.59, 6.64 and 5.94 s.
    let blobAhead = PipelinedStream(blob, niceness: 5)
    let tar = HashingStream(
      PipelinedStream(try decompressing(blobAhead, scan.compression, limit: options.expansionLimit)),
      hashing: options.verify)
    try readEntries(
      tar, inspecting: options.inspect, capturing: options.inspect, hashing: options.contentHashes, into: &scan)
    scan.tarDigest = try tar.finish()
    scan.tarBytes = tar.count
    // The decompressors read the blob to its end (trailing bytes are refused), so
    // nothing is left to read here: this makes sure the read-ahead thread is done
    // with the blob before its digest is taken.
    _ = try blobAhead.drain()
    scan.blobDigest = try blob.finish()
    scan.storedBytes = blob.count
  }

  /// `fileEstimate`: the estimate of a layer read from a file, made on its own; without
  /// one, an estimate (when asked for) samples the bytes as they pass.
  private static func scanUncompressed(
    _ raw: ByteStream, storedSize: Int64?, fileEstimate: FileRangeEstimate?, options: Options,
    into scan: inout LayerScan
  ) throws {
    if !options.verify, let storedSize {
      // Contents are seeked over, as fast as the file system allows: only package
      // databases, each file's first 64 bytes, an ELF file's section headers and the
      // estimate's sampled windows (by the estimate's threads, from a file) are read.
      // Big files' contents are not hashed (duplicate content needs every byte). Only
      // when the size is known: a stream of unknown length must be counted, never
      // taken as 0.
      let estimator = options.estimate && fileEstimate == nil ? CompressedSizeEstimator() : nil
      let stream = estimator.map { SampledStream(raw, estimator: $0) } ?? raw
      try readEntries(stream, inspecting: options.inspect, capturing: options.inspect, hashing: false, into: &scan)
      try stream.skip(storedSize - (estimator?.consumed ?? storedSize))
      scan.tarBytes = storedSize
      scan.storedBytes = storedSize
      scan.estimatedCompressed = try fileEstimate?.estimate() ?? estimator?.estimate()
      return
    }
    let estimator = options.estimate && fileEstimate == nil ? CompressedSizeEstimator() : nil
    let tar = HashingStream(raw, observer: estimator.map { estimator in { estimator.consume($0) } })
    // Reading and hashing the layer (and sampling a stream for the estimate) on one core;
    // parsing it and fingerprinting big files' contents on the other (when that was a
    // second SHA-256 over the same bytes, on one thread it took twice the hashing
    // floor, issue 16; the fingerprints are CRCs now, a quarter of its cost).
    let pipelined = PipelinedStream(tar)
    try readEntries(
      pipelined, inspecting: options.inspect, capturing: options.inspect, hashing: options.contentHashes,
      into: &scan)
    _ = try pipelined.drain()
    scan.tarDigest = try tar.finish()
    scan.tarBytes = tar.count
    scan.storedBytes = tar.count
    scan.blobDigest = scan.tarDigest
    scan.estimatedCompressed = try fileEstimate?.estimate() ?? estimator?.estimate()
  }

  /// Reads the entries; package databases are kept whole, and when the contents pass
  /// by anyway (`inspecting`), ELF files are checked for what a strip would save.
  private static func readEntries(
    _ stream: ByteStream, inspecting: Bool, capturing: Bool, hashing: Bool, into scan: inout LayerScan
  ) throws {
    let reader = TarReader(stream)
    let entries = try LayerEntries.Writer()
    while let tar = try reader.next() {
      guard let entry = LayerScan.entry(from: tar) else { continue }
      entries.append(entry)
      guard entry.kind == .file, entry.size > 0 else { continue }
      if capturing && PackageDatabases.wants(entry.path) && entry.size <= PackageDatabases.sizeLimit {
        try scan.captured.add(entry.path, try reader.contentStream().readAll(limit: Int(PackageDatabases.sizeLimit)))
      } else if inspecting && entry.size >= 1024 {
        // Big files are fingerprinted on the way (duplicate content); the rest is
        // drained below.
        let hasher =
          hashing && entry.size >= DuplicateContent.minimumFileSize
          ? ContentHashingStream(reader.contentStream()) : nil
        let content = hasher ?? reader.contentStream()
        var header = [UInt8](repeating: 0, count: 64)
        var got = 0
        while got < 64 {
          let count = try header.withUnsafeMutableBytes {
            try content.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[got...]))
          }
          if count == 0 { break }
          got += count
        }
        header.removeLast(64 - got)
        if ELFSections.isELF(header),
          let bytes = try ELFSections.strippableBytes(header: header, rest: content, size: entry.size)
        {
          scan.strippable[entry.path] = bytes
        }
        if let hasher { scan.contentDigests[entry.path] = try hasher.finish() }
      }
    }
    scan.entries = try entries.finish()
  }

  private static func verify(_ scan: LayerScan, _ layer: LayerDescriptor) throws {
    if let expected = layer.blobDigest, let actual = scan.blobDigest, expected != actual {
      throw ArchiveError(
        "digest mismatch: the manifest names \(expected) but the blob hashes to \(actual); the blob is corrupt or was replaced"
      )
    }
    if let expected = layer.diffID, let actual = scan.tarDigest, expected != actual {
      throw ArchiveError(
        "diff_id mismatch: the config names \(expected) but the uncompressed layer hashes to \(actual); the layer is corrupt"
      )
    }
  }
}
