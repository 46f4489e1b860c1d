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
  private var state: (UInt64, UInt64) = (0, 0)

  public init(_ base: ByteStream) { self.base = base }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    let got = try base.read(into: buffer)
    if got > 0 { update(UnsafeRawBufferPointer(rebasing: buffer[0..<got])) }
    return got
  }

  private func update(_ bytes: UnsafeRawBufferPointer) {
    guard let start = bytes.baseAddress, bytes.count > 0 else { return }
    var words = [state.0, state.1]
    sizebudget_crc64_pair(&words, start.assumingMemoryBound(to: UInt8.self), bytes.count)
    state = (words[0], words[1])
  }

  /// The fingerprint needs every byte, so skipping reads.
  public func skip(_ count: Int64) throws { try discard(count) }

  /// Reads what is left, then returns the fingerprint of everything that passed:
  /// `crc64x2:` and 32 lower-case hex digits.
  public func finish() throws -> String {
    _ = try drain()
    return fingerprint
  }

  private var fingerprint: String {
    let hexDigits = { (word: UInt64) in
      let digits = String(word, radix: 16)
      return String(repeating: "0", count: 16 - digits.count) + digits
    }
    return Self.algorithm + hexDigits(state.0) + hexDigits(state.1)
  }

  /// The fingerprint of `bytes`, as a stream of them would have it.
  public static func fingerprint(_ bytes: [UInt8]) -> String {
    let hasher = ContentHashingStream(EmptyStream())
    bytes.withUnsafeBytes { hasher.update($0) }
    return hasher.fingerprint
  }

  private final class EmptyStream: ByteStream {
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { 0 }
    func skip(_ count: Int64) throws { if count > 0 { throw ArchiveError.endOfData("unexpected end of data") } }
  }
}
