import SystemCalls

/// A glob over absolute paths in an image: `*` and `?` stay within one path segment,
/// `**` spans any number of segments (none included). A pattern that does not start
/// with `/` matches at any depth, as in `.gitignore` (`__pycache__/**` is
/// `**/__pycache__/**`). A trailing `/` means "everything under this directory".
public struct PathPattern: Sendable, Hashable, CustomStringConvertible {
  public let text: String
  private let segments: [Segment]
  /// The literal segments, all of which a matching path contains: a path without one
  /// of them is turned away before any matching (most paths, for most patterns).
  private let literals: [String]
  /// Where the last `**` is: what follows it spans exactly that many segments.
  private let lastAnyDepth: Int?

  enum Segment: Hashable {
    case anyDepth
    case literal(String)
    case glob([UInt8])
  }

  public init(_ text: String) throws(SizeSyntaxError) {
    self.text = text
    guard !text.trimmingWhitespace().isEmpty else { throw SizeSyntaxError("an empty path pattern matches nothing") }
    var body = text
    if !body.hasPrefix("/") && !body.hasPrefix("**") { body = "**/" + body }
    if body.hasSuffix("/") { body += "**" }
    var segments: [Segment] = []
    for part in body.slashSeparated() {
      if part == "**" {
        if segments.last != .anyDepth { segments.append(.anyDepth) }
      } else if part.contains("**") {
        throw SizeSyntaxError("\"\(text)\": '**' must be a whole path segment, like \"/usr/**/gcc\"")
      } else if part.contains(where: { $0 == "*" || $0 == "?" }) {
        segments.append(.glob(Array(part.utf8)))
      } else {
        segments.append(.literal(String(part)))
      }
    }
    self.segments = segments
    literals = segments.compactMap { if case .literal(let name) = $0 { name } else { nil } }
    lastAnyDepth = segments.lastIndex(of: .anyDepth)
  }

  public var description: String { text }

  /// Names every matching path has as a whole component (`__pycache__` for
  /// `**/__pycache__/**`): what `PathPatternScreen` screens paths by.
  public var requiredNames: [String] { literals }

  /// The fixed start and end of each glob segment, the bytes before its first
  /// wildcard and after its last (`*.pyc`: "" and ".pyc"; `libcuda*`: "libcuda" and
  /// ""), for `PathPatternScreen`: a matching path has a name with them, its last name
  /// for the pattern's last segment (`isLast`). Globs without fixed bytes are left out.
  public var globAffixes: [(prefix: [UInt8], suffix: [UInt8], isLast: Bool)] {
    let isWildcard = { (byte: UInt8) in byte == UInt8(ascii: "*") || byte == UInt8(ascii: "?") }
    return segments.indices.compactMap { index in
      guard case .glob(let glob) = segments[index] else { return nil }
      let prefix = Array(glob.prefix { !isWildcard($0) })
      let suffix = Array(glob.reversed().prefix { !isWildcard($0) }.reversed())
      return prefix.isEmpty && suffix.isEmpty ? nil : (prefix, suffix, index == segments.count - 1)
    }
  }

  /// Whether an absolute path (`/usr/bin/gcc-12`) matches.
  public func matches(_ path: String) -> Bool {
    matches(components: path.slashSeparated())
  }

  /// The same, for a path already split (to test many patterns against one path).
  public func matches(components: [Substring]) -> Bool {
    if case .literal(let first)? = segments.first, components.first.map({ $0 != first }) ?? true { return false }
    for name in literals where !components.contains(where: { $0 == name }) { return false }
    return matches(components[...], segments[...])
  }

  /// The leading directories that every match starts with (`/app/tests` for
  /// `/app/tests/**`, empty for `**/__pycache__/**`).
  public var literalPrefix: String {
    var prefix = ""
    for segment in segments {
      guard case .literal(let name) = segment else { break }
      prefix += "/" + name
    }
    return prefix
  }

  private func matches(_ path: ArraySlice<Substring>, _ pattern: ArraySlice<Segment>) -> Bool {
    guard let first = pattern.first else { return path.isEmpty }
    switch first {
    case .anyDepth:
      let rest = pattern.dropFirst()
      if rest.isEmpty { return true }
      // After the last `**` every segment takes one path segment: only the path's
      // last segments can match (`**/*.pyc` tries the file name, not every suffix).
      if pattern.startIndex == lastAnyDepth {
        return path.count >= rest.count && matches(path.suffix(rest.count), rest)
      }
      var remaining = path
      while true {
        if matches(remaining, rest) { return true }
        guard !remaining.isEmpty else { return false }
        remaining = remaining.dropFirst()
      }
    case .literal(let name):
      guard let segment = path.first, segment == name else { return false }
      return matches(path.dropFirst(), pattern.dropFirst())
    case .glob(let glob):
      guard let segment = path.first,
        segment.utf8.withContiguousStorageIfAvailable({ Self.globMatches(glob[...], $0) })
          ?? Self.globMatches(glob[...], Array(segment.utf8))
      else { return false }
      return matches(path.dropFirst(), pattern.dropFirst())
    }
  }

  /// `*` and `?` within one segment, iteratively with one backtrack point.
  static func globMatches<Name: RandomAccessCollection<UInt8>>(_ pattern: ArraySlice<UInt8>, _ name: Name) -> Bool
  where Name.Index == Int {
    var p = pattern.startIndex
    var n = name.startIndex
    var star: (pattern: Int, name: Int)? = nil
    while n < name.endIndex {
      if p < pattern.endIndex, pattern[p] == UInt8(ascii: "?") || pattern[p] == name[n] {
        p += 1
        n += 1
      } else if p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") {
        star = (p, n)
        p += 1
      } else if let last = star {
        p = last.pattern + 1
        n = last.name + 1
        star = (last.pattern, last.name + 1)
      } else {
        return false
      }
    }
    while p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") { p += 1 }
    return p == pattern.endIndex
  }
}
