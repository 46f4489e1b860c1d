/// Sizes come from untrusted places: a registry's manifest, a contributor's image, a
/// note fetched from a remote. Swift traps on Int64 overflow, so a crafted size must
/// be refused where it enters (`ByteLimits.problem`) and arithmetic on stored sizes
/// must not trap even if one slipped through (`saturating…`).
public enum ByteLimits {
  /// 1 PiB: no layer, file or image comes near it, and sums of many such sizes stay
  /// far from Int64's end (2^63), so a size above it is corruption or an attack.
  public static let maximum: Int64 = 1 << 50

  /// Why `bytes` cannot be a size (negative or absurd), or nil when it can.
  public static func problem(_ bytes: Int64) -> String? {
    if bytes < 0 { return "a negative size (\(bytes))" }
    if bytes > maximum { return "an absurd size (\(bytes) bytes, over 1 PiB)" }
    return nil
  }

  /// The sum of sizes, or nil when it overflows Int64.
  public static func checkedSum<S: Sequence>(_ values: S) -> Int64? where S.Element == Int64 {
    var total: Int64 = 0
    for value in values {
      let (sum, overflow) = total.addingReportingOverflow(value)
      if overflow { return nil }
      total = sum
    }
    return total
  }
}

extension Int64 {
  /// `self + other`, pinned at Int64's ends instead of trapping.
  public func saturatingAdding(_ other: Int64) -> Int64 {
    let (sum, overflow) = addingReportingOverflow(other)
    guard overflow else { return sum }
    return other > 0 ? .max : .min
  }

  /// `self - other`, pinned at Int64's ends instead of trapping.
  public func saturatingSubtracting(_ other: Int64) -> Int64 {
    let (difference, overflow) = subtractingReportingOverflow(other)
    guard overflow else { return difference }
    return other > 0 ? .min : .max
  }
}

extension ImageMeasurement {
  /// What is wrong with the measurement's sizes (a negative or absurd size, or totals
  /// that overflow), or nil when every size can be right. Checked before a
  /// measurement from outside (a note) is believed or stored.
  public var sizeProblem: String? {
    var sizes: [(String, Int64)] = [
      ("compressed_bytes", compressedBytes), ("uncompressed_bytes", uncompressedBytes), ("wasted_bytes", wastedBytes),
      ("file_count", Int64(fileCount)),
    ]
    for layer in layers {
      sizes.append(("layer \(layer.index) compressed_bytes", layer.compressedBytes))
      sizes.append(("layer \(layer.index) uncompressed_bytes", layer.uncompressedBytes))
    }
    sizes += paths.map { ("path \($0.path)", $0.bytes) }
    sizes += wasted.map { ("wasted \($0.path)", $0.bytes) }
    sizes += (forbidden + categories).map { ("\($0.pattern) bytes", $0.bytes) }
    sizes += required.map { ("required \($0.path)", $0.bytes) }
    sizes += packages.map { ("package \($0.name)", $0.bytes) }
    for (what, bytes) in sizes {
      if let problem = ByteLimits.problem(bytes) { return "\(what) is \(problem)" }
    }
    for (what, values) in [
      ("compressed", layers.map(\.compressedBytes)), ("uncompressed", layers.map(\.uncompressedBytes)),
    ] {
      guard let sum = ByteLimits.checkedSum(values), ByteLimits.problem(sum) == nil else {
        return "the layers' \(what) sizes add up to more than 1 PiB"
      }
    }
    return nil
  }
}
