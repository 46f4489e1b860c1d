import Foundation
import TOML
import Testing

/// The official TOML 1.0.0 suite (../shared/toml-test), in process: every valid case
/// must decode to its expected tagged JSON and every invalid case must be rejected
/// with a TOMLError (never a crash).
@Suite struct ConformanceTests {
  static let suite = SharedFiles.root.appendingPathComponent("toml-test/tests")

  static func cases(_ prefix: String) throws -> [String] {
    let list = try String(contentsOf: suite.appendingPathComponent("files-toml-1.0.0"), encoding: .utf8)
    return list.split(separator: "\n").map(String.init).filter { $0.hasPrefix(prefix) && $0.hasSuffix(".toml") }
  }

  @Test func allValidCasesDecodeToTheExpectedJSON() throws {
    let cases = try Self.cases("valid/")
    #expect(cases.count == 210)
    var failures: [String] = []
    for name in cases {
      let input = try [UInt8](Data(contentsOf: Self.suite.appendingPathComponent(name)))
      let expectedURL = Self.suite.appendingPathComponent(String(name.dropLast(5)) + ".json")
      let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: expectedURL), options: .fragmentsAllowed)
      do {
        let json = TaggedJSON.encode(try TOMLDocument.parse(input))
        let have = try JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)
        if let difference = TaggedJSONComparison.difference(expected, have) {
          failures.append("\(name): \(difference)")
        }
      } catch {
        failures.append("\(name): rejected: \(error)")
      }
    }
    #expect(failures.isEmpty, "\(failures.count) valid cases failed:\n\(failures.joined(separator: "\n"))")
  }

  @Test func allInvalidCasesAreRejectedWithAPosition() throws {
    let cases = try Self.cases("invalid/")
    #expect(cases.count == 499)
    var accepted: [String] = []
    for name in cases {
      let input = try [UInt8](Data(contentsOf: Self.suite.appendingPathComponent(name)))
      do {
        _ = try TOMLDocument.parse(input)
        accepted.append(name)
      } catch {
        #expect(error.position.line >= 1 && error.position.column >= 1, "\(name): \(error)")
        #expect(!error.message.isEmpty)
      }
    }
    #expect(accepted.isEmpty, "accepted invalid TOML: \(accepted)")
  }
}

/// toml-test's comparison rules: floats by value, date-times by instant, the rest as
/// strings.
enum TaggedJSONComparison {
  static func difference(_ want: Any, _ have: Any, path: String = "") -> String? {
    if let want = want as? [Any] {
      guard let have = have as? [Any] else { return "\(path): expected an array" }
      guard want.count == have.count else { return "\(path): expected \(want.count) elements, got \(have.count)" }
      for (index, pair) in zip(want, have).enumerated() {
        if let difference = difference(pair.0, pair.1, path: "\(path)[\(index)]") { return difference }
      }
      return nil
    }
    guard let want = want as? [String: Any], let have = have as? [String: Any] else {
      return "\(path): expected a table or value"
    }
    if let type = want["type"] as? String, let value = want["value"] as? String, want.count == 2 {
      guard have["type"] as? String == type, let haveValue = have["value"] as? String else {
        return "\(path): expected type \(type), got \(have)"
      }
      return scalarsEqual(type, value, haveValue) ? nil : "\(path): expected \(value), got \(haveValue)"
    }
    guard Set(want.keys) == Set(have.keys) else {
      return "\(path): keys differ: expected \(want.keys.sorted()), got \(have.keys.sorted())"
    }
    for (key, value) in want {
      if let difference = difference(value, have[key]!, path: path.isEmpty ? key : "\(path).\(key)") {
        return difference
      }
    }
    return nil
  }

  private static func scalarsEqual(_ type: String, _ want: String, _ have: String) -> Bool {
    switch type {
    case "float":
      if want.lowercased().hasSuffix("nan") { return have.lowercased().hasSuffix("nan") }
      return Double(normalizedFloat(want)) == Double(normalizedFloat(have))
    case "datetime", "datetime-local", "date-local", "time-local":
      return normalizedDate(want) == normalizedDate(have)
    default:
      return want == have
    }
  }

  private static func normalizedFloat(_ text: String) -> String {
    text.replacingOccurrences(of: "inf", with: "infinity")
  }

  /// Upper-case separators, `Z` for a zero offset, and fractions without trailing zeros.
  private static func normalizedDate(_ text: String) -> String {
    var value = text.uppercased().replacingOccurrences(of: " ", with: "T").replacingOccurrences(of: "+00:00", with: "Z")
    value = value.replacingOccurrences(of: "-00:00", with: "Z")
    if let dot = value.firstIndex(of: ".") {
      let fractionEnd = value[dot...].dropFirst().firstIndex { !$0.isNumber } ?? value.endIndex
      var fraction = String(value[value.index(after: dot)..<fractionEnd])
      while fraction.hasSuffix("0") { fraction.removeLast() }
      value = String(value[..<dot]) + (fraction.isEmpty ? "" : "." + fraction) + value[fractionEnd...]
    }
    return value
  }
}
