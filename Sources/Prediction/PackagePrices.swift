import Analysis
import Store

/// Prices dependency lines from what measurements have seen: a package the base image
/// already holds adds nothing; one another measurement (any image, any commit) holds
/// is priced at its size there, the same version preferred; one never seen is named
/// unknown, never guessed.
struct PackagePrices {
  /// The measured ancestor the prediction starts from.
  let measured: ImageMeasurement
  /// Sightings by ecosystem and normalized name, newest first.
  let sightings: [String: [PackageSighting]]

  /// How far a price from the same version, or another version, may be off.
  static let sameVersionUncertainty = 0.1
  static let otherVersionUncertainty = 0.5
  /// How far a compressed price (the package's bytes times its image's compression
  /// ratio) may be off: packages compress better or worse than their image.
  static let compressedUncertainty = 0.4

  static func key(_ ecosystem: String, _ name: String) -> String {
    ecosystem + ":" + PackageSighting.normalized(name)
  }

  /// Contributions for the packages named before (`old`) and after (`new`) the push.
  func contributions(old: Set<DeclaredPackage>, new: Set<DeclaredPackage>) -> [Contribution] {
    let before = Dictionary(old.map { (Self.key($0.ecosystem, $0.name), $0) }) { a, _ in a }
    let after = Dictionary(new.map { (Self.key($0.ecosystem, $0.name), $0) }) { a, _ in a }
    var result: [Contribution] = []
    for key in after.keys.sorted() {
      let package = after[key]!
      if let previous = before[key] {
        if previous.version != package.version, let changed = versionChange(previous, package) {
          result.append(changed)
        }
      } else {
        result.append(added(package))
      }
    }
    for key in before.keys.sorted() where after[key] == nil {
      if let removal = removed(before[key]!) { result.append(removal) }
    }
    return result
  }

  /// The package's entries in the measured ancestor's image.
  func inImage(_ package: DeclaredPackage) -> [PackageSize] {
    let wanted = PackageSighting.normalized(package.name)
    return measured.packages.filter {
      $0.ecosystem == package.ecosystem && PackageSighting.normalized($0.name) == wanted
    }
  }

  var imageRatio: Double { Self.ratio(measured.compressedBytes, measured.uncompressedBytes) }

  static func ratio(_ compressed: Int64, _ uncompressed: Int64) -> Double {
    uncompressed > 0 ? min(1, Double(compressed) / Double(uncompressed)) : 1
  }

  func added(_ package: DeclaredPackage) -> Contribution {
    let present = inImage(package)
    if let first = present.first, package.version == nil || present.contains(where: { $0.version == package.version }) {
      return Contribution(
        kind: .package, subject: package.display, uncompressedBytes: 0, compressedBytes: 0, uncompressedUncertainty: 0,
        compressedUncertainty: 0,
        source: "already in \(measured.image) at \(measured.commit.prefix(7)) (\(first.name) \(first.version ?? ""))",
        compressedHow: "nothing added")
    }
    guard let (sighting, sameVersion) = price(package) else {
      return Contribution(
        kind: .unknownPackage, subject: package.display, uncompressedBytes: 0, compressedBytes: 0,
        uncompressedUncertainty: 0, compressedUncertainty: 0,
        source: "no measurement has seen \(package.ecosystem) package \(package.name): not priced",
        compressedHow: "unknown")
    }
    return priced(package, sighting, sameVersion: sameVersion, minus: 0)
  }

  func removed(_ package: DeclaredPackage) -> Contribution? {
    let present = inImage(package)
    guard !present.isEmpty else { return nil }
    let bytes = present.reduce(0) { $0 + $1.bytes }
    let compressed = Int64(Double(bytes) * imageRatio)
    return Contribution(
      kind: .package, subject: package.display, uncompressedBytes: -bytes, compressedBytes: -compressed,
      uncompressedUncertainty: 0, compressedUncertainty: Int64(Double(compressed) * Self.compressedUncertainty),
      source: "removed; in \(measured.image) at \(measured.commit.prefix(7))",
      compressedHow: "its bytes times the image's compression ratio")
  }

  func versionChange(_ old: DeclaredPackage, _ new: DeclaredPackage) -> Contribution? {
    let present = inImage(old)
    let bytes = present.reduce(0) { $0 + $1.bytes }
    if present.isEmpty { return added(new) }
    let subject = "\(new.name) \(old.version ?? "?") → \(new.version ?? "?")"
    if let (sighting, sameVersion) = price(new), sameVersion {
      var contribution = priced(new, sighting, sameVersion: true, minus: bytes)
      contribution.subject = subject
      return contribution
    }
    // Not seen at the new version: it is taken to stay the size it is, give or take.
    let uncertainty = Int64(Double(bytes) * Self.otherVersionUncertainty)
    return Contribution(
      kind: .package, subject: subject, uncompressedBytes: 0, compressedBytes: 0,
      uncompressedUncertainty: uncertainty, compressedUncertainty: Int64(Double(uncertainty) * imageRatio),
      source:
        "\(new.version ?? "the new version") never measured: taken as the size of \(old.version ?? "the old one")",
      compressedHow: "its bytes times the image's compression ratio")
  }

  /// The newest sighting of the same version, else the newest of any version.
  func price(_ package: DeclaredPackage) -> (PackageSighting, Bool)? {
    let seen = sightings[Self.key(package.ecosystem, package.name)] ?? []
    if let version = package.version, let same = seen.first(where: { $0.version == version }) { return (same, true) }
    return seen.first.map { ($0, package.version == nil) }
  }

  func priced(_ package: DeclaredPackage, _ sighting: PackageSighting, sameVersion: Bool, minus: Int64)
    -> Contribution
  {
    let ratio = Self.ratio(sighting.imageCompressedBytes, sighting.imageUncompressedBytes)
    let bytes = sighting.bytes - minus
    let compressed = Int64(Double(sighting.bytes) * ratio) - Int64(Double(minus) * imageRatio)
    let spread = sameVersion ? Self.sameVersionUncertainty : Self.otherVersionUncertainty
    let version = sighting.version.map { " \($0)" } ?? ""
    let seen =
      "seen in \(sighting.image) at \(sighting.commit.prefix(7))"
      + (sameVersion ? "" : " (as \(sighting.name)\(version))")
    return Contribution(
      kind: .package, subject: package.display, uncompressedBytes: bytes, compressedBytes: compressed,
      uncompressedUncertainty: Int64(Double(sighting.bytes) * spread),
      compressedUncertainty: Int64(Double(sighting.bytes) * ratio * (spread + Self.compressedUncertainty)),
      source: seen, compressedHow: "its bytes times \(sighting.image)'s compression ratio")
  }
}
