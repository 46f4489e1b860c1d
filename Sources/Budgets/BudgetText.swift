import TOML

/// budgets.toml as text, for tools that change a value and must leave everything
/// else as the user wrote it: comments, order, quoting, units and spacing.
///
/// The parser records where each value's bytes are (`TOMLNode.span`); an edit
/// replaces only the digits of a size and splices them back into the original
/// bytes. Nothing is ever re-serialised, so a file edited this way differs from the
/// original only in the numbers that changed.
public struct BudgetText: Sendable {
  public let path: String
  public let bytes: [UInt8]
  private let root: TOMLTable

  /// Parses `bytes`; a file that does not parse as TOML is a `BudgetError` with its position.
  public init(_ bytes: [UInt8], path: String) throws(BudgetError) {
    self.path = path
    self.bytes = bytes
    do {
      root = try TOMLDocument.parse(bytes)
    } catch {
      throw BudgetError(problems: [BudgetProblem(file: path, position: error.position, message: error.message)])
    }
  }

  /// Which size of an image's budget a slot holds.
  public enum SizeKey: Sendable, Hashable, CustomStringConvertible {
    case max, warn
    /// A cap under `[image.NAME.paths]`, by its path as the budget reads it (no trailing slash).
    case path(String)

    public var description: String {
      switch self {
      case .max: "max"
      case .warn: "warn"
      case .path(let path): "paths \"\(path)\""
      }
    }
  }

  /// One size as written in the file: where its number is, and the unit after it.
  public struct SizeSlot: Sendable {
    public var image: String
    public var key: SizeKey
    public var current: ByteSize
    public var position: TOMLPosition
    /// The unit as written ("MB", "GiB"; empty for a bare number of bytes).
    public var unit: String
    /// The bytes of the number inside the string ("450" of `"450 MB"`).
    var numberRange: Range<Int>
    /// Why this value cannot be edited in place (a string with escapes), or nil.
    public var notEditable: String?
  }

  /// The image's `max`, `warn` and path caps, in file order; values that are not
  /// valid sizes are left out (validate reports them).
  public func sizeSlots(image: String) -> [SizeSlot] {
    guard case .table(let images)? = root["image"]?.value, case .table(let table)? = images[image]?.value else {
      return []
    }
    var slots: [SizeSlot] = []
    for entry in table.entries {
      switch entry.key {
      case "max": slots += slot(image, .max, entry.node).map { [$0] } ?? []
      case "warn": slots += slot(image, .warn, entry.node).map { [$0] } ?? []
      case "paths":
        guard case .table(let caps) = entry.node.value else { continue }
        for cap in caps.entries {
          slots += slot(image, .path(BudgetReader.capPath(cap.key)), cap.node).map { [$0] } ?? []
        }
      default: continue
      }
    }
    return slots
  }

  private func slot(_ image: String, _ key: SizeKey, _ node: TOMLNode) -> SizeSlot? {
    guard case .string(let text) = node.value, let span = node.span,
      case .success(let size) = ByteSize.parse(text)
    else { return nil }
    let first = span.lowerBound
    let multiline = span.count >= 6 && bytes[first] == bytes[first + 1] && bytes[first] == bytes[first + 2]
    let delimiter = multiline ? 3 : 1
    let inner = (span.lowerBound + delimiter)..<(span.upperBound - delimiter)
    // Only a string written exactly as it reads (no escapes, no line break) can have
    // its digits replaced byte for byte.
    let written = String(decoding: bytes[inner], as: UTF8.self)
    guard written == text else {
      return SizeSlot(
        image: image, key: key, current: size, position: node.position, unit: "", numberRange: inner,
        notEditable: "it is written with escapes or line breaks: write it as a plain \"450 MB\" to let tighten edit it")
    }
    var start = inner.lowerBound
    while start < inner.upperBound, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
    var end = start
    while end < inner.upperBound, bytes[end] == UInt8(ascii: ".") || (48...57).contains(bytes[end]) { end += 1 }
    let unit = String(decoding: bytes[end..<inner.upperBound], as: UTF8.self).trimmingWhitespace()
    return SizeSlot(
      image: image, key: key, current: size, position: node.position, unit: String(unit), numberRange: start..<end,
      notEditable: nil)
  }

  /// The file with each slot's number replaced by the given digits ("380", "1.25").
  /// Slots must come from this text and must not overlap.
  public func replacing(_ edits: [(slot: SizeSlot, number: String)]) -> [UInt8] {
    var result: [UInt8] = []
    result.reserveCapacity(bytes.count)
    var cursor = 0
    for edit in edits.sorted(by: { $0.slot.numberRange.lowerBound < $1.slot.numberRange.lowerBound }) {
      precondition(edit.slot.notEditable == nil && edit.slot.numberRange.lowerBound >= cursor, "overlapping edits")
      result += bytes[cursor..<edit.slot.numberRange.lowerBound]
      result += Array(edit.number.utf8)
      cursor = edit.slot.numberRange.upperBound
    }
    result += bytes[cursor...]
    return result
  }
}

extension ByteSize {
  /// The smallest readable number of `unit` ("MB", "GiB", "" for bytes) that is at
  /// least `bytes`: as few significant digits as keep the rounding within `slack`
  /// bytes (2 digits when the slack allows: 342 MB + 10% is "380", not "376.2").
  public static func readableNumber(atLeast bytes: Int64, slack: Int64, unit: String) -> String {
    let factor = Double(units.first { $0.name == unit }?.factor ?? 1)
    let value = Double(bytes) / factor
    guard value > 0 else { return "0" }
    var chosen = ""
    for digits in 2...6 {
      let magnitude = Int(value.log10Floor)
      let exponent = magnitude - digits + 1
      // A bare number of bytes has no fraction.
      let decimals = factor == 1 ? 0 : max(0, -exponent)
      var step = 1.0
      for _ in 0..<abs(exponent) { step = exponent < 0 ? step / 10 : step * 10 }
      if factor == 1 { step = max(step, 1) }
      var rounded = (value / step * (1 - 1e-12)).rounded(.up) * step
      var text = trimmedFixed(rounded, decimals: decimals)
      // Float error must never round below the floor.
      if let parsed = parseNumber(text, unit: unit), parsed < bytes {
        rounded += step
        text = trimmedFixed(rounded, decimals: decimals)
      }
      chosen = text
      if (rounded - value) * factor <= Double(slack) { break }
    }
    return chosen
  }

  private static func trimmedFixed(_ value: Double, decimals: Int) -> String {
    var text = fixed(value, decimals: decimals)
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text
  }

  /// The bytes that `number` of `unit` stands for ("380", "MB" → 380,000,000).
  public static func parseNumber(_ number: String, unit: String) -> Int64? {
    if case .success(let size) = parse(unit.isEmpty ? number : "\(number) \(unit)") { return size.bytes }
    return nil
  }
}

extension Double {
  /// ⌊log10(self)⌋ for a positive value, counted so that 100 is 2 and 99.9 is 1.
  fileprivate var log10Floor: Double {
    var exponent = 0.0
    var scaled = self
    while scaled >= 10 {
      scaled /= 10
      exponent += 1
    }
    while scaled < 1 {
      scaled *= 10
      exponent -= 1
    }
    return exponent
  }
}
