import ArchiveIO
import Foundation

/// Writes tar archives byte by byte, so tests control every header field, including
/// the broken ones real tools refuse to write.
public struct TarBuilder: Sendable {
  public struct Entry: Sendable {
    public var name: String
    public var content: [UInt8]
    public var type: UInt8
    public var linkName: String
    /// Replaces the size field as written (to forge absurd or negative sizes).
    public var sizeField: [UInt8]?
    public var corruptChecksum: Bool

    public init(
      _ name: String, _ content: [UInt8] = [], type: UInt8 = UInt8(ascii: "0"), linkName: String = "",
      sizeField: [UInt8]? = nil, corruptChecksum: Bool = false
    ) {
      self.name = name
      self.content = content
      self.type = type
      self.linkName = linkName
      self.sizeField = sizeField
      self.corruptChecksum = corruptChecksum
    }

    public static func file(_ name: String, size: Int, fill: UInt8 = 0x61) -> Entry {
      Entry(name, [UInt8](repeating: fill, count: size))
    }

    public static func file(_ name: String, _ text: String) -> Entry { Entry(name, Array(text.utf8)) }

    /// An entry with no content: whiteouts (`.wh.NAME`, `.wh..wh..opq`).
    public static func empty(_ name: String) -> Entry { Entry(name) }

    public static func directory(_ name: String) -> Entry {
      Entry(name.hasSuffix("/") ? name : name + "/", type: UInt8(ascii: "5"))
    }

    public static func symlink(_ name: String, to target: String) -> Entry {
      Entry(name, type: UInt8(ascii: "2"), linkName: target)
    }
  }

  public var entries: [Entry]

  public init(_ entries: [Entry]) { self.entries = entries }

  public func bytes() -> [UInt8] {
    var out: [UInt8] = []
    for entry in entries {
      var name = entry.name
      if name.utf8.count > 100 {
        out += header(
          name: "././@LongLink", size: name.utf8.count + 1, type: UInt8(ascii: "L"), link: "", sizeField: nil,
          corrupt: false)
        out += pad(Array(name.utf8) + [0])
        name = String(name.prefix(99))
      }
      out += header(
        name: name, size: entry.content.count, type: entry.type, link: entry.linkName, sizeField: entry.sizeField,
        corrupt: entry.corruptChecksum)
      out += pad(entry.content)
    }
    out += [UInt8](repeating: 0, count: 1024)
    return out
  }

  private func pad(_ bytes: [UInt8]) -> [UInt8] {
    bytes + [UInt8](repeating: 0, count: (512 - bytes.count % 512) % 512)
  }

  private func header(name: String, size: Int, type: UInt8, link: String, sizeField: [UInt8]?, corrupt: Bool)
    -> [UInt8]
  {
    var header = [UInt8](repeating: 0, count: 512)
    func put(_ offset: Int, _ bytes: [UInt8]) { for (i, b) in bytes.enumerated() { header[offset + i] = b } }
    put(0, Array(name.utf8.prefix(100)))
    put(100, Array("0000644\0".utf8))
    put(108, Array("0000000\0".utf8))
    put(116, Array("0000000\0".utf8))
    put(
      124,
      sizeField
        ?? Array(
          (String(repeating: "0", count: 11 - String(size, radix: 8).count) + String(size, radix: 8) + "\0").utf8))
    put(136, Array("00000000000\0".utf8))
    header[156] = type
    put(157, Array(link.utf8.prefix(100)))
    put(257, Array("ustar\0".utf8))
    put(263, Array("00".utf8))
    put(148, Array("        ".utf8))
    var sum = header.reduce(0) { $0 + Int($1) }
    if corrupt { sum += 1 }
    let octal = String(sum, radix: 8)
    put(148, Array((String(repeating: "0", count: 6 - octal.count) + octal + "\0 ").utf8))
    return header
  }
}

/// Compresses with the real command-line tools.
public enum Compressor {
  public static func gzip(_ bytes: [UInt8]) throws -> [UInt8] { try pipe(["gzip", "-n", "-c"], bytes) }
  public static func zstd(_ bytes: [UInt8]) throws -> [UInt8] { try pipe(["zstd", "-q", "-c"], bytes) }

  /// `bytes` compressed by zstd and padded to `size` with a skippable frame, which
  /// decoders pass over: another stream with a blob's size (a manifest's size check
  /// passes, its digest check does not). nil when the stream needs more than
  /// `size - 8` bytes.
  public static func zstd(_ bytes: [UInt8], paddedTo size: Int) throws -> [UInt8]? {
    let stream = try zstd(bytes)
    let payload = size - stream.count - 8
    guard payload >= 0 else { return nil }
    let little = { (value: UInt32) in (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    return stream + little(0x184D_2A50) + little(UInt32(payload)) + [UInt8](repeating: 0, count: payload)
  }

  public static func pipe(_ command: [String], _ input: [UInt8]) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = command
    let stdin = Pipe()
    let stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    try process.run()
    // Read while writing, so neither side of the pipe can fill up and block.
    nonisolated(unsafe) var output = Data()
    let done = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
      output = stdout.fileHandleForReading.readDataToEndOfFile()
      done.signal()
    }
    stdin.fileHandleForWriting.write(Data(input))
    try stdin.fileHandleForWriting.close()
    process.waitUntilExit()
    done.wait()
    return [UInt8](output)
  }
}
