import ArchiveIO

/// A docker-archive read front to back from a pipe (`docker save api | sizebudget
/// measure - --image api`), never written to disk.
///
/// `docker save` writes `manifest.json` last, so which member is which layer is only
/// known at the end: every member that looks like a layer (a tar, gzip or zstd
/// stream) is analysed as it passes, small JSON members are kept, and the results are
/// put in layer order once the manifest arrives. Memory holds the analyses (bounded
/// by the number of paths), never layer contents.
public enum StreamingDockerArchive {
  static let jsonLimit = 16 << 20
  /// All small members kept together: a stream of many JSON files cannot fill memory.
  static let smallTotalLimit = 64 << 20

  public static func read<Layer>(
    _ stream: ByteStream, name: String, tag: String?, platform: Platform?,
    analyse: (_ member: String, _ content: PeekableStream) throws -> Layer
  ) throws -> (ImageDescription, [Layer]) {
    let reader = TarReader(stream)
    var small: [String: [UInt8]] = [:]
    var analysed: [String: Layer] = [:]
    var seen: Set<String> = []
    var links: [String: String?] = [:]
    var smallTotal = 0
    do {
      while let entry = try reader.next() {
        switch entry.kind {
        case .file: break
        // A repeated layer linked to its first copy (older docker save).
        case .symlink:
          links[entry.name] = MemberPath.symlinkTarget(entry.linkName, from: entry.name)
          continue
        case .hardlink:
          links[entry.name] = MemberPath.normalize(entry.linkName)
          continue
        default: continue
        }
        seen.insert(entry.name)
        let content = PeekableStream(reader.contentStream())
        let start = try content.peek(512)
        if looksLikeLayer(start) {
          analysed[entry.name] = try analyse(entry.name, content)
        } else if entry.size <= Int64(jsonLimit) {
          // Whatever is not a layer may be the config, whatever its name or first
          // byte (manifest.json's Config is a path): kept, up to a total.
          smallTotal += Int(entry.size)
          guard smallTotal <= smallTotalLimit else {
            throw ImageSourceError(
              "\(name): more than \(smallTotalLimit >> 20) MiB of members that are not layers; this is not a docker save archive"
            )
          }
          small[entry.name] = try content.readAll(limit: jsonLimit)
        } else if entry.name.hasSuffix(".json") {
          throw ImageSourceError(
            "\(name): member \(entry.name) is \(entry.size) bytes, too large for a manifest or config")
        }
      }
    } catch let error as ImageSourceError {
      throw error
    } catch {
      throw ImageSourceError("\(name): \(error)")
    }
    guard let manifest = small["manifest.json"] else {
      throw ImageSourceError(
        "\(name) has no manifest.json, so it is not a docker-archive (is it the output of docker save?)")
    }
    func resolve(_ member: String) -> String {
      let normalized = MemberPath.normalize(member)
      return links[normalized] == nil ? normalized : MemberPath.follow(normalized, links: links) ?? normalized
    }
    let description = try DockerArchive.describe(
      reference: "-", tag: tag, platform: platform, manifest: manifest,
      read: { member throws(ImageSourceError) in
        guard let bytes = small[resolve(member)] else {
          throw ImageSourceError(
            "\(name) has no \(member)" + (seen.contains(resolve(member)) ? " small enough to be a config" : ""))
        }
        return bytes
      },
      has: { seen.contains(resolve($0)) }, where: name)
    let layers = try description.layers.map { layer throws(ImageSourceError) in
      guard let result = analysed[resolve(layer.blobName)] else {
        throw ImageSourceError("\(name): layer \(layer.blobName) is not a tar, gzip or zstd stream")
      }
      return result
    }
    return (description, layers)
  }

  /// A tar header (`ustar` at 257, or a plausible old-style header), gzip or zstd.
  static func looksLikeLayer(_ start: [UInt8]) -> Bool {
    if Compression.detect(start) != .none { return true }
    if start.count >= 262 && start[257..<262].elementsEqual("ustar".utf8) { return true }
    return start.count == 512 && start.allSatisfy { $0 == 0 }  // an empty layer
  }
}
