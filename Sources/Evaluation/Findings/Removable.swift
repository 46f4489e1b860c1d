import Model

/// What an image's findings can save together: their savings added up, less the bytes
/// two of them are known to name, and no more than the image holds uncompressed.
///
/// A finding keeps only its largest items, and some items are packages or groups
/// (`pytest 8.3.2`, `locales (120 files)`), not paths: an overlap is taken out only
/// where it is known (a path under, or equal to, a path of a finding with a bigger
/// saving, or under a group's directory, `/usr/share/doc (80 files)`), and no more
/// than the bytes the covering finding names there; `mayOverlap` says whether what is
/// left can still count bytes twice. Stripping (`unstripped`, whose items carry what
/// `strip` saves, not the file's size) removes no file: it covers nothing, so a
/// duplicate whose kept copy is stripped still saves its copy; stripping a file
/// another finding removes saves nothing more, so those findings count after the rest.
public struct RemovableBytes: Sendable, Equatable {
  /// What can go, at most.
  public var bytes: Int64
  /// Bytes left out because a finding with a bigger saving already counts them.
  public var overlap: Int64
  /// Two of the findings that count save bytes not named by path (packages, paths
  /// beyond their largest): those can still be the same bytes.
  public var mayOverlap: Bool
  /// Each finding's saving less its known overlap, in the order of the findings
  /// given (what the severities add up to; the cap at the image's size aside).
  public var counted: [Int64]
}

extension Findings {
  /// `uncompressed`: the image's uncompressed size, the most that can go.
  public static func removable(_ findings: [Finding], uncompressed: Int64) -> RemovableBytes {
    // The bigger saving first; of two equal ones, the first given (the order `all` sorts);
    // stripping last, once every file removed is known.
    let strips = UnstrippedRule().name
    let order = findings.indices.sorted {
      (findings[$0].rule != strips ? 1 : 0, findings[$0].saving, $1)
        > (findings[$1].rule != strips ? 1 : 0, findings[$1].saving, $0)
    }
    // The paths the findings counted so far remove, with their bytes.
    var covered: [(path: String, bytes: Int64)] = []
    var counted = Array(repeating: Int64(0), count: findings.count)
    var overlap: Int64 = 0
    var counting = 0
    var unnamed = 0
    for index in order {
      let finding = findings[index]
      guard finding.saving > 0 else { continue }
      // Bytes a later layer hid: they are not in the final filesystem that every other
      // finding's paths are in, so they overlap nothing.
      if finding.rule == WasteRule().name {
        counted[index] = finding.saving
        continue
      }
      var named: Int64 = 0
      var shared: Int64 = 0
      var removes: [(path: String, bytes: Int64)] = []
      for item in finding.items {
        guard let paths = paths(of: item, rule: finding.rule) else { continue }
        named = named.saturatingAdding(item.bytes)
        // The bytes a bigger finding names at or above one of the item's paths: a
        // directory's, or a file's when both name the same file.
        let covering = covered.filter { entry in paths.contains { isUnder($0, entry.path) } }
        if !covering.isEmpty {
          shared = shared.saturatingAdding(min(item.bytes, covering.map(\.bytes).max() ?? 0))
        } else {
          // Bigger findings' paths inside this one (the outermost of them).
          let inside = covered.filter { isUnder($0.path, paths[0]) }
          let outermost = inside.filter { entry in
            !inside.contains { $0.path != entry.path && isUnder(entry.path, $0.path) }
          }
          shared = shared.saturatingAdding(min(item.bytes, outermost.reduce(0) { $0.saturatingAdding($1.bytes) }))
        }
        // Of a duplicate, the redundant copy: the one the fix removes. Stripping removes
        // no file.
        if finding.rule != strips { removes.append((paths[0], item.bytes)) }
      }
      shared = min(shared, finding.saving)
      counted[index] = finding.saving - shared
      overlap = overlap.saturatingAdding(shared)
      covered += removes
      if counted[index] > 0 {
        counting += 1
        if named < finding.saving { unnamed += 1 }
      }
    }
    let total = counted.reduce(Int64(0)) { $0.saturatingAdding($1) }
    return RemovableBytes(
      bytes: min(total, max(uncompressed, 0)), overlap: overlap, mayOverlap: counting > 1 && unnamed > 0,
      counted: counted)
  }

  /// The paths an item names: one path, a group's directory (`/usr/share/doc (80 files)`
  /// is /usr/share/doc), or for a duplicate the redundant copy and the one that stays
  /// (`/opt/b/x.so = /opt/a/x.so`); nil for a package or a group that is no path
  /// (`locales (120 files)`).
  static func paths(of item: Finding.Item, rule: String) -> [String]? {
    let paths =
      rule == DuplicateContentRule().name
      ? item.name.components(separatedBy: " = ") : [directory(ofGroup: item.name) ?? item.name]
    guard !paths.isEmpty, paths.allSatisfy({ $0.hasPrefix("/") }) else { return nil }
    return paths
  }

  /// The directory a group item names, without its count: `/usr/share/doc (1,204 files)`
  /// and `/usr/share/doc (1 file)` are /usr/share/doc; nil for any other name.
  static func directory(ofGroup name: String) -> String? {
    guard name.hasSuffix(" file)") || name.hasSuffix(" files)"), let open = name.range(of: " (", options: .backwards)
    else { return nil }
    let count = name[open.upperBound...].prefix { $0 != " " }
    guard let first = count.first, first.isASCII && first.isNumber,
      count.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "," })
    else { return nil }
    return String(name[..<open.lowerBound])
  }

  /// `path` is `ancestor` or lies under it.
  static func isUnder(_ path: String, _ ancestor: String) -> Bool {
    let parent = ancestor.hasSuffix("/") ? String(ancestor.dropLast()) : ancestor
    return path == ancestor || path == parent || parent.isEmpty || path.hasPrefix(parent + "/")
  }
}
