import CInflate

/// Passes a big file's bytes through unchanged while taking duplicate content's
/// fingerprint of them: two CRC-64s (ECMA-182 and Jones polynomials, ISA-L).
///
/// Why not a cryptographic hash: the fingerprint only groups files of the same size
/// into "the same bytes" for an advisory finding (`DuplicateContent`); nothing is
/// verified or trusted by it. Accidental collisions of 128 bits among files of one size
/// do not happen; a crafted one could only fabricate a duplicate-content finding in an
/// image whose author controls its bytes, and who could as well ship real duplicates.
/// So the second SHA-256 over every big file's bytes (on top of the layer digest's,
/// about 60 % of a verified measure's CPU on issue 16's image) buys nothing, and the
/// CRCs cost about a quarter of it. The layer digests stay SHA-256.
public final class ContentHashingStream: ByteStream {
  /// The prefix of a fingerprint, naming its algorithm (as `sha256:` does a digest's),
  /// so fingerprints of another kind never compare equal to these.
  public static let algorithm = "crc64x2:"
  private let base: ByteStream
  /// The two CRCs (ECMA, Jones), as the C shim takes them: updated in place, so a
  /// chunk costs no allocation.
  private var state: [UInt64] = [0, 0]

  public init(_ base: ByteStream) { self.base = base }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    let got = try base.read(into: buffer)
    if got > 0 { Self.fold(UnsafeRawBufferPointer(rebasing: buffer[0..<got]), into: &state) }
    return got
  }

  /// The fingerprint needs every byte, so skipping reads.
  public func skip(_ count: Int64) throws { try discard(count) }

  /// Reads what is left, then returns the fingerprint of everything that passed:
  /// `crc64x2:` and 32 lower-case hex digits.
  public func finish() throws -> String {
    _ = try drain()
    return Self.fingerprint(of: state)
  }

  /// The fingerprint of `bytes`, as a stream of them would have it.
  public static func fingerprint(_ bytes: [UInt8]) -> String {
    var state: [UInt64] = [0, 0]
    bytes.withUnsafeBytes { fold($0, into: &state) }
    return fingerprint(of: state)
  }

  private static func fold(_ bytes: UnsafeRawBufferPointer, into state: inout [UInt64]) {
    guard let start = bytes.baseAddress, bytes.count > 0 else { return }
    state.withUnsafeMutableBufferPointer {
      sizebudget_crc64_pair($0.baseAddress, start.assumingMemoryBound(to: UInt8.self), bytes.count)
    }
  }

  /// Each CRC as 16 hex digits, most significant first.
  private static func fingerprint(of state: [UInt64]) -> String {
    algorithm + hex(state.flatMap { word in withUnsafeBytes(of: word.bigEndian) { Array($0) } })
  }
}
