import Analysis
import Budgets
import Dockerfile
import GitHistory
import Store

/// Why a prediction could not be made, in words a user can act on.
public struct PredictionError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// Predicts what a pushed commit does to an image's size without building it: from
/// the nearest measured first-parent ancestor, the files the diff from there changes
/// under the image's context (sizes from object headers, compressed sizes from what
/// git stores) and the dependency lines it adds or removes (priced from measurements
/// already in the store). One per run: it keeps the pack indexes it reads.
public final class Predictor {
  let repository: Repository
  let store: MeasurementStore
  let storedSizes: StoredSizes
  /// How far back along the first-parent line a measured ancestor is looked for.
  public static let searchLimit = 10_000
  /// Dependency files and Dockerfiles larger than this are not read.
  static let readLimit = 16 << 20
  /// How far a file's compressed figure taken from git's zlib size may be off:
  /// gzip at a builder's level against zlib at git's, and the tar headers around it.
  static let zlibUncertainty = 0.1

  public init(repository: Repository, store: MeasurementStore) {
    self.repository = repository
    self.store = store
    self.storedSizes = StoredSizes(repository)
  }

  /// The prediction for `budget`'s image at `tip`, or nil when no ancestor within
  /// `searchLimit` first parents is measured (there is nothing to predict from).
  /// `fromParent` leaves the tip's own measurement out (`log --predicted` sets it, to
  /// set a prediction beside the measurement).
  public func predict(_ budget: ImageBudget, at tip: String, fromParent: Bool = false) throws(PredictionError)
    -> ImagePrediction?
  {
    guard let tipID = ObjectID(hex: tip) else { throw PredictionError("\"\(tip)\" is not a commit id") }
    var start: ObjectID? = tipID
    if fromParent {
      do { start = try repository.firstParent(tipID) } catch { throw PredictionError(error.message) }
    }
    guard let start, let (ancestor, stepsFromStart) = try nearestMeasured(budget.name, from: start) else { return nil }
    let steps = stepsFromStart + (fromParent ? 1 : 0)
    let measured: ImageMeasurement
    do {
      guard let found = try store.measurement(image: budget.name, commit: ancestor.hex) else { return nil }
      measured = found
    } catch {
      throw PredictionError(error.message)
    }
    var prediction = ImagePrediction(
      image: budget.name, tip: tip, measured: measured, stepsBack: steps, contributions: [], notes: [])
    if ancestor == tipID { return prediction }
    let changes: [BlobChange]
    do { changes = try repository.blobChanges(from: ancestor, to: tipID) } catch {
      throw PredictionError(error.message)
    }
    let stage = try dockerStage(budget, at: tipID)
    var files = ContextFiles(
      context: budget.context, copies: stage?.copies, dockerfilePath: budget.dockerfile?.value)
    if stage != nil { files.ignore = DockerIgnore.rules(try text(at: ".dockerignore", in: tipID) ?? "") }
    var oldPackages: Set<DeclaredPackage> = []
    var newPackages: Set<DeclaredPackage> = []
    var notCopied = 0
    for change in changes where files.inContext(change.path) {
      if DependencyFiles.isDependencyFile(change.path) {
        oldPackages.formUnion(try declared(change.path, change.oldBlob))
        newPackages.formUnion(try declared(change.path, change.newBlob))
      }
      guard let placement = files.place(change.path) else {
        notCopied += 1
        continue
      }
      prediction.contributions.append(fileContribution(change, placement))
    }
    if let dockerfile = budget.dockerfile?.value, changes.contains(where: { $0.path == dockerfile }) {
      let before = try dockerStage(budget, at: ancestor)
      var removedInstalls: Set<DeclaredPackage> = []
      if let before, let stage {
        let change = InstructionChanges(old: before, new: stage, measured: measured, path: dockerfile)
        prediction.contributions += change.removedLayers
        removedInstalls = change.installsOfRemovedLayers
        if !change.unpriced.isEmpty {
          prediction.dockerfileChanged = true
          prediction.notes.append(
            "\(dockerfile) changed in ways not priced (\(change.unpriced.joined(separator: "; "))): the prediction "
              + "may be far off, so no push is refused on it; measure the commit to judge it")
        }
      }
      oldPackages.formUnion((before?.installs ?? []).subtracting(removedInstalls))
      newPackages.formUnion(stage?.installs ?? [])
    }
    let prices = PackagePrices(measured: measured, sightings: try sightings(oldPackages.union(newPackages)))
    prediction.contributions += prices.contributions(old: oldPackages, new: newPackages)
    if notCopied > 0, let dockerfile = budget.dockerfile?.value {
      prediction.notes.append(
        "\(notCopied) changed file\(notCopied == 1 ? "" : "s") in the context that \(dockerfile) does not COPY "
          + "(built from, or unused) not counted")
    }
    if !oldPackages.isEmpty || !newPackages.isEmpty {
      prediction.notes.append(
        "packages are priced by their own files; what a new one pulls in counts only where a lockfile lists it")
    }
    return prediction
  }

  /// The nearest first-parent ancestor of `tip` (itself included) that the store has
  /// a measurement of, and how many steps back it is.
  func nearestMeasured(_ image: String, from tip: ObjectID) throws(PredictionError) -> (ObjectID, Int)? {
    // Parent by parent rather than a revision walk, which sorts the whole history first.
    var current: ObjectID? = tip
    var steps = 0
    while let id = current, steps < Self.searchLimit {
      do {
        if try store.hasMeasurement(image: image, commit: id.hex) { return (id, steps) }
      } catch {
        throw PredictionError(error.message)
      }
      do { current = try repository.firstParent(id) } catch { throw PredictionError(error.message) }
      steps += 1
    }
    return nil
  }

  /// The built stage's copies and system package installs, read from the Dockerfile
  /// at `commit`; nil when the budget names no Dockerfile.
  func dockerStage(_ budget: ImageBudget, at commit: ObjectID) throws(PredictionError)
    -> DockerStage?
  {
    guard let path = budget.dockerfile?.value else { return nil }
    let text: String
    do {
      guard let blob = try repository.blob(at: path, in: commit),
        let bytes = try repository.blobBytes(blob, limit: Self.readLimit)
      else {
        throw PredictionError(
          "\(path) (dockerfile of [image.\(budget.name)]) is not in commit \(commit.short): fix the path in budgets.toml"
        )
      }
      text = String(decoding: bytes, as: UTF8.self)
    } catch let error as PredictionError {
      throw error
    } catch {
      throw PredictionError("cannot read \(path) at \(commit.short): \(error)")
    }
    let dockerfile: Dockerfile
    do { dockerfile = try DockerfileParser.parse(text) } catch {
      throw PredictionError("\(path):\(error.line) at \(commit.short): \(error.message)")
    }
    guard let stage = dockerfile.stage(target: budget.target?.value) else {
      throw PredictionError(
        "\(path) at \(commit.short) has no stage \"\(budget.target?.value ?? "")\" (target of [image.\(budget.name)])")
    }
    let installs = stage.runCommands.reduce(into: Set<DeclaredPackage>()) {
      $0.formUnion(SystemInstalls.packages(in: $1.arguments))
    }
    return DockerStage(
      dockerfile: dockerfile, stage: stage, copies: stage.contextCopies(globalArguments: dockerfile.globalArguments),
      installs: installs)
  }

  /// A small file's text at a commit, or nil when there is none.
  func text(at path: String, in commit: ObjectID) throws(PredictionError) -> String? {
    do {
      guard let blob = try repository.blob(at: path, in: commit),
        let bytes = try repository.blobBytes(blob, limit: Self.readLimit)
      else { return nil }
      return String(decoding: bytes, as: UTF8.self)
    } catch {
      throw PredictionError("cannot read \(path) at \(commit.short): \(error)")
    }
  }

  func declared(_ path: String, _ blob: ObjectID?) throws(PredictionError) -> Set<DeclaredPackage> {
    guard let blob else { return [] }
    do {
      guard let bytes = try repository.blobBytes(blob, limit: Self.readLimit) else { return [] }
      return DependencyFiles.packages(in: path, bytes)
    } catch {
      throw PredictionError("cannot read \(path): \(error)")
    }
  }

  func sightings(_ packages: Set<DeclaredPackage>) throws(PredictionError) -> [String: [PackageSighting]] {
    var result: [String: [PackageSighting]] = [:]
    for (ecosystem, group) in Dictionary(grouping: packages, by: \.ecosystem) {
      do {
        for sighting in try store.sightings(ecosystem: ecosystem, names: Set(group.map(\.name))) {
          result[PackagePrices.key(ecosystem, sighting.name), default: []].append(sighting)
        }
      } catch {
        throw PredictionError(error.message)
      }
    }
    return result
  }

  /// A changed file's bytes in the image: its size in a layer's tar (512-byte header,
  /// contents padded to 512), and compressed as git stores it where git says.
  func fileContribution(_ change: BlobChange, _ placement: ContextFiles.Placement) -> Contribution {
    func tarSize(_ blob: ObjectID?, _ size: Int64) -> Int64 { blob == nil ? 0 : 512 + (size + 511) / 512 * 512 }
    var compressed: Int64 = 0
    var uncertainty: Int64 = 0
    var estimatedRaw = false
    for (blob, size, sign) in [(change.newBlob, change.newSize, Int64(1)), (change.oldBlob, change.oldSize, -1)] {
      guard let blob else { continue }
      if let zlib = storedSizes.zlibSize(of: blob) {
        compressed += sign * zlib
        uncertainty += Int64(Double(zlib) * Self.zlibUncertainty)
      } else {
        // No size of its own in git (a delta in a pack): counted whole, and it may
        // compress to almost nothing.
        compressed += sign * size
        uncertainty += size
        estimatedRaw = true
      }
    }
    return Contribution(
      kind: .file, subject: change.path,
      uncompressedBytes: tarSize(change.newBlob, change.newSize) - tarSize(change.oldBlob, change.oldSize),
      compressedBytes: compressed, uncompressedUncertainty: 0, compressedUncertainty: uncertainty,
      source: placement.source,
      compressedHow: estimatedRaw
        ? "estimated: counted uncompressed (git stores it as a delta)" : "estimated from git's zlib size",
      imagePath: placement.imagePath, added: change.oldBlob == nil)
  }
}
