import Model

/// What an image's findings can save together: their savings added up, less the bytes
/// two of them are known to name, and no more than the image holds uncompressed.
///
/// A finding keeps only its largest items, and some items are packages or groups
/// (`pytest 8.3.2`, `locales (120 files)`), not paths: an overlap is taken out only
/// where it is known (a path under, or equal to, a path of a finding with a bigger
/// saving), and `mayOverlap` says whether what is left can still count bytes twice.
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
    // The bigger saving first; of two equal ones, the first given (the order `all` sorts).
    let order = findings.indices.sorted { (findings[$0].saving, $1) > (findings[$1].saving, $0) }
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
        if paths.contains(where: { path in covered.contains { isUnder(path, $0.path) } }) {
          shared = shared.saturatingAdding(item.bytes)
        } else {
          // Bigger findings' paths inside this one (the outermost of them).
          let inside = covered.filter { isUnder($0.path, paths[0]) }
          let outermost = inside.filter { entry in
            !inside.contains { $0.path != entry.path && isUnder(entry.path, $0.path) }
          }
          shared = shared.saturatingAdding(min(item.bytes, outermost.reduce(0) { $0.saturatingAdding($1.bytes) }))
        }
        // Of a duplicate, the redundant copy: the one the fix removes.
        removes.append((paths[0], item.bytes))
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

  /// The paths an item names: one path, or for a duplicate the redundant copy and the
  /// one that stays (`/opt/b/x.so = /opt/a/x.so`); nil for a package or a group.
  static func paths(of item: Finding.Item, rule: String) -> [String]? {
    let paths =
      rule == DuplicateContentRule().name
      ? item.name.components(separatedBy: " = ") : [item.name]
    guard !paths.isEmpty, paths.allSatisfy({ $0.hasPrefix("/") }) else { return nil }
    return paths
  }

  /// `path` is `ancestor` or lies under it.
  static func isUnder(_ path: String, _ ancestor: String) -> Bool {
    let parent = ancestor.hasSuffix("/") ? String(ancestor.dropLast()) : ancestor
    return path == ancestor || path == parent || parent.isEmpty || path.hasPrefix(parent + "/")
  }
}
