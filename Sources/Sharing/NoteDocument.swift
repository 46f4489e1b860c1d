import Analysis
import Foundation
import Model
import Store

/// The note sizebudget keeps on a measured commit under `refs/notes/sizebudget`: the
/// commit's measurements, one per image, as versioned JSON. Notes are the shared
/// record; each clone's SQLite store is a fast local index of them.
///
/// A note is compact: the measurement of `docs/json-schema.md` with its long lists
/// trimmed (see `trimmed`), encoded with sorted keys so that the same content is
/// always the same blob, whichever machine wrote it.
public struct NoteDocument: Codable, Equatable, Sendable {
  public static let currentSchema = "sizebudget.note/v1"

  public var schema: String
  /// The commit's subject, author and `Size-Budget:` reasons, for clones that do not
  /// have the commit (yet).
  public var commit: CommitMetadata?
  public var images: [String: ImageMeasurement]
  /// Measurements removed by `sizebudget forget`: per image, the measured time of the
  /// one forgotten. A measurement of that image taken then or earlier is dropped
  /// wherever this note goes (a merge, another clone's store), so that a sync never
  /// brings a forgotten measurement back; one taken later (measured again) stays.
  /// Absent from notes that never had a forget, so their blobs are unchanged.
  public var forgotten: [String: String]?

  public struct CommitMetadata: Codable, Equatable, Sendable {
    public var subject: String
    public var authorName: String
    public var authorEmail: String
    public var time: Int64
    public var sizeBudgetReasons: [String]
  }

  public init(commit: CommitRecord?, images: [String: ImageMeasurement]) {
    schema = Self.currentSchema
    self.commit = commit.map {
      CommitMetadata(
        subject: $0.subject, authorName: $0.authorName, authorEmail: $0.authorEmail, time: $0.time,
        sizeBudgetReasons: $0.sizeBudgetReasons)
    }
    self.images = images
  }

  public func commitRecord(oid: String) -> CommitRecord? {
    commit.map {
      CommitRecord(
        oid: oid, subject: $0.subject, authorName: $0.authorName, authorEmail: $0.authorEmail, time: $0.time,
        sizeBudgetReasons: $0.sizeBudgetReasons)
    }
  }

  // MARK: Limits

  /// What a note keeps of a measurement, so that a history of many thousand measured
  /// commits stays a notes ref every CI runner can fetch (a note of the 406 MB
  /// "before" image is about 50 kB of JSON, 10 kB compressed; packs delta notes of
  /// similar images against each other):
  /// * paths: every path of depth 1 to 3, the paths `keepPaths` names (the budget's
  ///   `[image.X.paths]`), and the largest others, 300 in all at most;
  /// * packages: all of them (forbid_packages and caps need the small ones too), at
  ///   most 5,000;
  /// * wasted files: the 10 largest; examples of forbidden files and categories: 5.
  /// Everything else (totals, layers, forbidden and required results) is whole.
  public static let pathLimit = 300
  public static let packageLimit = 5000
  public static let wastedLimit = 10
  public static let exampleLimit = 5

  public static func trimmed(_ measurement: ImageMeasurement, keepPaths: Set<String> = []) -> ImageMeasurement {
    var m = measurement
    if m.paths.count > pathLimit {
      let depth = { (path: String) in path.split(separator: "/").count }
      let (kept, rest) = m.paths.reduce(into: ([PathSize](), [PathSize]())) { split, path in
        if depth(path.path) <= 3 || keepPaths.contains(path.path) { split.0.append(path) } else { split.1.append(path) }
      }
      let room = max(0, pathLimit - kept.count)
      m.paths = (kept + rest.sorted { ($0.bytes, $1.path) > ($1.bytes, $0.path) }.prefix(room)).sorted {
        $0.path < $1.path
      }
    }
    m.packages = Array(m.packages.prefix(packageLimit))
    m.wasted = Array(m.wasted.prefix(wastedLimit))
    m.forbidden = m.forbidden.map {
      var match = $0
      match.examples = Array(match.examples.prefix(exampleLimit))
      return match
    }
    m.categories = m.categories.map {
      var match = $0
      match.examples = Array(match.examples.prefix(exampleLimit))
      return match
    }
    return m
  }

  // MARK: Forgetting

  /// Whether a measurement taken at `measuredAt` of `image` was forgotten here.
  public func forgets(_ image: String, measuredAt: String) -> Bool {
    guard let forgottenAt = forgotten?[image] else { return false }
    return !ImageMeasurement.isLater(measuredAt, than: forgottenAt)
  }

  /// The note without `measurement`, remembering that it was forgotten.
  public mutating func forget(_ image: String, measuredAt: String) {
    var tombstones = forgotten ?? [:]
    if let current = tombstones[image], ImageMeasurement.isLater(current, than: measuredAt) { return }
    tombstones[image] = measuredAt
    forgotten = tombstones
    if let kept = images[image], forgets(image, measuredAt: kept.measuredAt) { images[image] = nil }
  }

  // MARK: Merging

  /// The union of two notes of one commit. Where both hold an image, the newer
  /// measurement wins, carrying the spread between the two as noise; measured in the
  /// same second, the one whose JSON sorts last, so every machine that merges the
  /// same two notes gets the same note.
  public static func merge(_ a: NoteDocument, _ b: NoteDocument) -> NoteDocument {
    var merged = a
    merged.schema = currentSchema
    merged.commit = a.commit ?? b.commit
    for (image, theirs) in b.images {
      guard let ours = a.images[image] else {
        merged.images[image] = theirs
        continue
      }
      let theirsWin = prefers(theirs, over: ours)
      merged.images[image] = met(theirsWin ? theirs : ours, other: theirsWin ? ours : theirs)
    }
    // A forget on either side removes the measurement it names from the union.
    for (image, measuredAt) in b.forgotten ?? [:] { merged.forget(image, measuredAt: measuredAt) }
    for (image, measuredAt) in a.forgotten ?? [:] { merged.forget(image, measuredAt: measuredAt) }
    return merged
  }

  /// `kept` with the noise it carries after meeting `other`, a measurement of the same
  /// commit and image from another clone: the spread between the two travels with the
  /// one that stays, so every clone judges growth with the same noise.
  public static func met(_ kept: ImageMeasurement, other: ImageMeasurement) -> ImageMeasurement {
    var kept = kept
    kept.noise = MeasurementNoise.combined(kept, with: other)
    return kept
  }

  /// Whether `candidate` should replace `current` (same commit and image): the newer
  /// wins; in the same second, the one with the greater identity (host, source,
  /// digests, sizes), then the one whose JSON sorts last.
  public static func prefers(_ candidate: ImageMeasurement, over current: ImageMeasurement) -> Bool {
    if candidate.measuredAt != current.measuredAt {
      return ImageMeasurement.isLater(candidate.measuredAt, than: current.measuredAt)
    }
    if identity(candidate) != identity(current) {
      return identity(current).lexicographicallyPrecedes(identity(candidate))
    }
    return encodeMeasurement(current).lexicographicallyPrecedes(encodeMeasurement(candidate))
  }

  /// Whether a note's measurement should replace the store's: as `prefers`, except that
  /// the same measurement (a store keeps it whole, a note trimmed) is left alone.
  public static func replaces(_ note: ImageMeasurement, stored: ImageMeasurement) -> Bool {
    if note.measuredAt != stored.measuredAt {
      return ImageMeasurement.isLater(note.measuredAt, than: stored.measuredAt)
    }
    return identity(stored).lexicographicallyPrecedes(identity(note))
  }

  /// What tells two measurements apart, trimming aside.
  static func identity(_ m: ImageMeasurement) -> [String] {
    [
      m.host, m.source, m.manifestDigest ?? "", m.configDigest ?? "", String(m.compressedBytes),
      String(m.uncompressedBytes), m.platform, m.toolVersion,
    ]
  }

  // MARK: Encoding

  public func encoded() -> [UInt8] { Array(try! Self.encoder.encode(self)) }

  /// Reads a note; a note from a newer sizebudget (another schema) or one that is not
  /// ours is an error naming the commit.
  /// The `schema` of a note that is a JSON object with one (nil otherwise). A note
  /// of another `sizebudget.note/` version comes from another sizebudget: it is left
  /// as it is, never replaced by this one's idea of it.
  public static func schema(of bytes: [UInt8]) -> String? {
    struct Header: Decodable { var schema: String }
    return (try? JSONDecoder().decode(Header.self, from: Data(bytes)))?.schema
  }

  public static func isOtherVersion(_ schema: String?) -> Bool {
    guard let schema else { return false }
    return schema.hasPrefix("sizebudget.note/") && schema != currentSchema
  }

  public static func decode(_ bytes: [UInt8], commit: String) throws(SharingError) -> NoteDocument {
    if let schema = schema(of: bytes), isOtherVersion(schema) {
      throw SharingError(
        "the note of commit \(commit.prefix(12)) has schema \(schema); this sizebudget reads "
          + "\(currentSchema): the note is left as it is (upgrade sizebudget to read it)")
    }
    let document: NoteDocument
    do {
      document = try decoder.decode(NoteDocument.self, from: Data(bytes))
    } catch {
      throw SharingError(
        "the note of commit \(commit.prefix(12)) in refs/notes/sizebudget is not a sizebudget note (\(error)): "
          + "remove it with git notes --ref sizebudget remove \(commit.prefix(12))")
    }
    guard document.schema == currentSchema else {
      throw SharingError(
        "the note of commit \(commit.prefix(12)) has schema \(document.schema); this sizebudget reads "
          + "\(currentSchema): upgrade sizebudget")
    }
    // Anyone who can push the notes ref writes these: a size no image can have would
    // be a wrong figure, or a trap where sizes are subtracted.
    for (image, measurement) in document.images.sorted(by: { $0.key < $1.key }) {
      if let problem = measurement.sizeProblem {
        throw SharingError(
          "the note of commit \(commit.prefix(12)) in refs/notes/sizebudget is refused: image \(image): \(problem); "
            + "measure the commit again, or remove the note with git notes --ref sizebudget remove \(commit.prefix(12))"
        )
      }
    }
    return document
  }

  static func encodeMeasurement(_ m: ImageMeasurement) -> [UInt8] { Array(try! encoder.encode(m)) }

  private static let encoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return encoder
  }()

  /// snake_case back to the Swift names; `diff_id` is `diffID`.
  private static let decoder: JSONDecoder = {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .custom { path in
      let key = path.last!.stringValue
      var parts = key.split(separator: "_").map(String.init)
      guard parts.count > 1 else { return AnyKey(key) }
      for index in 1..<parts.count {
        parts[index] = parts[index] == "id" ? "ID" : parts[index].prefix(1).uppercased() + parts[index].dropFirst()
      }
      return AnyKey(parts.joined())
    }
    return decoder
  }()

  private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }
}

/// A sharing problem, in words a user can act on.
public struct SharingError: Error, Sendable, CustomStringConvertible {
  public var message: String
  /// The remote that could not be reached (network down, host unknown, timed out):
  /// a transient failure, unlike a remote that does not exist or refuses the push.
  public var unreachable: String? = nil
  public init(_ message: String, unreachable: String? = nil) {
    self.message = message
    self.unreachable = unreachable
  }
  public var description: String { message }
}
