import CGit2

/// A commit's object id: 20 bytes, hashable, cheap to copy (no heap).
public struct ObjectID: Hashable, Sendable, Comparable, CustomStringConvertible {
  public var raw: (UInt64, UInt64, UInt32)

  init(_ oid: UnsafePointer<git_oid>) {
    var value: (UInt64, UInt64, UInt32) = (0, 0, 0)
    withUnsafeMutableBytes(of: &value) { destination in
      withUnsafeBytes(of: oid.pointee.id) { destination.copyMemory(from: $0) }
    }
    raw = value
  }

  init(bytes: UnsafeRawPointer) {
    var value: (UInt64, UInt64, UInt32) = (0, 0, 0)
    withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: UnsafeRawBufferPointer(start: bytes, count: 20)) }
    raw = value
  }

  /// From 40 hex digits; nil for anything else.
  public init?(hex: some StringProtocol) {
    let utf8 = Array(hex.utf8)
    guard utf8.count == 40 else { return nil }
    var bytes = [UInt8](repeating: 0, count: 20)
    for index in 0..<20 {
      guard let high = hexDigit(utf8[2 * index]), let low = hexDigit(utf8[2 * index + 1]) else { return nil }
      bytes[index] = high << 4 | low
    }
    self = bytes.withUnsafeBytes { ObjectID(bytes: $0.baseAddress!) }
  }

  var gitOID: git_oid {
    var oid = git_oid()
    withUnsafeMutableBytes(of: &oid.id) { destination in withUnsafeBytes(of: raw) { destination.copyMemory(from: $0) } }
    return oid
  }

  public var hex: String {
    withUnsafeBytes(of: raw) { bytes in
      let digits = Array("0123456789abcdef".utf8)
      var out = [UInt8](repeating: 0, count: 40)
      for (index, byte) in bytes.enumerated() {
        out[2 * index] = digits[Int(byte >> 4)]
        out[2 * index + 1] = digits[Int(byte & 0xF)]
      }
      return String(decoding: out, as: UTF8.self)
    }
  }

  public var description: String { hex }
  public var short: String { String(hex.prefix(12)) }

  public static func == (a: ObjectID, b: ObjectID) -> Bool { a.raw == b.raw }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(raw.0)
    hasher.combine(raw.1)
    hasher.combine(raw.2)
  }

  public static func < (a: ObjectID, b: ObjectID) -> Bool { a.hex < b.hex }
}

private func hexDigit(_ byte: UInt8) -> UInt8? {
  switch byte {
  case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
  case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
  case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
  default: nil
  }
}
