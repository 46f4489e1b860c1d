/// Many patterns tried on many paths (every file of an image against the categories'
/// and a budget's patterns): a pattern is tried only on a path that has every name the
/// pattern needs as a whole component (`**/__pycache__/**` needs `__pycache__`). The
/// names a path has are looked up once per component, not once per pattern; most
/// paths have none of them (issue 16: this was most of `measure`'s time per file).
public struct PathPatternScreen: Sendable {
  /// Each needed name's bit (the first 64 names; past them a pattern is screened by
  /// the names that have bits, and matching decides the rest).
  private let bits: [Substring: UInt64]
  private let needs: [UInt64]

  public init(_ patterns: [PathPattern]) {
    var bits: [Substring: UInt64] = [:]
    needs = patterns.map { pattern in
      var mask: UInt64 = 0
      for name in pattern.requiredNames {
        if bits[Substring(name)] == nil && bits.count < 64 { bits[Substring(name)] = 1 << UInt64(bits.count) }
        mask |= bits[Substring(name)] ?? 0
      }
      return mask
    }
    self.bits = bits
  }

  /// The needed names a path has, for `mayMatch`.
  public func names(in components: [Substring]) -> UInt64 {
    components.reduce(0) { $0 | (bits[$1] ?? 0) }
  }

  /// False when pattern `index` (of those given) cannot match a path with `names`.
  public func mayMatch(_ index: Int, names: UInt64) -> Bool { needs[index] & names == needs[index] }
}
