/// Many patterns tried on many paths (every file of an image against the categories'
/// patterns, `FileCategories`): a pattern is tried only on a path that has every name the
/// pattern needs as a whole component (`**/__pycache__/**` needs `__pycache__`), and
/// names with its globs' fixed starts and ends (`**/*.pyc` needs a last name ending in
/// `.pyc`, `**/*.dSYM/**` some name ending in `.dSYM`). What a path has is found once
/// per path, not once per pattern; most paths have none of it (issue 16: the names
/// made `measure`'s time per file, then the globs were most of what was left: 31 % of
/// the CPU of a measure of 300,000 files, the last 1.6 s of it on one core).
public struct PathPatternScreen: Sendable {
  /// Each needed name's bit (the first 128 names, enough for the categories' 86; past
  /// them a pattern is screened by the names that have bits, and matching decides).
  private let bits: [Substring: UInt128]
  /// Each distinct start and end that the last name needs, and that some name needs,
  /// by bit (the first 128 of each, as names).
  private let lastNameAffixes: [Affixes]
  private let someNameAffixes: [Affixes]
  private let needs: [Traits]

  /// What a path has of what the patterns need.
  public struct Traits: Sendable {
    fileprivate var names: UInt128 = 0
    fileprivate var lastName: UInt128 = 0
    fileprivate var someName: UInt128 = 0

    fileprivate func covers(_ need: Traits) -> Bool {
      need.names & names == need.names && need.lastName & lastName == need.lastName
        && need.someName & someName == need.someName
    }
  }

  private struct Affixes: Hashable, Sendable {
    let prefix: [UInt8]
    let suffix: [UInt8]

    func fit(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
      name.count >= prefix.count + suffix.count && name.starts(with: prefix)
        && UnsafeBufferPointer(rebasing: name[(name.count - suffix.count)...]).elementsEqual(suffix)
    }
  }

  public init(_ patterns: [PathPattern]) {
    var names = Bits<Substring>()
    var lastName = Bits<Affixes>()
    var someName = Bits<Affixes>()
    needs = patterns.map { pattern in
      var need = Traits()
      for name in pattern.requiredNames { need.names |= names.bit(for: Substring(name)) }
      for glob in pattern.globAffixes {
        let affixes = Affixes(prefix: glob.prefix, suffix: glob.suffix)
        if glob.isLast {
          need.lastName |= lastName.bit(for: affixes)
        } else {
          need.someName |= someName.bit(for: affixes)
        }
      }
      return need
    }
    bits = names.bits
    lastNameAffixes = lastName.keys
    someNameAffixes = someName.keys
  }

  /// What a path has, for `mayMatch`.
  public func traits(of components: [Substring]) -> Traits {
    var traits = Traits()
    for (index, component) in components.enumerated() {
      traits.names |= bits[component] ?? 0
      let isLast = index == components.count - 1
      guard !someNameAffixes.isEmpty || (isLast && !lastNameAffixes.isEmpty) else { continue }
      func fit(_ name: UnsafeBufferPointer<UInt8>) {
        traits.someName |= Self.fitting(someNameAffixes, name)
        if isLast { traits.lastName = Self.fitting(lastNameAffixes, name) }
      }
      component.utf8.withContiguousStorageIfAvailable(fit) ?? Array(component.utf8).withUnsafeBufferPointer(fit)
    }
    return traits
  }

  /// False when pattern `index` (of those given) cannot match a path with `traits`.
  public func mayMatch(_ index: Int, _ traits: Traits) -> Bool { traits.covers(needs[index]) }

  private static func fitting(_ affixes: [Affixes], _ name: UnsafeBufferPointer<UInt8>) -> UInt128 {
    var found: UInt128 = 0
    for (bit, affix) in affixes.enumerated() where affix.fit(name) { found |= 1 << UInt128(bit) }
    return found
  }

  /// Up to 128 keys, a bit each, in the order first asked for; past them, no bit (the
  /// pattern is screened by the rest, and matching decides).
  private struct Bits<Key: Hashable> {
    private(set) var bits: [Key: UInt128] = [:]
    private(set) var keys: [Key] = []

    mutating func bit(for key: Key) -> UInt128 {
      if let bit = bits[key] { return bit }
      guard keys.count < UInt128.bitWidth else { return 0 }
      let bit = UInt128(1) << UInt128(keys.count)
      bits[key] = bit
      keys.append(key)
      return bit
    }
  }
}
