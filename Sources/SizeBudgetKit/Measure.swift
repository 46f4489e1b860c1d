import Analysis
import Budgets
import Formats
import Foundation
import GitHistory
import ImageSource
import Model
import Store

/// `sizebudget measure SOURCE --image NAME`: read an image, record it against a commit.
public enum Measure {
  public struct Request: Sendable {
    public var source: String?
    /// nil: the one image budgets.toml budgets.
    public var image: String?
    /// Measure an image budgets.toml does not budget (yet): without this, a name it
    /// does not budget is refused as a likely typo.
    public var newImage = false
    public var commit: String?
    public var platform: String?
    /// text, json or markdown.
    public var format = "text"
    public var pathDepth: Int?
    public var verify = true
    public var estimate = true
    /// Read a registry image's layers even when no budget needs paths.
    public var paths = false
    public var insecureRegistry = false
    /// Attribute packages and find removable files (default on).
    public var packages = true
    /// Hash big files for the duplicate-content finding (default on).
    public var contentHashes = true
    /// Share through git notes after measuring: the remote (nil: the default one).
    public var sync = false
    public var remote: String?

    public init(image: String?) { self.image = image }
  }

  public static func run(
    _ request: Request, in context: CommandContext, terminal: TerminalStyle, progress: Measurer.Progress? = nil
  ) throws(CommandError) -> String {
    var request = request
    request.image = try context.imageToMeasure(request.image, allowNew: request.newImage)
    let image = request.image!
    let budgets = try context.budgetsIfPresent()
    let budget = budgets?.image(named: image)
    let reference = try sourceReference(request, budget: budget, workspace: context.workspace)
    let repository = context.repositoryIfAny
    let commit = try context.resolveCommit(request.commit)
    let commitRecord = repository.flatMap { try? $0.commit(ObjectID(hex: commit)!) }.map(CommitRecord.init)

    var options = Measurer.Options(image: image, commit: commit)
    if let platform = request.platform {
      do throws(ImageSourceError) {
        options.platform = try Platform(parsing: platform)
      } catch {
        throw .from(error)
      }
    }
    options.pathDepth = request.pathDepth ?? budget?.pathDepth ?? budgets?.defaults.pathDepth ?? 4
    options.forbid = budget?.forbid.map(\.value) ?? []
    options.require = budget?.require.map(\.value) ?? []
    options.extraPaths = budget?.paths.map(\.path) ?? []
    options.verify = request.verify
    options.estimateCompressed = request.estimate
    options.insecureRegistry = request.insecureRegistry
    options.packages = request.packages
    options.contentHashes = request.contentHashes
    options.readRegistryLayers = request.paths || (budget.map(needsLayers) ?? false)
    options.toolVersion = SizeBudgetVersion.current
    if let ratio = ProcessInfo.processInfo.environment["SIZEBUDGET_MAX_EXPANSION"] {
      guard let value = Int64(ratio), value > 0 else {
        throw .usage("SIZEBUDGET_MAX_EXPANSION must be a whole number (a ratio like 1000), got \"\(ratio)\"")
      }
      options.expansionLimit.ratio = value
    }

    let store = try context.store()
    var measurement: ImageMeasurement
    do {
      let opened = try Measurer(options).open(reference)
      if case .image(let image) = opened {
        if case .registry = reference, !options.readRegistryLayers {
          measurement = try Measurer(options).manifestOnly(image.description)
        } else {
          // Estimates made before for the same layers are reused, not redone (with
          // --no-estimate they are the only compressed sizes such layers can have).
          options.knownEstimates = try store.knownEstimates(
            for: image.description.layers.compactMap { layer in
              layer.diffID.map { ($0, image.storedSize(layer)) }
            })
          measurement = try measureReusingScans(image, options, store: store, progress: progress)
        }
      } else {
        measurement = try Measurer(options).measure(opened, progress: progress)
      }
    } catch {
      throw .measuring("\(image) from \(reference)", error)
    }
    var notices: [String] = []
    if measurement.baseImage == nil, let base = budget?.baseImage {
      // Best effort: the image's own measurement matters more than its split, so a
      // base that cannot be read (offline, a moved tag) warns and the growth split
      // falls back to the common prefix.
      do {
        measurement.baseImage = try baseImage(
          base.value, of: measurement, options, budget: image, root: context.workspace.root.path)
      } catch {
        notices.append(
          "warning: \(error.message); measured without a base split: growth is split by the layers shared with "
            + "the base measurement (common prefix)")
      }
    }
    let outcome: MeasurementStore.SaveOutcome
    do {
      outcome = try store.save(measurement, commit: commitRecord)
    } catch {
      throw .from(error)
    }
    if let warning = try uncommittedWarning(commit: commit, budget: budget, source: reference, context: context) {
      notices.append(warning)
    }
    // A PostgreSQL store is the shared record itself: no notes.
    if !store.isShared,
      let warning = Sync.record(
        measurement, commit: commitRecord, keepPaths: Set(options.extraPaths), repository: repository, store: store)
    {
      notices.append(warning)
    }
    let replaced: String? = if case .replaced(let at) = outcome { at } else { nil }
    let shownStore = store.isShared ? store.path : Workspace.displayPath(try context.storePath())
    let report =
      switch request.format {
      case "json": MeasurementReport.json(measurement, storedIn: shownStore, replaced: replaced)
      case "markdown": MeasurementReport.markdown(measurement)
      default: MeasurementReport.text(measurement, storedIn: shownStore, replaced: replaced, terminal: terminal)
      }
    var shareFailure: CommandError? = nil
    if request.sync {
      if let repository {
        do {
          notices.append(try Sync.share(repository, store, remote: request.remote, budgets: budgets))
        } catch {
          // The measurement is made and stored: print it, and fail the step, because
          // on a CI runner that goes away an unshared measurement is lost.
          shareFailure = error
          shareFailure?.message = "the measurement is stored here, but sharing it failed: \(error.message)"
          shareFailure?.output = report
        }
      } else {
        throw .usage("--sync needs a git repository: run sizebudget measure in a clone")
      }
    }
    // Standard error: stdout may be JSON for a pipe.
    for notice in notices { FileHandle.standardError.write(Data((notice + "\n").utf8)) }
    if let shareFailure { throw shareFailure }
    return report
  }

  /// Layers scanned before (same diff id and stored size) are taken from the store
  /// instead of being read; the layers read are kept for next time.
  static func measureReusingScans(
    _ image: OpenedImage, _ options: Measurer.Options, store: MeasurementStore, progress: Measurer.Progress?
  ) throws -> ImageMeasurement {
    var options = options
    let layers = image.description.layers.compactMap { layer in
      layer.diffID.flatMap { diffID in image.storedSize(layer).map { (diffID: diffID, storedBytes: $0) } }
    }
    options.knownScans = try store.layerScans(for: layers)
    options.keepScans = true
    let (measurement, newScans) = try Measurer(options).measureKeepingScans(image, progress: progress)
    let read = Set(newScans.map(\.diffID))
    let reused = options.knownScans.values.filter { !read.contains($0.diffID) }.map {
      (diffID: $0.diffID, storedBytes: $0.storedBytes)
    }
    try store.keepLayerScans(newScans, reused: reused)
    return measurement
  }

  /// "measuring HEAD abc1234 with 2 uncommitted changes under app/": an image built
  /// from the work tree holds them, but is filed under HEAD, which does not.
  static func uncommittedWarning(
    commit: String, budget: ImageBudget?, source: ImageReference, context: CommandContext
  ) throws(CommandError) -> String? {
    guard let repository = context.repositoryIfAny, repository.workDirectory != nil,
      commit == (try? context.resolveCommit(nil))
    else { return nil }
    let scope = budget?.context ?? []
    // budgets.toml does not go into the image.
    let budgetsFile = context.workspace.relativeToRoot(context.budgetsPath)
    // Nor does the build's output, when it lands in the work tree (build/api.tar).
    let output = source.localPath.map(context.workspace.relativeToRoot)
    let changes = repository.uncommittedChanges(in: scope).filter { change in
      change != budgetsFile && !(output.map { change == $0 || change.hasPrefix($0 + "/") } ?? false)
    }
    guard !changes.isEmpty else { return nil }
    let place = scope.isEmpty ? "in the work tree" : "under " + scope.joined(separator: ", ")
    let listed = changes.prefix(5).joined(separator: ", ") + (changes.count > 5 ? ", …" : "")
    return
      "warning: measuring HEAD \(commit.prefix(12)) with \(changes.count) uncommitted \(inflected(changes.count, "change")) "
      + "\(place) (\(listed)): an image built from this work tree is not HEAD's; commit them and measure again"
  }

  /// Whether a budget needs more than a registry manifest gives: paths, waste,
  /// uncompressed sizes.
  static func needsLayers(_ budget: ImageBudget) -> Bool {
    !budget.forbid.isEmpty || !budget.require.isEmpty || !budget.paths.isEmpty || budget.maxWasted != nil
      || budget.metric == .uncompressed
  }

  /// `base_image` of budgets.toml, read by manifest only: its layers are the first of
  /// the measured image's, or it is not this image's base (an error that says so).
  /// A Docker reference (`python:3.11-slim`) is read from its registry and named as
  /// Docker names it (`docker.io/library/python:3.11-slim`), like a builder's
  /// `org.opencontainers.image.base.name`.
  static func baseImage(
    _ source: String, of measurement: ImageMeasurement, _ options: Measurer.Options, budget: String, root: String
  ) throws(CommandError) -> BaseImage {
    var shown = "base_image \"\(source)\""
    let reference: ImageReference
    do { reference = try ImageReference(parsingImageName: source).relative(to: root) } catch {
      throw .usage("\(shown) of [image.\(budget)] is not an image: \(error)")
    }
    var name = source
    if case .registry(let registry) = reference {
      name = registry.dockerName
      if name != source && "docker://" + name != source { shown += " (\(name))" }
    }
    let opened: OpenedSource
    do { opened = try Measurer(options).open(reference) } catch {
      let mirror =
        if case .registry(let registry) = reference, error.unreachable != nil, !registry.isLoopback {
          "; " + mirrorHint(registry)
        } else { "" }
      throw .usage("\(shown) of [image.\(budget)] cannot be read: \(error)\(mirror)")
    }
    guard case .image(let image) = opened else {
      throw .usage(
        "\(shown) of [image.\(budget)] is a stream: name an image whose manifest can be read "
          + "(oci:, oci-archive:, docker-archive: of a file, or a registry reference)")
    }
    guard let base = BaseImage.fromBase(image.description, name: name, of: measurement.layers) else {
      throw .usage(
        "\(shown) of [image.\(budget)] is not the base of this image: its "
          + "\(counted(image.description.layers.count, "layer")) "
          + "\(image.description.layers.count == 1 ? "is" : "are") not the first of the image's "
          + "\(measurement.layers.count) (rebuilt since? measure against the "
          + "base the image was built from)")
    }
    return base
  }

  /// What to do when a base's registry cannot be reached from here (no network, Docker
  /// Hub blocked): there is no mirror setting, so copy the base to a registry that can
  /// be reached and name the copy.
  static func mirrorHint(_ registry: RegistryReference) -> String {
    let tag = registry.isDigest ? "" : ":\(registry.reference)"
    let copy = "127.0.0.1:5000/\(registry.repository)"
    let pinned = registry.isDigest ? "@\(registry.reference)" : tag
    return "where that registry cannot be reached, copy the base to one that can (skopeo copy "
      + "docker://\(registry.dockerName) docker://\(copy)\(tag), any registry of yours) and write "
      + "base_image = \"\(copy)\(pinned)\", or save it and write base_image = \"oci:DIR\""
  }

  /// SOURCE from the command line (relative to the current directory), else the
  /// image's `source` in budgets.toml (relative to the repository root).
  static func sourceReference(_ request: Request, budget: ImageBudget?, workspace: Workspace)
    throws(CommandError) -> ImageReference
  {
    do {
      if let source = request.source { return try ImageReference(parsing: source) }
      let image = request.image ?? "NAME"
      guard let source = budget?.source else {
        throw CommandError.usage(
          "no SOURCE for \(image): give one (sizebudget measure docker-archive:PATH --image \(image)) "
            + "or set source in [image.\(image)] of budgets.toml")
      }
      return try ImageReference(parsing: source).relative(to: workspace.root.path)
    } catch let error as CommandError {
      throw error
    } catch {
      throw .usage("\(error)")
    }
  }
}

extension CommitRecord {
  init(_ info: CommitInfo) {
    self.init(
      oid: info.id.hex, subject: info.subject, authorName: info.authorName, authorEmail: info.authorEmail,
      time: info.time, sizeBudgetReasons: info.sizeBudgetReasons)
  }
}

extension ImageReference {
  /// The file or directory a local source reads, absolute (nil for a registry, the
  /// daemon or standard input).
  var localPath: String? {
    let path: String
    switch self {
    case .dockerArchive(let file, _), .ociArchive(let file, _): path = file
    case .ociLayout(let directory, _): path = directory
    case .standardInput, .registry, .daemon: return nil
    }
    return URL(fileURLWithPath: path).standardizedFileURL.path
  }

  /// Paths in budgets.toml are relative to the repository root, not to where the
  /// command runs.
  func relative(to root: String) -> ImageReference {
    func anchor(_ path: String) -> String { path.hasPrefix("/") ? path : root + "/" + path }
    switch self {
    case .dockerArchive(let path, let tag): return .dockerArchive(path: anchor(path), tag: tag)
    case .ociLayout(let directory, let tag): return .ociLayout(directory: anchor(directory), tag: tag)
    case .ociArchive(let path, let tag): return .ociArchive(path: anchor(path), tag: tag)
    case .standardInput, .registry, .daemon: return self
    }
  }
}
