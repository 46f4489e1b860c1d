extension String {
  /// The names between slashes, empty ones left out: `/usr//bin/` → `usr`, `bin`.
  ///
  /// Split on the byte `/`, as the kernel splits a path, not on Characters: `split`
  /// by Character tests every character for a grapheme break, and was the largest part
  /// of `measure`'s work after the last layer of an image of 300,000 files (issue 16).
  /// A `/` followed by a combining mark is one Character, which `split` would not cut.
  public func slashSeparated() -> [Substring] {
    var parts: [Substring] = []
    let bytes = utf8
    var start = bytes.startIndex
    var index = start
    while index != bytes.endIndex {
      if bytes[index] == UInt8(ascii: "/") {
        if start != index { parts.append(self[start..<index]) }
        start = bytes.index(after: index)
      }
      index = bytes.index(after: index)
    }
    if start != bytes.endIndex { parts.append(self[start..<bytes.endIndex]) }
    return parts
  }
}

extension String {
  /// What comes before and after the last `/`, found by byte as `slashSeparated`
  /// splits (searching by Character misses a `/` that a combining mark follows, and
  /// stepping past it by Character would drop the mark); nil without a slash.
  public func splitAtLastSlash() -> (parent: Substring, name: Substring)? {
    guard let slash = utf8.lastIndex(of: UInt8(ascii: "/")) else { return nil }
    return (self[..<slash], self[utf8.index(after: slash)...])
  }
}
