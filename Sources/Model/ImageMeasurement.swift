/// One image measured at one commit: what `measure` records and every later command
/// reads. Sizes are bytes. Codable as the JSON of `measure --format json`.
public struct ImageMeasurement: Sendable, Codable, Equatable {
  public var image: String
  public var commit: String
  public var source: String
  public var platform: String
  public var manifestDigest: String?
  public var configDigest: String?
  /// What a pull transfers: the sum of the layer blobs as stored in a registry.
  public var compressedBytes: Int64
  /// True when the source stores layers uncompressed (docker-archive) and the
  /// compressed size is an estimate.
  public var compressedEstimated: Bool
  /// The sum of the layers' uncompressed tar streams.
  public var uncompressedBytes: Int64
  /// Bytes in layers that the final filesystem does not show: files deleted by a
  /// whiteout or overwritten by a later layer.
  public var wastedBytes: Int64
  /// Regular files in the final filesystem.
  public var fileCount: Int
  public var pathDepth: Int
  public var toolVersion: String
  /// RFC 3339, UTC.
  public var measuredAt: String
  public var host: String
  public var layers: [LayerMeasurement]
  /// Directories down to `pathDepth`, and deeper paths that hold at least 1 MB.
  public var paths: [PathSize]
  /// The largest hidden files, at most `ImageMeasurement.wastedListLimit`.
  public var wasted: [WastedFile]
  public var forbidden: [PatternMatch]
  public var required: [RequiredPath]
  /// Packages of the final filesystem (and unowned files by directory), largest first.
  public var packages: [PackageSize] = []
  /// Built-in file categories (caches, bytecode, tests, …; see `FileCategories`) and
  /// `unstripped` (the bytes `strip` would save from ELF files), with examples.
  public var categories: [PatternMatch] = []
  /// False when only the manifest was read (a registry, without --paths): the
  /// compressed sizes are exact, the rest (uncompressed sizes, paths, waste) unknown.
  public var layersRead: Bool = true
  /// The base image and how many of the first layers are its, when known.
  public var baseImage: BaseImage? = nil
  /// The spread seen between measurements of this commit, when it was measured more
  /// than once with different results.
  public var noise: MeasurementNoise? = nil

  public static let wastedListLimit = 50
  /// Paths below `pathDepth` are kept when they hold at least this many bytes.
  public static let deepPathThreshold: Int64 = 1_000_000

  public func bytes(for metric: String) -> Int64 { metric == "uncompressed" ? uncompressedBytes : compressedBytes }

  /// The recorded size of a path, or 0 when the image has nothing there.
  public func bytes(at path: String) -> Int64 { paths.first { $0.path == path }?.bytes ?? 0 }

  public init(
    image: String, commit: String, source: String, platform: String, manifestDigest: String?, configDigest: String?,
    compressedBytes: Int64, compressedEstimated: Bool, uncompressedBytes: Int64, wastedBytes: Int64, fileCount: Int,
    pathDepth: Int, toolVersion: String, measuredAt: String, host: String, layers: [LayerMeasurement],
    paths: [PathSize], wasted: [WastedFile], forbidden: [PatternMatch], required: [RequiredPath]
  ) {
    self.image = image
    self.commit = commit
    self.source = source
    self.platform = platform
    self.manifestDigest = manifestDigest
    self.configDigest = configDigest
    self.compressedBytes = compressedBytes
    self.compressedEstimated = compressedEstimated
    self.uncompressedBytes = uncompressedBytes
    self.wastedBytes = wastedBytes
    self.fileCount = fileCount
    self.pathDepth = pathDepth
    self.toolVersion = toolVersion
    self.measuredAt = measuredAt
    self.host = host
    self.layers = layers
    self.paths = paths
    self.wasted = wasted
    self.forbidden = forbidden
    self.required = required
  }
}

public struct LayerMeasurement: Sendable, Codable, Equatable {
  public var index: Int
  /// The blob's digest (OCI) or, for an uncompressed layer, the digest of its tar.
  public var digest: String?
  public var diffID: String?
  public var mediaType: String?
  /// "none", "gzip" or "zstd", as found in the bytes.
  public var compression: String
  public var compressedBytes: Int64
  public var compressedEstimated: Bool
  public var uncompressedBytes: Int64
  /// Entries that are not directories or whiteouts.
  public var fileCount: Int
  public var createdBy: String?

  public init(
    index: Int, digest: String?, diffID: String?, mediaType: String?, compression: String, compressedBytes: Int64,
    compressedEstimated: Bool, uncompressedBytes: Int64, fileCount: Int, createdBy: String?
  ) {
    self.index = index
    self.digest = digest
    self.diffID = diffID
    self.mediaType = mediaType
    self.compression = compression
    self.compressedBytes = compressedBytes
    self.compressedEstimated = compressedEstimated
    self.uncompressedBytes = uncompressedBytes
    self.fileCount = fileCount
    self.createdBy = createdBy
  }
}

public struct PathSize: Sendable, Codable, Equatable {
  public var path: String
  public var bytes: Int64
  public var files: Int
  public init(path: String, bytes: Int64, files: Int) {
    self.path = path
    self.bytes = bytes
    self.files = files
  }
}

public struct WastedFile: Sendable, Codable, Equatable {
  public enum Reason: String, Sendable, Codable { case deleted, overwritten }
  public var path: String
  public var bytes: Int64
  /// The layer that added the hidden copy, and the one that hid it.
  public var addedIn: Int
  public var hiddenIn: Int
  public var reason: Reason

  public init(
    path: String, bytes: Int64, addedIn: Int, hiddenIn: Int, reason: Reason
  ) {
    self.path = path
    self.bytes = bytes
    self.addedIn = addedIn
    self.hiddenIn = hiddenIn
    self.reason = reason
  }
}

/// The files of the final filesystem that match one `forbid` pattern.
public struct PatternMatch: Sendable, Codable, Equatable {
  public struct Example: Sendable, Codable, Equatable {
    public var path: String
    public var bytes: Int64
    public var layer: Int
    /// For `duplicate-content`: the path that holds the same bytes and stays. Optional,
    /// so stored examples and notes from before it decode unchanged.
    public var sameAs: String? = nil
    /// For a symbolic link: the file it resolves to (whose bytes it ships, counted in
    /// `bytes`), or its target as written when that is not a file of the image.
    public var symlinkTarget: String? = nil

    public init(
      path: String, bytes: Int64, layer: Int, sameAs: String? = nil, symlinkTarget: String? = nil
    ) {
      self.path = path
      self.bytes = bytes
      self.layer = layer
      self.sameAs = sameAs
      self.symlinkTarget = symlinkTarget
    }
  }
  public var pattern: String
  public var files: Int
  public var bytes: Int64
  /// The largest matching files, at most `PatternMatch.exampleLimit`.
  public var examples: [Example]

  public static let exampleLimit = 20

  public init(
    pattern: String, files: Int, bytes: Int64, examples: [Example]
  ) {
    self.pattern = pattern
    self.files = files
    self.bytes = bytes
    self.examples = examples
  }
}

/// A path a budget requires to stay in the image.
public struct RequiredPath: Sendable, Codable, Equatable {
  public var path: String
  public var present: Bool
  public var bytes: Int64

  public init(
    path: String, present: Bool, bytes: Int64
  ) {
    self.path = path
    self.present = present
    self.bytes = bytes
  }
}

extension ImageMeasurement {
  /// Whether a `measured_at` is later than another. Both are RFC 3339 UTC; older
  /// measurements have whole seconds (`…:07Z`), newer ones milliseconds (`…:07.412Z`),
  /// which as plain strings would sort `…:07Z` after `…:07.412Z`.
  public static func isLater(_ a: String, than b: String) -> Bool { orderKey(a) > orderKey(b) }

  static func orderKey(_ time: String) -> String {
    guard time.hasSuffix("Z"), !time.contains(".") else { return time }
    return time.dropLast() + ".000Z"
  }
}
