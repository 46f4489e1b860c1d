import ArchiveIO
import SystemCalls

/// Named files of an image on disk: the members of a tar (docker-archive,
/// oci-archive) or the files of a directory (OCI layout). Immutable once built, so
/// layers can be opened from several threads at once.
public protocol BlobStore: Sendable {
  /// What the store is, for messages ("api.tar").
  var displayName: String { get }
  /// The size of a member, or nil when there is none by that name.
  func size(of name: String) -> Int64?
  /// A member's bytes as a stream.
  func open(_ name: String) throws -> ByteStream
}

extension BlobStore {
  /// A small member read whole (manifests, configs); bounded so a corrupt archive
  /// cannot make it allocate without end.
  public func readSmall(_ name: String, limit: Int = 16 << 20) throws(ImageSourceError) -> [UInt8] {
    guard let size = size(of: name) else {
      throw ImageSourceError("\(displayName) has no \(name)")
    }
    guard size <= Int64(limit) else {
      throw ImageSourceError("\(displayName): \(name) is \(size) bytes, too large for a manifest or config")
    }
    do {
      return try open(name).readAll(limit: limit)
    } catch {
      throw ImageSourceError("\(displayName): cannot read \(name): \(error)")
    }
  }
}

/// The members of a tar file, indexed by one pass over its headers (contents are
/// seeked over, not read).
public struct TarBlobStore: BlobStore {
  public let file: OpenFile
  private let members: [String: (offset: Int64, size: Int64)]
  public var displayName: String { file.path }

  public init(path: String) throws(ImageSourceError) {
    do {
      file = try OpenFile(path: path)
    } catch {
      throw ImageSourceError("\(error)")
    }
    let range = FileRange(file: file)
    let reader = TarReader(range)
    var members: [String: (Int64, Int64)] = [:]
    var links: [String: String?] = [:]
    do {
      while let entry = try reader.next() {
        switch entry.kind {
        case .file: members[entry.name] = (range.length - range.remaining, entry.size)
        // Older `docker save` writes a repeated layer once and links the later
        // `<id>/layer.tar` to it: a link is the member it points to.
        case .symlink: links[entry.name] = MemberPath.symlinkTarget(entry.linkName, from: entry.name)
        case .hardlink: links[entry.name] = MemberPath.normalize(entry.linkName)
        default: continue
        }
      }
    } catch {
      throw ImageSourceError("\(path) is not a readable tar archive: \(error)")
    }
    for (name, target) in links where members[name] == nil {
      if let resolved = MemberPath.follow(target, links: links), let member = members[resolved] {
        members[name] = member
      }
    }
    let fileSize = file.size
    if let (name, member) = members.first(where: { $0.value.0 + $0.value.1 > fileSize }) {
      throw ImageSourceError(
        "\(path) is truncated: member \(name) runs past the end of the file (\(member.1) bytes at offset \(member.0), file is \(fileSize) bytes)"
      )
    }
    self.members = members
  }

  public func size(of name: String) -> Int64? { members[normalize(name)]?.size }

  public func open(_ name: String) throws -> ByteStream {
    guard let member = members[normalize(name)] else { throw ArchiveError("\(file.path) has no member \(name)") }
    return FileRange(file: file, offset: member.offset, length: member.size)
  }

  public var memberNames: [String] { Array(members.keys) }

  private func normalize(_ name: String) -> String { MemberPath.normalize(name) }
}

/// Names of archive members as manifests write them (`./x.tar`, `id/layer.tar`),
/// and the links between members.
enum MemberPath {
  /// `./a//b` → `a/b`, as TarReader names entries.
  static func normalize(_ name: String) -> String {
    name.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
  }

  /// A symlink's target relative to its own directory, as a member name; nil when
  /// it leaves the archive.
  static func symlinkTarget(_ target: String, from link: String) -> String? {
    if target.hasPrefix("/") { return normalize(target) }
    var parts = link.split(separator: "/").dropLast().map(String.init)
    for part in target.split(separator: "/") {
      if part == "." { continue }
      if part == ".." {
        guard !parts.isEmpty else { return nil }
        parts.removeLast()
      } else {
        parts.append(String(part))
      }
    }
    return parts.joined(separator: "/")
  }

  /// Follows links from `name` (at most 16, so a cycle ends) to a name that is not a link.
  static func follow(_ name: String?, links: [String: String?]) -> String? {
    var current = name
    for _ in 0..<16 {
      guard let name = current else { return nil }
      guard let next = links[name] else { return name }
      current = next
    }
    return nil
  }
}

/// The files of a directory (an OCI image layout).
public struct DirectoryBlobStore: BlobStore {
  public let root: String
  public var displayName: String { root }

  public init(root: String) throws(ImageSourceError) {
    var info = stat()
    guard stat(root, &info) == 0 else {
      throw ImageSourceError("\(root) does not exist: check the path after oci:")
    }
    guard (info.st_mode & S_IFMT) == S_IFDIR else {
      throw ImageSourceError("\(root) is not a directory: for an OCI layout in a tar file use oci-archive:\(root)")
    }
    self.root = root
  }

  public func size(of name: String) -> Int64? {
    guard !name.split(separator: "/").contains("..") else { return nil }
    var info = stat()
    guard stat(path(name), &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
    return Int64(info.st_size)
  }

  public func open(_ name: String) throws -> ByteStream {
    guard !name.split(separator: "/").contains("..") else { throw ArchiveError("refusing the path \(name)") }
    return FileRange(file: try OpenFile(path: path(name)))
  }

  private func path(_ name: String) -> String { root.hasSuffix("/") ? root + name : root + "/" + name }
}
