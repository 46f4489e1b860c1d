import ArchiveIO
import Budgets
import Dispatch
import Foundation
import ImageSource
import Model
import SystemCalls

/// Reads an image into a `ImageMeasurement`: layers are scanned (two at a time on two
/// cores, largest first), merged into the final filesystem, and summed per path.
public struct Measurer: Sendable {
  public struct Options: Sendable {
    public var image: String
    public var commit: String
    public var platform: Platform? = nil
    public var pathDepth = 4
    public var forbid: [PathPattern] = []
    public var require: [String] = []
    /// Paths to record whatever their depth (budgeted `[image.X.paths]`).
    public var extraPaths: [String] = []
    /// Hash every layer and check the digests the manifest and config name; without,
    /// they are trusted, and no layer scan is kept for reuse.
    public var verify = true
    /// Estimate the gzip size of layers stored uncompressed.
    public var estimateCompressed = true
    /// Estimates made before, by diff id: base layers are shared by many builds, so
    /// only new layers need estimating. One is used for a layer of the same tar size
    /// only (see `knownEstimate(for:tarBytes:)`).
    public var knownEstimates: [String: KnownEstimate] = [:]
    /// Whole layer scans made before, by diff id: a layer found here (same stored
    /// size, same blob digest) is not read at all (see `StoredLayerScan` for what that
    /// trusts).
    public var knownScans: [String: StoredLayerScan] = [:]
    /// Encode the scans of layers read, for `measureKeepingScans` to hand back.
    public var keepScans = false
    /// How far a compressed layer may expand before it is taken for a bomb.
    public var expansionLimit = ExpansionLimit.standard
    /// Read the layers of a registry image (paths, waste, uncompressed sizes); without
    /// it only the manifest and config are fetched.
    public var readRegistryLayers = true
    /// Plain HTTP to a registry that is not on loopback.
    public var insecureRegistry = false
    /// Attribute files to packages and look for removable files (`explain`); off only
    /// to measure what that costs.
    public var packages = true
    /// Hash files of 256 KiB or more while reading (the duplicate-content finding);
    /// off only to measure what that costs.
    public var contentHashes = true
    /// The environment registry credentials come from.
    public var environment: [String: String] = ProcessInfo.processInfo.environment
    public var toolVersion = "unknown"
    /// Layers scanned at once; defaults to the number of cores.
    public var parallelism = ProcessInfo.processInfo.activeProcessorCount

    public init(image: String, commit: String) {
      self.image = image
      self.commit = commit
    }
  }

  /// Called after each layer with (layers done, layers in all, bytes read so far).
  public typealias Progress = @Sendable (Int, Int, Int64) -> Void

  public let options: Options

  public init(_ options: Options) { self.options = options }

  public func measure(_ reference: ImageReference, progress: Progress? = nil) throws -> ImageMeasurement {
    let opened = try open(reference)
    if case .registry = reference, !options.readRegistryLayers, case .image(let image) = opened {
      return try manifestOnly(image.description)
    }
    return try measure(opened, progress: progress)
  }

  /// Opens the reference through its transport (ImageSource does all of them).
  public func open(_ reference: ImageReference) throws(ImageSourceError) -> OpenedSource {
    var sourceOptions = ImageSources.Options(platform: options.platform)
    sourceOptions.insecureRegistry = options.insecureRegistry
    sourceOptions.environment = options.environment
    return try ImageSources.open(reference, sourceOptions)
  }

  /// An opened image: its layers in parallel, or a stream front to back.
  public func measure(_ opened: OpenedSource, progress: Progress? = nil) throws -> ImageMeasurement {
    switch opened {
    case .image(let image): return try measure(image, progress: progress)
    case .stream(let archive):
      var measurement = try measureStream(archive.stream, name: archive.name, progress: progress)
      try archive.finish()
      if let source = archive.source { measurement.source = source }
      return measurement
    }
  }

  /// From the manifest alone: exact compressed sizes per layer, nothing else.
  public func manifestOnly(_ description: ImageDescription) throws(ImageSourceError) -> ImageMeasurement {
    let layers = description.layers.map { layer in
      LayerMeasurement(
        index: layer.index, digest: layer.blobDigest, diffID: layer.diffID, mediaType: layer.mediaType,
        compression: Self.compression(layer.mediaType), compressedBytes: layer.declaredSize ?? 0,
        compressedEstimated: false, uncompressedBytes: 0, fileCount: 0, createdBy: layer.createdBy)
    }
    var measurement = ImageMeasurement(
      image: options.image, commit: options.commit, source: description.reference,
      platform: description.platform.description, manifestDigest: description.manifestDigest,
      configDigest: description.configDigest,
      compressedBytes: try Self.total(layers.map(\.compressedBytes), "compressed", of: description),
      compressedEstimated: false, uncompressedBytes: 0, wastedBytes: 0, fileCount: 0, pathDepth: options.pathDepth,
      toolVersion: options.toolVersion, measuredAt: Self.now(), host: Self.hostName(), layers: layers, paths: [],
      wasted: [], forbidden: [], required: [])
    measurement.layersRead = false
    measurement.baseImage = BaseImage.fromAnnotations(description)
    return measurement
  }

  static func compression(_ mediaType: String?) -> String {
    guard let mediaType else { return "none" }
    if mediaType.hasSuffix("gzip") { return "gzip" }
    if mediaType.hasSuffix("zstd") { return "zstd" }
    return "none"
  }

  /// An image whose layers can be opened at will: scanned in parallel.
  public func measure(_ image: OpenedImage, progress: Progress? = nil) throws -> ImageMeasurement {
    try measureKeepingScans(image, progress: progress).measurement
  }

  /// The measurement, and the scans of the layers read this time (not those reused
  /// from `knownScans`), for the store to keep.
  public func measureKeepingScans(_ image: OpenedImage, progress: Progress? = nil) throws
    -> (measurement: ImageMeasurement, newScans: [StoredLayerScan])
  {
    let layers = image.description.layers
    let results = ResultSlots<(scan: LayerScan, stored: StoredLayerScan?)>(count: layers.count)
    let order = layers.indices.sorted { (image.storedSize(layers[$0]) ?? 0) > (image.storedSize(layers[$1]) ?? 0) }
    let done = Counter()
    let queue = DispatchQueue(label: "sizebudget.layers", attributes: .concurrent)
    let group = DispatchGroup()
    let slots = DispatchSemaphore(value: max(1, options.parallelism))
    for index in order {
      slots.wait()
      queue.async(group: group) {
        defer { slots.signal() }
        let layer = layers[index]
        let storedSize = image.storedSize(layer)
        let known = knownEstimate(for: layer, tarBytes: storedSize) != nil
        let scanOptions = LayerScanner.Options(
          verify: options.verify, estimate: options.estimateCompressed && !known,
          expansionLimit: options.expansionLimit,
          contentHashes: options.contentHashes)
        results.set(index) {
          let stored = layer.diffID.flatMap { options.knownScans[$0] }
          if let scan = LayerScanner.reuse(stored, layer: layer, storedSize: storedSize, options: scanOptions) {
            return (scan, nil)
          }
          do {
            let scan = try LayerScanner.scan(
              try image.openLayer(layer), layer: layer, storedSize: storedSize, options: scanOptions)
            return (scan, options.keepScans ? layer.diffID.flatMap { scan.stored(diffID: $0) } : nil)
          } catch {
            throw ImageSourceError("\(image.description.reference): \(Self.describe(layer)): \(error)")
          }
        }
        let (finished, bytes) = done.add(storedSize ?? 0)
        progress?(finished, layers.count, bytes)
      }
    }
    group.wait()
    let values = try results.values()
    return (try assemble(image.description, scans: values.map(\.scan)), values.compactMap(\.stored))
  }

  /// A docker-archive read front to back (standard input): layers are scanned as
  /// they pass, one at a time.
  public func measureStream(_ stream: ByteStream, name: String = "standard input", progress: Progress? = nil) throws
    -> ImageMeasurement
  {
    let scanOptions = LayerScanner.Options(
      verify: options.verify, estimate: options.estimateCompressed, expansionLimit: options.expansionLimit,
      inspect: options.packages, contentHashes: options.contentHashes)
    var count = 0
    var bytes: Int64 = 0
    let (description, scans) = try StreamingDockerArchive.read(
      stream, name: name, tag: nil, platform: options.platform
    ) { member, content in
      let anonymous = LayerDescriptor(
        index: count, mediaType: nil, blobDigest: nil, declaredSize: nil, diffID: nil, createdBy: nil,
        blobName: member)
      let scan = try LayerScanner.scan(content, layer: anonymous, storedSize: nil, options: scanOptions)
      // Before reading on: without a compressed size the measurement is refused anyway.
      try Self.requireCompressedSize(scan, anonymous, known: nil, streamed: true)
      count += 1
      bytes += scan.storedBytes
      progress?(count, 0, bytes)
      return scan
    }
    // Digests were not known while the members passed; check them now.
    for (layer, scan) in zip(description.layers, scans) {
      if let expected = layer.diffID, let actual = scan.tarDigest, expected != actual {
        throw ImageSourceError(
          "\(name): \(Self.describe(layer)): diff_id mismatch: the config names \(expected) but the layer hashes to \(actual); the layer is corrupt"
        )
      }
    }
    return try assemble(description, scans: scans)
  }

  /// The estimate made before for `layer`, when it was made of a tar of the same size:
  /// as for a reused scan (`LayerScanner.reuse`), a diff id is not taken on its own
  /// word, so a layer whose config names another layer's diff id (which `--no-verify`
  /// does not check) gets no figure made of other bytes, unless of as many.
  func knownEstimate(for layer: LayerDescriptor, tarBytes: Int64?) -> Int64? {
    guard let diffID = layer.diffID, let known = options.knownEstimates[diffID], known.tarBytes == tarBytes else {
      return nil
    }
    return known.compressedBytes
  }

  /// Merges the scanned layers and sums what the final filesystem holds.
  func assemble(_ description: ImageDescription, scans: [LayerScan]) throws -> ImageMeasurement {
    let tree = FilesystemTree()
    tree.reserve(scans.reduce(0) { $0 + $1.entries.count })
    var layers: [LayerMeasurement] = []
    for (layer, scan) in zip(description.layers, scans) {
      try tree.apply(scan.entries, layer: layer.index)
      let estimated = scan.compression == .none && layer.declaredSize == nil
      let estimate = scan.estimatedCompressed ?? knownEstimate(for: layer, tarBytes: scan.tarBytes)
      if estimated {
        let recorded = layer.diffID.flatMap { options.knownEstimates[$0] }
        try Self.requireCompressedSize(scan, layer, known: estimate, recorded: recorded)
      }
      layers.append(
        LayerMeasurement(
          index: layer.index, digest: layer.blobDigest ?? scan.blobDigest, diffID: layer.diffID ?? scan.tarDigest,
          mediaType: layer.mediaType, compression: scan.compression.rawValue,
          compressedBytes: estimated ? (estimate ?? scan.storedBytes) : (layer.declaredSize ?? scan.storedBytes),
          compressedEstimated: estimated && estimate != nil,
          uncompressedBytes: scan.tarBytes, fileCount: scan.fileCount, createdBy: layer.createdBy))
    }
    let (paths, totals) = PathAggregation.paths(
      of: tree, depth: options.pathDepth, extraPaths: options.extraPaths)
    var measurement = ImageMeasurement(
      image: options.image, commit: options.commit, source: description.reference,
      platform: description.platform.description, manifestDigest: description.manifestDigest,
      configDigest: description.configDigest,
      compressedBytes: try Self.total(layers.map(\.compressedBytes), "compressed", of: description),
      compressedEstimated: layers.contains { $0.compressedEstimated },
      uncompressedBytes: try Self.total(layers.map(\.uncompressedBytes), "uncompressed", of: description),
      wastedBytes: tree.wastedBytes, fileCount: totals.files, pathDepth: options.pathDepth,
      toolVersion: options.toolVersion, measuredAt: Self.now(), host: Self.hostName(), layers: layers,
      paths: paths, wasted: tree.wasted,
      forbidden: PathAggregation.matches(of: options.forbid, in: tree),
      required: PathAggregation.required(options.require, in: tree))
    measurement.baseImage = BaseImage.fromAnnotations(description)
    guard options.packages else { return measurement }
    // The category walk runs beside package attribution and the walks that read its
    // marks (the ELF and duplicate-content ones): it reads only the tree's nodes, and
    // attribution marks apart from them (issue 16: one after the other, attribution
    // and categories were most of the 0.3 s after the last layer's bytes).
    let (categories, (packages, findings)) = sideBySide(
      parallel: options.parallelism > 1, { FileCategories.measure(tree) },
      {
        // A database file counts as the final filesystem has it: from its node's layer.
        let packages = PackageAttribution.packages(in: tree) { path in
          guard let node = tree.node(at: path), !node.isDirectory, node.layer < scans.count,
            let bytes = scans[node.layer].captured[path]
          else { return nil }
          return (bytes, node.layer)
        }
        let findings =
          Self.unstripped(tree, scans)
          + DuplicateContent.category(
            tree, digests: { path, node in node.layer < scans.count ? scans[node.layer].contentDigests[path] : nil })
        return (packages, findings)
      })
    measurement.packages = packages
    measurement.categories = categories + findings
    return measurement
  }

  /// ELF files of the final filesystem that still carry symbols or debug sections:
  /// the image's own (`unstripped`) apart from those vendored in site-packages or
  /// node_modules (`unstripped-vendored`), which projects ship that way. A
  /// distribution's packages are its choice (sanitizer runtimes keep their symbols on
  /// purpose) and are left out.
  static func unstripped(_ tree: FilesystemTree, _ scans: [LayerScan]) -> [PatternMatch] {
    var own = PatternMatch(pattern: "unstripped", files: 0, bytes: 0, examples: [])
    var vendored = PatternMatch(pattern: "unstripped-vendored", files: 0, bytes: 0, examples: [])
    tree.forEachFile { path, node in
      guard !tree.isDistribution(node), node.layer < scans.count, let bytes = scans[node.layer].strippable[path] else {
        return
      }
      let isVendored =
        path.contains("/site-packages/") || path.contains("/dist-packages/") || path.contains("/node_modules/")
      if isVendored {
        vendored.count(.init(path: path, bytes: bytes, layer: node.layer))
      } else {
        own.count(.init(path: path, bytes: bytes, layer: node.layer))
      }
    }
    return [own, vendored].filter { $0.files > 0 }.map { match in
      var match = match
      match.keepLargestExamples()
      return match
    }
  }

  /// A layer stored uncompressed, with no size declared, gets its compressed size from
  /// the estimate (made now or before). Without one the figure would be unknown, and
  /// storing the uncompressed size (or 0) in its place would be a wrong figure marked
  /// exact: `--no-estimate` may make a figure unknown, never wrong, so it is refused.
  /// `streamed`: read from standard input, where a layer's digest is known only once
  /// it has passed, too late to look up an estimate made before. `recorded`: one made
  /// before for the diff id, of a tar of another size (so not used).
  static func requireCompressedSize(
    _ scan: LayerScan, _ layer: LayerDescriptor, known: Int64?, recorded: KnownEstimate? = nil,
    streamed: Bool = false
  ) throws {
    guard scan.compression == .none, layer.declaredSize == nil, scan.estimatedCompressed == nil, known == nil else {
      return
    }
    let reuse =
      streamed
      ? "measure without --no-estimate (on standard input estimates made before cannot be reused: give the file "
        + "as docker-archive:FILE to reuse them)"
      : "measure without --no-estimate (estimates made before for the same layers are reused)"
    let mismatch =
      recorded.map {
        "the estimate recorded for \(layer.diffID ?? "its diff id") was made of a tar of \($0.tarBytes) bytes and "
          + "this layer's has \(scan.tarBytes) (its config names another layer's diff id, or the layer was "
          + "rewritten); "
      } ?? ""
    throw ImageSourceError(
      "\(describe(layer)) is stored uncompressed, so its compressed size can only be estimated, and --no-estimate "
        + "leaves it unknown: \(mismatch)\(reuse), or measure the OCI export or the registry image, whose "
        + "compressed sizes are exact")
  }

  /// The layers' sizes added up; a sum past 1 PiB (crafted sizes, each one possible)
  /// is refused rather than trapping or overflowing into a wrong figure.
  static func total(_ sizes: [Int64], _ what: String, of description: ImageDescription) throws(ImageSourceError)
    -> Int64
  {
    guard let sum = ByteLimits.checkedSum(sizes), ByteLimits.problem(sum) == nil else {
      throw ImageSourceError(
        "\(description.reference): the \(sizes.count) layers' \(what) sizes add up to more than 1 PiB: "
          + "the manifest is corrupt or crafted; rebuild and push the image again, or measure a trusted copy")
    }
    return sum
  }

  static func describe(_ layer: LayerDescriptor) -> String {
    "layer \(layer.index) (\(layer.blobDigest ?? layer.diffID ?? layer.blobName))"
  }

  /// With milliseconds: "the newer measurement wins" must hold for two runners that
  /// measure the same commit within one second.
  static func now() -> String { UTCTime.stampNow(withMilliseconds: true) }

  static func hostName() -> String { ProcessInfo.processInfo.hostName }
}

/// One result per layer, filled from several threads.
final class ResultSlots<Value: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var slots: [Result<Value, any Error>?]

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func set(_ index: Int, _ body: () throws -> Value) {
    let result = Result { try body() }
    lock.withLock { slots[index] = result }
  }

  /// All values in order, or the first error by layer order.
  func values() throws -> [Value] {
    try lock.withLock { try slots.map { try $0!.get() } }
  }
}

final class Counter: @unchecked Sendable {
  private let lock = NSLock()
  private var count = 0
  private var bytes: Int64 = 0

  func add(_ more: Int64) -> (Int, Int64) {
    lock.withLock {
      count += 1
      bytes += more
      return (count, bytes)
    }
  }
}

/// Runs `first` and `second` side by side (one after the other unless `parallel`)
/// and returns both results.
func sideBySide<First: Sendable, Second: Sendable>(
  parallel: Bool, _ first: @Sendable () -> First, _ second: @Sendable () -> Second
) -> (First, Second) {
  guard parallel else { return (first(), second()) }
  let firstResult = ResultSlots<First>(count: 1)
  let secondResult = ResultSlots<Second>(count: 1)
  DispatchQueue.concurrentPerform(iterations: 2) { index in
    if index == 0 { firstResult.set(0, first) } else { secondResult.set(0, second) }
  }
  // Neither closure throws.
  return (try! firstResult.values()[0], try! secondResult.values()[0])
}

/// A compressed-size estimate recorded before, and the size of the tar it was made of.
public struct KnownEstimate: Sendable, Equatable {
  public var compressedBytes: Int64
  public var tarBytes: Int64

  public init(compressedBytes: Int64, tarBytes: Int64) {
    self.compressedBytes = compressedBytes
    self.tarBytes = tarBytes
  }
}
