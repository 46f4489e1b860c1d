import Foundation
import TOML
import TestSupport
import Testing

/// Random bytes, truncations and mutations of the conformance suite's files: the
/// parser must either return a table or throw a TOMLError with a valid position, and
/// finish. A crash or a hang fails the run. `make fuzz` runs the same for longer.
@Suite struct FuzzTests {
  @Test func mutatedInputsNeverCrash() throws {
    let iterations = Int(ProcessInfo.processInfo.environment["TOML_FUZZ_ITERATIONS"] ?? "") ?? 20_000
    let corpus = try ConformanceTests.cases("").map {
      try [UInt8](Data(contentsOf: ConformanceTests.suite.appendingPathComponent($0)))
    }
    var generator = SplitMix64(seed: 0x5EED)
    var accepted = 0
    for _ in 0..<iterations {
      let input = TOMLMutator.next(corpus: corpus, using: &generator)
      do {
        _ = try TOMLDocument.parse(input)
        accepted += 1
      } catch {
        #expect(error.position.line >= 1 && error.position.column >= 1)
      }
    }
    #expect(accepted > 0 && accepted < iterations)
  }
}

enum TOMLMutator {
  static let tokens: [[UInt8]] = [
    "[", "]", "[[", "]]", "{", "}", "\"", "'", "\"\"\"", "'''", "=", ".", ",", "#",
    "\n", "\r", "\\", "\\u", "0x", "1e", "_", "-", ":", "T", "Z", "inf", "nan", "a.b", "\u{0}", "\u{7F}", "é",
  ].map { Array($0.utf8) }

  static func next(corpus: [[UInt8]], using generator: inout some RandomNumberGenerator) -> [UInt8] {
    var input = corpus.randomElement(using: &generator)!
    switch Int.random(in: 0..<6, using: &generator) {
    case 0:
      return (0..<Int.random(in: 0..<200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
    case 1:
      return Array(input.prefix(Int.random(in: 0...input.count, using: &generator)))
    default:
      for _ in 0..<Int.random(in: 1...4, using: &generator) {
        let index = Int.random(in: 0...input.count, using: &generator)
        switch Int.random(in: 0..<4, using: &generator) {
        case 0 where index < input.count: input[index] = UInt8.random(in: 0...255, using: &generator)
        case 1 where index < input.count: input.remove(at: index)
        case 2:
          let other = corpus.randomElement(using: &generator)!
          let start = Int.random(in: 0...other.count, using: &generator)
          input.insert(contentsOf: other[start..<min(other.count, start + 40)], at: index)
        default: input.insert(contentsOf: tokens.randomElement(using: &generator)!, at: index)
        }
      }
      return input
    }
  }
}
