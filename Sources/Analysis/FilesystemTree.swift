import Model
/// The image's final filesystem, built by applying layers in order with overlay
/// rules: whiteouts (`.wh.NAME`) delete from lower layers, opaque markers
/// (`.wh..wh..opq`) empty a directory of lower layers' contents, and a later file
/// replaces an earlier one. Whatever is hidden that way is counted as wasted, with
/// the layer that added it and the one that hid it.
final class FilesystemTree {
  final class Node {
    var children: [String: Node]? = nil
    var size: Int64 = 0
    var layer: Int
    var symlinkTarget: String? = nil
    var isDirectory: Bool { children != nil }

    init(directoryIn layer: Int) {
      self.layer = layer
      self.children = [:]
    }

    init(fileOf size: Int64, in layer: Int) {
      self.size = size
      self.layer = layer
    }
  }

  let root = Node(directoryIn: 0)
  private(set) var wasted: [WastedFile] = []
  private(set) var wastedBytes: Int64 = 0

  /// Applies one layer: first its deletions (which concern lower layers only), then
  /// its additions.
  func apply(_ entries: [LayerScan.Entry], layer: Int) {
    for entry in entries {
      switch entry.kind {
      case .whiteout:
        remove(entry.path, by: layer, reason: .deleted)
      case .opaque:
        if let directory = node(at: entry.path), directory.isDirectory {
          for name in Array(directory.children!.keys) {
            remove(join(entry.path, name), by: layer, reason: .deleted)
          }
        }
      default: break
      }
    }
    for entry in entries {
      switch entry.kind {
      case .file, .link:
        let node = Node(fileOf: entry.size, in: layer)
        node.symlinkTarget = entry.symlinkTarget
        add(entry.path, node, layer: layer)
      case .directory: addDirectory(entry.path, layer: layer)
      case .whiteout, .opaque: break
      }
    }
  }

  func node(at path: String) -> Node? {
    var current = root
    for part in components(path) {
      guard let next = current.children?[String(part)] else { return nil }
      current = next
    }
    return current
  }

  /// The path with every symbolic link along it followed (`/lib/x86_64-linux-gnu/libc.so.6`
  /// → `/usr/lib/x86_64-linux-gnu/libc.so.6` when `/lib` links to `usr/lib`); the final
  /// component is not followed, as dpkg names links themselves. At most 40 links, as
  /// the kernel allows, so a loop ends.
  func canonicalPath(_ path: String) -> String {
    var pending = components(path).map(String.init)
    var resolved: [String] = []
    var followed = 0
    while !pending.isEmpty {
      let part = pending.removeFirst()
      if part == "." { continue }
      if part == ".." {
        if !resolved.isEmpty { resolved.removeLast() }
        continue
      }
      let candidate = resolved + [part]
      guard !pending.isEmpty, let target = node(at: "/" + candidate.joined(separator: "/"))?.symlinkTarget,
        followed < 40
      else {
        resolved = candidate
        continue
      }
      followed += 1
      if target.hasPrefix("/") { resolved = [] }
      pending = target.split(separator: "/").map(String.init) + pending
    }
    return "/" + resolved.joined(separator: "/")
  }

  /// What the symbolic link at `path` finally points to (links followed, at most
  /// 40): its canonical path and node, or nil when it dangles or loops.
  func resolveLink(_ path: String, target: String) -> (path: String, node: Node)? {
    var (current, next) = (path, target)
    for _ in 0..<40 {
      let directory = current.split(separator: "/").dropLast().joined(separator: "/")
      let joined = next.hasPrefix("/") ? next : "/" + (directory.isEmpty ? "" : directory + "/") + next
      let resolved = canonicalPath(joined)
      guard let node = node(at: resolved) else { return nil }
      guard let further = node.symlinkTarget else { return (resolved, node) }
      (current, next) = (resolved, further)
    }
    return nil
  }

  private func add(_ path: String, _ file: Node, layer: Int) {
    let parts = components(path)
    guard let name = parts.last else { return }
    let parent = directory(parts.dropLast(), layer: layer, path: path)
    if let existing = parent.children![String(name)] {
      hide(existing, at: path, by: layer, reason: .overwritten)
    }
    parent.children![String(name)] = file
  }

  private func addDirectory(_ path: String, layer: Int) {
    let parts = components(path)
    guard let name = parts.last else { return }
    let parent = directory(parts.dropLast(), layer: layer, path: path)
    if let existing = parent.children![String(name)] {
      if existing.isDirectory { return }
      hide(existing, at: path, by: layer, reason: .overwritten)
    }
    parent.children![String(name)] = Node(directoryIn: layer)
  }

  /// The directory at `parts`, made where missing; a file in the way is replaced.
  private func directory(_ parts: ArraySlice<Substring>, layer: Int, path: String) -> Node {
    var current = root
    var walked = ""
    for part in parts {
      walked += "/" + part
      let key = String(part)
      if let next = current.children![key], next.isDirectory {
        current = next
        continue
      }
      if let file = current.children![key] { hide(file, at: walked, by: layer, reason: .overwritten) }
      let made = Node(directoryIn: layer)
      current.children![key] = made
      current = made
    }
    return current
  }

  private func remove(_ path: String, by layer: Int, reason: WastedFile.Reason) {
    let parts = components(path)
    guard let name = parts.last else { return }
    var parent = root
    for part in parts.dropLast() {
      guard let next = parent.children?[String(part)], next.isDirectory else { return }
      parent = next
    }
    guard let existing = parent.children![String(name)] else { return }
    hide(existing, at: path, by: layer, reason: reason)
    parent.children![String(name)] = nil
  }

  /// Counts every file under a node that goes out of sight.
  private func hide(_ node: Node, at path: String, by layer: Int, reason: WastedFile.Reason) {
    if let children = node.children {
      for (name, child) in children { hide(child, at: join(path, name), by: layer, reason: reason) }
      return
    }
    guard node.size > 0 else { return }
    wastedBytes += node.size
    wasted.append(WastedFile(path: path, bytes: node.size, addedIn: node.layer, hiddenIn: layer, reason: reason))
  }

  private func components(_ path: String) -> [Substring] { path.split(separator: "/", omittingEmptySubsequences: true) }

  private func join(_ directory: String, _ name: String) -> String {
    directory == "/" ? "/" + name : directory + "/" + name
  }
}
