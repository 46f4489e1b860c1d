import Analysis
import Budgets

/// One thing a push changes that changes an image's size: a file the image copies,
/// or a dependency line. Bytes are signed (a removal is negative).
public struct Contribution: Sendable, Codable, Equatable {
  public enum Kind: String, Sendable, Codable {
    /// A file under the image's context that the Dockerfile copies (or, with no
    /// Dockerfile, any file of the context).
    case file
    /// A dependency line, priced from an earlier measurement's package list.
    case package
    /// A dependency line for a package no measurement has seen: listed, not priced.
    case unknownPackage = "unknown-package"
    /// A Dockerfile instruction removed: the layer it made in the measured ancestor goes.
    case layer
  }

  public var kind: Kind
  /// `app/model.bin`, `torch 2.5.1`, `deb:build-essential`.
  public var subject: String
  public var uncompressedBytes: Int64
  public var compressedBytes: Int64
  /// How far either figure may be off, in bytes (±).
  public var uncompressedUncertainty: Int64
  public var compressedUncertainty: Int64
  /// Where it comes from: `COPY app/ /app, docker/api.Dockerfile:7`, `seen in worker at 9c1e2f`.
  public var source: String
  /// How the compressed figure was made: `zlib size in the object database`, `…`.
  public var compressedHow: String
  /// Where the file lands in the image, when the Dockerfile says.
  public var imagePath: String?
  /// True for a file the push adds (forbid patterns are matched against these).
  public var added: Bool

  public init(
    kind: Kind, subject: String, uncompressedBytes: Int64, compressedBytes: Int64, uncompressedUncertainty: Int64,
    compressedUncertainty: Int64, source: String, compressedHow: String, imagePath: String? = nil, added: Bool = false
  ) {
    self.kind = kind
    self.subject = subject
    self.uncompressedBytes = uncompressedBytes
    self.compressedBytes = compressedBytes
    self.uncompressedUncertainty = uncompressedUncertainty
    self.compressedUncertainty = compressedUncertainty
    self.source = source
    self.compressedHow = compressedHow
    self.imagePath = imagePath
    self.added = added
  }

  public func bytes(for metric: Metric) -> Int64 { metric == .compressed ? compressedBytes : uncompressedBytes }
  public func uncertainty(for metric: Metric) -> Int64 {
    metric == .compressed ? compressedUncertainty : uncompressedUncertainty
  }
}

/// What a push is predicted to do to one image, without building it: the nearest
/// measured ancestor of the pushed tip, and what the diff from there to the tip adds.
public struct ImagePrediction: Sendable {
  public var image: String
  /// The pushed commit predicted.
  public var tip: String
  /// The nearest measured first-parent ancestor of `tip` (or `tip` itself when it is
  /// measured: then nothing is predicted and the measurement is what counts).
  public var measured: ImageMeasurement
  /// First-parent steps from `tip` back to `measured`.
  public var stepsBack: Int
  public var contributions: [Contribution]
  /// What the prediction leaves out, said once each ("files copied only by stage
  /// build are not counted").
  public var notes: [String]
  /// The Dockerfile changed in ways the prediction does not price (stages, COPY or
  /// RUN lines other than package installs): the prediction may be far off.
  public var dockerfileChanged = false

  public var tipIsMeasured: Bool { measured.commit == tip }

  public func delta(for metric: Metric) -> Int64 { contributions.reduce(0) { $0 + $1.bytes(for: metric) } }

  /// The sum of the contributions' uncertainties: each may be off in the same direction.
  public func uncertainty(for metric: Metric) -> Int64 {
    contributions.reduce(0) { $0 + $1.uncertainty(for: metric) }
  }

  public var unknownPackages: [Contribution] { contributions.filter { $0.kind == .unknownPackage } }

  /// The measurement the tip is predicted to have: the ancestor's, with the totals
  /// moved by the delta, path sizes moved where a copied file lands, and added files
  /// matched against the budget's forbid patterns. Layers, waste and packages stay
  /// the ancestor's: the prediction says nothing about them. Whether the compressed
  /// size is an estimate stays the ancestor's too: the prediction's own uncertainty
  /// is stated apart, and growth rules compare like with like.
  public func predictedMeasurement(budget: ImageBudget) -> ImageMeasurement {
    var predicted = measured
    predicted.commit = tip
    predicted.compressedBytes += delta(for: .compressed)
    predicted.uncompressedBytes += delta(for: .uncompressed)
    predicted.source = "predicted from \(measured.commit.prefix(12))"
    for contribution in contributions where contribution.kind == .file {
      guard let path = contribution.imagePath else { continue }
      for index in predicted.paths.indices where Self.isWithin(path, predicted.paths[index].path) {
        predicted.paths[index].bytes += contribution.uncompressedBytes
      }
    }
    for pattern in budget.forbid {
      let hits = contributions.filter {
        $0.added && $0.kind == .file && pattern.value.matches($0.imagePath ?? "/" + $0.subject)
      }
      guard !hits.isEmpty else { continue }
      let examples = hits.map {
        PatternMatch.Example(path: $0.imagePath ?? "/" + $0.subject, bytes: $0.uncompressedBytes, layer: -1)
      }
      if let index = predicted.forbidden.firstIndex(where: { $0.pattern == pattern.value.text }) {
        predicted.forbidden[index].files += hits.count
        predicted.forbidden[index].bytes += hits.reduce(0) { $0 + $1.uncompressedBytes }
        predicted.forbidden[index].examples = examples + predicted.forbidden[index].examples
      } else {
        predicted.forbidden.append(
          PatternMatch(
            pattern: pattern.value.text, files: hits.count, bytes: hits.reduce(0) { $0 + $1.uncompressedBytes },
            examples: examples))
      }
    }
    return predicted
  }

  /// The path caps and forbid patterns the prediction touches (the only ones it can
  /// say anything new about).
  public func touchedPaths(budget: ImageBudget) -> Set<String> {
    let landed = contributions.compactMap(\.imagePath)
    return Set(budget.paths.map(\.path).filter { cap in landed.contains { Self.isWithin($0, cap) } })
  }

  public func touchedPatterns(budget: ImageBudget) -> Set<String> {
    let added = contributions.filter { $0.added && $0.kind == .file }.map { $0.imagePath ?? "/" + $0.subject }
    return Set(budget.forbid.map(\.value).filter { pattern in added.contains { pattern.matches($0) } }.map(\.text))
  }

  /// Whether `path` is `directory` or under it.
  static func isWithin(_ path: String, _ directory: String) -> Bool {
    if directory == "/" { return true }
    let trimmed = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
    return path == trimmed || path.hasPrefix(trimmed + "/")
  }
}
