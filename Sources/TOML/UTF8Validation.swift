/// TOML documents must be valid UTF-8; this finds the first byte that is not,
/// with its position, before parsing starts.
enum UTF8Validation {
  static func check(_ bytes: UnsafeBufferPointer<UInt8>) throws(TOMLError) {
    var index = 0
    var line = 1
    var column = 1
    while index < bytes.count {
      let byte = bytes[index]
      if byte < 0x80 {
        index += 1
        if byte == UInt8(ascii: "\n") {
          line += 1
          column = 1
        } else {
          column += 1
        }
        continue
      }
      guard let length = sequenceLength(bytes, at: index) else {
        throw TOMLError(
          "the file is not valid UTF-8 (byte 0x\(String(byte, radix: 16, uppercase: true)))",
          at: TOMLPosition(line: line, column: column))
      }
      index += length
      column += 1
    }
  }

  /// The length of the well-formed sequence at `index`, or nil (Unicode table 3-7).
  private static func sequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
    func continuation(_ offset: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
      index + offset < bytes.count && range.contains(bytes[index + offset])
    }
    switch bytes[index] {
    case 0xC2...0xDF: return continuation(1) ? 2 : nil
    case 0xE0: return continuation(1, 0xA0...0xBF) && continuation(2) ? 3 : nil
    case 0xE1...0xEC, 0xEE...0xEF: return continuation(1) && continuation(2) ? 3 : nil
    case 0xED: return continuation(1, 0x80...0x9F) && continuation(2) ? 3 : nil
    case 0xF0: return continuation(1, 0x90...0xBF) && continuation(2) && continuation(3) ? 4 : nil
    case 0xF1...0xF3: return continuation(1) && continuation(2) && continuation(3) ? 4 : nil
    case 0xF4: return continuation(1, 0x80...0x8F) && continuation(2) && continuation(3) ? 4 : nil
    default: return nil
    }
  }
}
