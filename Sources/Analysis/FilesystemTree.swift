import ArchiveIO
import Foundation
import Model
import SystemCalls

/// The image's final filesystem, built by applying layers in order with overlay
/// rules: whiteouts (`.wh.NAME`) delete from lower layers, opaque markers
/// (`.wh..wh..opq`) empty a directory of lower layers' contents, and a later file
/// replaces an earlier one. Whatever is hidden that way is counted as wasted, with
/// the layer that added it and the one that hid it.
///
/// Kept compact (issue 16: memory flat in the number of files): a node is 40 bytes in
/// one array (and 8 more once package attribution marks it), its name a run of bytes in
/// one shared arena, and a child is found through
/// one open-addressing table keyed by (parent, name): no object, dictionary or string
/// per file. A node that is hidden stays in the array, marked hidden, and its name's
/// table slot points to whatever replaces it; nodes are never reused.
///
/// Its nodes are built by one thread (`apply`), then only read, hence unchecked
/// Sendable: the measurement's last walks read them side by side (`sideBySide` in
/// Measurer). Package attribution's marks (each file's owner, the distribution's
/// files) are written later, so they are kept apart from the nodes: the category walk
/// reads the nodes while attribution marks, and the marks are read only on
/// attribution's thread, after it.
final class FilesystemTree: @unchecked Sendable {
  /// A node as callers see it: a copy of its fields, and its index for asking more.
  struct Node {
    let index: UInt32
    let size: Int64
    let layer: Int
    let isDirectory: Bool
    let symlinkTarget: String?
  }

  private struct Slot {
    var size: Int64 = 0
    var parent: UInt32
    var firstChild = FilesystemTree.none
    var nextSibling = FilesystemTree.none
    var nameStart: UInt32
    var nameLength: UInt32
    var layer: UInt32
    var flags: Flags
  }

  /// What package attribution found for a node.
  private struct Attribution {
    /// The package that owns the file, or `none`.
    var owner = FilesystemTree.none
    /// Owned by a distribution package (deb, apk).
    var distribution = false
  }

  private struct Flags: OptionSet {
    let rawValue: UInt8
    static let directory = Flags(rawValue: 1)
    static let hidden = Flags(rawValue: 2)
    static let link = Flags(rawValue: 4)
  }

  private static let none = UInt32.max
  // Plain buffers, not arrays: attributions change while the tree is walked, where an
  // array's copy-on-write would copy every one.
  private let slots = GrowableBuffer<Slot>()
  /// One per slot once attribution marks the first node; empty before.
  private let attributions = GrowableBuffer<Attribution>()
  private let names = GrowableBuffer<UInt8>()
  /// Open addressing, linear probing: 0 is empty, else a node's index + 1.
  private var table = GrowableBuffer<UInt32>()
  private var used = 0
  private var linkTargets: [UInt32: String] = [:]
  private let wastedLimit: Int

  /// The largest hidden files, at most `wastedLimit` (the rest are counted in
  /// `wastedBytes` and `wastedFiles` only).
  var wasted: [WastedFile] {
    Array(wastedKept.sorted(by: Self.largerWaste).prefix(wastedLimit))
  }
  private var wastedKept: [WastedFile] = []
  private(set) var wastedBytes: Int64 = 0
  private(set) var wastedFiles = 0

  var root: Node { node(0) }

  init(wastedLimit: Int = ImageMeasurement.wastedListLimit) {
    self.wastedLimit = wastedLimit
    slots.append(Slot(parent: Self.none, nameStart: 0, nameLength: 0, layer: 0, flags: .directory))
    table.append(0, times: 1024)
  }

  /// Room for this many more nodes, so the array is not copied as it grows.
  func reserve(_ count: Int) { slots.reserve(slots.count + count + 64) }

  /// Applies one layer: first its deletions (which concern lower layers only), then
  /// its additions.
  func apply(_ entries: LayerEntries, layer: Int) throws {
    let layer = UInt32(clamping: layer)
    try entries.decodeEach { entry in
      switch entry.kind {
      case .whiteout: remove(entry.path, by: layer)
      case .opaque:
        guard let directory = find(entry.path), slots[Int(directory)].flags.contains(.directory) else { return }
        forEachLiveChild(of: directory) { child in
          hide(child, at: join(entry.path, name(of: child)), by: layer, reason: .deleted)
        }
      default: break
      }
    }
    try entries.decodeEach { entry in
      switch entry.kind {
      case .file, .link: try add(entry.path, size: entry.size, link: entry.symlinkTarget, layer: layer)
      case .directory: try addDirectory(entry.path, layer: layer)
      case .whiteout, .opaque: break
      }
    }
  }

  func node(at path: String) -> Node? { find(path).map(node) }

  /// The node at `relative` from `base` (`../../../bin/black` from site-packages, as a
  /// RECORD names it): `..` taken lexically, links not followed, as `node(at:)` does.
  func node(at relative: String, from base: Node) -> Node? {
    var current = relative.hasPrefix("/") ? 0 : base.index
    for part in components(relative) {
      if part == "." { continue }
      if part == ".." {
        if current != 0 { current = slots[Int(current)].parent }
        continue
      }
      guard slots[Int(current)].flags.contains(.directory), let next = lookup(current, part).existing else {
        return nil
      }
      current = next
    }
    return node(current)
  }

  /// The live children of a directory with their names.
  func forEachChild(of parent: Node, _ body: (String, Node) -> Void) {
    forEachLiveChild(of: parent.index) { child in body(name(of: child), node(child)) }
  }

  /// Calls `body` with every regular file (and link) of the final filesystem.
  func forEachFile(_ body: (String, Node) -> Void) {
    var path: [UInt8] = []
    func visit(_ index: UInt32) {
      forEachLiveChild(of: index) { child in
        let mark = path.count
        path.append(UInt8(ascii: "/"))
        appendName(of: child, to: &path)
        if slots[Int(child)].flags.contains(.directory) {
          visit(child)
        } else {
          body(String(decoding: path, as: UTF8.self), node(child))
        }
        path.removeSubrange(mark...)
      }
    }
    visit(0)
  }

  /// The same, with each file's path as its names (`["usr", "bin", "gcc"]`), for a walk
  /// that would split every path again (matching patterns): a directory's name is made
  /// once, not once for every file under it.
  func forEachFileNames(_ body: ([Substring], Node) -> Void) {
    var components: [Substring] = []
    func visit(_ index: UInt32) {
      forEachLiveChild(of: index) { child in
        components.append(Substring(name(of: child)))
        if slots[Int(child)].flags.contains(.directory) {
          visit(child)
        } else {
          body(components, node(child))
        }
        components.removeLast()
      }
    }
    visit(0)
  }

  /// Package attribution: the first owner of a node stays.
  func claim(_ node: Node, owner: Int) {
    let attribution = attributionAddress(of: node)
    guard attribution.pointee.owner == Self.none else { return }
    attribution.pointee.owner = UInt32(clamping: owner)
  }

  func owner(of node: Node) -> Int? {
    guard let owner = attribution(of: node)?.owner, owner != Self.none else { return nil }
    return Int(owner)
  }

  func markDistribution(_ node: Node) { attributionAddress(of: node).pointee.distribution = true }

  /// Owned by a distribution package (deb, apk), as package attribution marked it.
  func isDistribution(_ node: Node) -> Bool { attribution(of: node)?.distribution ?? false }

  /// nil before attribution marked anything.
  private func attribution(of node: Node) -> Attribution? {
    Int(node.index) < attributions.count ? attributions[Int(node.index)] : nil
  }

  /// Where the node's attribution is kept, the buffer grown to every node first.
  private func attributionAddress(of node: Node) -> UnsafeMutablePointer<Attribution> {
    if attributions.count < slots.count {
      attributions.append(Attribution(), times: slots.count - attributions.count)
    }
    return attributions.address(Int(node.index))
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
      pending = target.slashSeparated().map(String.init) + pending
    }
    return "/" + resolved.joined(separator: "/")
  }

  /// What the symbolic link at `path` finally points to (links followed, at most
  /// 40): its canonical path and node, or nil when it dangles or loops.
  func resolveLink(_ path: String, target: String) -> (path: String, node: Node)? {
    var (current, next) = (path, target)
    for _ in 0..<40 {
      let directory = current.slashSeparated().dropLast().joined(separator: "/")
      let joined = next.hasPrefix("/") ? next : "/" + (directory.isEmpty ? "" : directory + "/") + next
      let resolved = canonicalPath(joined)
      guard let node = node(at: resolved) else { return nil }
      guard let further = node.symlinkTarget else { return (resolved, node) }
      (current, next) = (resolved, further)
    }
    return nil
  }

  // MARK: - Changes

  private func add(_ path: String, size: Int64, link: String?, layer: UInt32) throws {
    let parts = components(path)
    guard let name = parts.last else { return }
    let parent = try directory(parts.dropLast(), layer: layer, path: path)
    let (position, existing) = lookup(parent, name)
    if let existing { hide(existing, at: path, by: layer, reason: .overwritten) }
    let made = try makeNode(parent, name, layer: layer, flags: link == nil ? [] : .link, at: position)
    slots[Int(made)].size = size
    if let link { linkTargets[made] = link }
  }

  private func addDirectory(_ path: String, layer: UInt32) throws {
    let parts = components(path)
    guard let name = parts.last else { return }
    let parent = try directory(parts.dropLast(), layer: layer, path: path)
    let (position, existing) = lookup(parent, name)
    if let existing {
      if slots[Int(existing)].flags.contains(.directory) { return }
      hide(existing, at: path, by: layer, reason: .overwritten)
    }
    _ = try makeNode(parent, name, layer: layer, flags: .directory, at: position)
  }

  /// The directory at `parts`, made where missing; a file in the way is replaced.
  private func directory(_ parts: ArraySlice<Substring>, layer: UInt32, path: String) throws -> UInt32 {
    var current: UInt32 = 0
    for (depth, part) in zip(parts.indices, parts) {
      let (position, existing) = lookup(current, part)
      if let existing, slots[Int(existing)].flags.contains(.directory) {
        current = existing
        continue
      }
      if let existing {
        let walked = "/" + parts[parts.startIndex...depth].joined(separator: "/")
        hide(existing, at: walked, by: layer, reason: .overwritten)
      }
      current = try makeNode(current, part, layer: layer, flags: .directory, at: position)
    }
    return current
  }

  private func remove(_ path: String, by layer: UInt32) {
    guard let existing = find(path) else { return }
    hide(existing, at: path, by: layer, reason: .deleted)
  }

  /// Marks a node hidden and counts every file under it as wasted.
  private func hide(_ index: UInt32, at path: String, by layer: UInt32, reason: WastedFile.Reason) {
    let slot = slots[Int(index)]
    slots[Int(index)].flags.insert(.hidden)
    if slot.flags.contains(.directory) {
      forEachLiveChild(of: index) { child in hide(child, at: join(path, name(of: child)), by: layer, reason: reason) }
      return
    }
    guard slot.size > 0 else { return }
    wastedBytes += slot.size
    wastedFiles += 1
    wastedKept.append(
      WastedFile(path: path, bytes: slot.size, addedIn: Int(slot.layer), hiddenIn: Int(layer), reason: reason))
    // Only the largest are listed: trimmed now and then, so the list stays bounded
    // however many files a layer hides.
    if wastedKept.count >= 4 * max(wastedLimit, 1) {
      wastedKept = Array(wastedKept.sorted(by: Self.largerWaste).prefix(wastedLimit))
    }
  }

  /// Largest first, then by path: the order the measurement lists them in.
  static func largerWaste(_ a: WastedFile, _ b: WastedFile) -> Bool { (a.bytes, b.path) > (b.bytes, a.path) }

  // MARK: - Storage

  private func node(_ index: UInt32) -> Node {
    let slot = slots[Int(index)]
    return Node(
      index: index, size: slot.size, layer: Int(slot.layer), isDirectory: slot.flags.contains(.directory),
      symlinkTarget: slot.flags.contains(.link) ? linkTargets[index] : nil)
  }

  private func find(_ path: String) -> UInt32? {
    var current: UInt32 = 0
    for part in components(path) {
      guard slots[Int(current)].flags.contains(.directory), let next = lookup(current, part).existing else {
        return nil
      }
      current = next
    }
    return current
  }

  private func forEachLiveChild(of parent: UInt32, _ body: (UInt32) -> Void) {
    var child = slots[Int(parent)].firstChild
    while child != Self.none {
      let next = slots[Int(child)].nextSibling
      if !slots[Int(child)].flags.contains(.hidden) { body(child) }
      child = next
    }
  }

  private func name(of index: UInt32) -> String {
    let slot = slots[Int(index)]
    return String(decoding: names.slice(Int(slot.nameStart), Int(slot.nameLength)), as: UTF8.self)
  }

  private func appendName(of index: UInt32, to bytes: inout [UInt8]) {
    let slot = slots[Int(index)]
    bytes.append(contentsOf: names.slice(Int(slot.nameStart), Int(slot.nameLength)))
  }

  /// The table position for (parent, name), and the live node there if any (a hidden
  /// one counts as absent: it is replaced in the same position).
  private func lookup(_ parent: UInt32, _ name: Substring) -> (position: Int, existing: UInt32?) {
    var name = name
    return name.withUTF8 { bytes in
      let mask = table.count - 1
      var position = Self.hash(parent, bytes) & mask
      while true {
        let entry = table[position]
        if entry == 0 { return (position, nil) }
        let index = entry - 1
        let slot = slots[Int(index)]
        if slot.parent == parent && Int(slot.nameLength) == bytes.count
          && (bytes.isEmpty || memcmp(names.address(Int(slot.nameStart)), bytes.baseAddress!, bytes.count) == 0)
        {
          return (position, slot.flags.contains(.hidden) ? nil : index)
        }
        position = (position + 1) & mask
      }
    }
  }

  private static func hash(_ parent: UInt32, _ name: UnsafeBufferPointer<UInt8>) -> Int {
    var hasher = Hasher()
    hasher.combine(parent)
    hasher.combine(bytes: UnsafeRawBufferPointer(name))
    return hasher.finalize()
  }

  /// A new node under `parent`, put in the table at `position` (from `lookup`).
  private func makeNode(_ parent: UInt32, _ name: Substring, layer: UInt32, flags: Flags, at position: Int) throws
    -> UInt32
  {
    guard slots.count < Int(Self.none) - 1, names.count + name.utf8.count < Int(UInt32.max) else {
      throw ArchiveError("more than 4 billion files or 4 GB of names: the image is crafted or corrupt")
    }
    let index = UInt32(slots.count)
    let start = UInt32(names.count)
    var name = name
    name.withUTF8 { names.append(contentsOf: $0) }
    slots.append(
      Slot(
        parent: parent, firstChild: Self.none, nextSibling: slots[Int(parent)].firstChild, nameStart: start,
        nameLength: UInt32(names.count) - start, layer: layer, flags: flags))
    slots[Int(parent)].firstChild = index
    let replacing = table[position] != 0
    table[position] = index + 1
    if !replacing {
      used += 1
      if used * 10 > table.count * 7 { grow() }
    }
    return index
  }

  /// Doubles the table; only the latest node of each (parent, name) is kept.
  private func grow() {
    let old = table
    table = GrowableBuffer<UInt32>()
    table.append(0, times: old.count * 2)
    let mask = table.count - 1
    for index in 0..<old.count where old[index] != 0 {
      let slot = slots[Int(old[index] - 1)]
      var position = Self.hash(slot.parent, names.slice(Int(slot.nameStart), Int(slot.nameLength))) & mask
      while table[position] != 0 { position = (position + 1) & mask }
      table[position] = old[index]
    }
  }

  private func components(_ path: String) -> [Substring] { path.slashSeparated() }

  private func join(_ directory: String, _ name: String) -> String {
    directory == "/" ? "/" + name : directory + "/" + name
  }
}

/// An array without copy-on-write: one owner, grown by doubling, freed with it.
private final class GrowableBuffer<Element> {
  private var base: UnsafeMutablePointer<Element>? = nil
  private(set) var count = 0
  private var capacity = 0

  deinit {
    base?.deinitialize(count: count)
    base?.deallocate()
  }

  subscript(index: Int) -> Element {
    get {
      precondition(index >= 0 && index < count)
      return base![index]
    }
    set {
      precondition(index >= 0 && index < count)
      base![index] = newValue
    }
  }

  func address(_ index: Int) -> UnsafeMutablePointer<Element> {
    precondition(index >= 0 && index < count)
    return base! + index
  }

  func slice(_ start: Int, _ length: Int) -> UnsafeBufferPointer<Element> {
    precondition(start >= 0 && length >= 0 && start + length <= count)
    return UnsafeBufferPointer(start: base.map { $0 + start }, count: length)
  }

  func reserve(_ wanted: Int) {
    guard wanted > capacity else { return }
    let grown = UnsafeMutablePointer<Element>.allocate(capacity: wanted)
    if let base {
      grown.moveInitialize(from: base, count: count)
      base.deallocate()
    }
    base = grown
    capacity = wanted
  }

  func append(_ element: Element) {
    if count == capacity { reserve(max(16, capacity * 2)) }
    (base! + count).initialize(to: element)
    count += 1
  }

  func append(_ element: Element, times: Int) {
    reserve(count + times)
    (base! + count).initialize(repeating: element, count: times)
    count += times
  }

  func append(contentsOf elements: UnsafeBufferPointer<Element>) {
    if count + elements.count > capacity { reserve(max(count + elements.count, capacity * 2)) }
    guard let source = elements.baseAddress else { return }
    (base! + count).initialize(from: source, count: elements.count)
    count += elements.count
  }
}
