import Foundation
import TestSupport
import Testing

/// Every reader of untrusted bytes over its seed corpus (Tests/Corpus/<target>/,
/// regression inputs found by `make fuzz` included) and over deterministic
/// mutations of it: each must end in a value or a clear error, and finish. A trap
/// or a hang fails the run; `make fuzz` runs the same targets under libFuzzer.
@Suite struct ReaderFuzzTests {
  static let corpusRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Corpus")

  static func corpus(_ target: ReaderFuzzTarget) throws -> [(String, [UInt8])] {
    let directory = corpusRoot.appendingPathComponent(target.rawValue)
    return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().map {
      ($0, [UInt8](try Data(contentsOf: directory.appendingPathComponent($0))))
    }
  }

  @Test(arguments: ReaderFuzzTarget.allCases)
  func theCorpusEndsInValuesOrClearErrors(_ target: ReaderFuzzTarget) throws {
    let files = try Self.corpus(target)
    #expect(!files.isEmpty, "no seeds in Tests/Corpus/\(target.rawValue)")
    var accepted = 0
    for (_, bytes) in files where target.run(bytes) == nil { accepted += 1 }
    // The seeds are valid inputs, kept so: each form they cover is read, not refused
    // (a regression input may be refused).
    #expect(accepted > 0, "\(target.rawValue): every seed was refused")
  }

  @Test(arguments: ReaderFuzzTarget.allCases)
  func mutatedInputsNeverCrash(_ target: ReaderFuzzTarget) throws {
    let iterations = Int(ProcessInfo.processInfo.environment["READER_FUZZ_ITERATIONS"] ?? "") ?? 400
    let corpus = try Self.corpus(target).map(\.1)
    var generator = SplitMix64(seed: 0x5EED ^ UInt64(target.rawValue.utf8.count))
    let started = Date()
    for _ in 0..<iterations {
      let input = ReaderMutator.next(corpus: corpus, using: &generator)
      let one = Date()
      target.run(input)
      #expect(Date().timeIntervalSince(one) < 5, "\(target.rawValue): an input took over 5 s")
    }
    #expect(Date().timeIntervalSince(started) < 120)
  }
}

/// Byte-level mutations, plus fixing up tar header checksums afterwards, so that
/// mutated headers get past the checksum to the fields behind it.
enum ReaderMutator {
  static let tokens: [[UInt8]] = [
    "\u{0}", "\u{FF}", "\n", " ", "=", "path=", "size=", "linkpath=", "99999999999", "777777777777", "-1",
    "../", "./", "/", "null", "{}", "[]", "\"", ":", "sha256:", "\"size\":-1", "\"platform\":null", "P:", "R:",
    "F:", "Package: ", "Status: install ok installed", ",", "\r\n", "\u{80}\u{0}\u{0}\u{0}",
    "<<", "<<-", "\\\n", "`", "${", ":-", "FROM a\n", "# escape=`\n", " # buildkit", "/bin/sh -c #(nop) ",
  ].map { Array($0.utf8) }

  static func next(corpus: [[UInt8]], using generator: inout SplitMix64) -> [UInt8] {
    var input = corpus.randomElement(using: &generator)!
    switch Int.random(in: 0..<8, using: &generator) {
    case 0:
      return (0..<Int.random(in: 0..<600, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
    case 1:
      return Array(input.prefix(Int.random(in: 0...input.count, using: &generator)))
    default:
      for _ in 0..<Int.random(in: 1...6, using: &generator) {
        let index = Int.random(in: 0...input.count, using: &generator)
        switch Int.random(in: 0..<5, using: &generator) {
        case 0 where index < input.count: input[index] = UInt8.random(in: 0...255, using: &generator)
        case 1 where index < input.count: input.remove(at: index)
        case 2 where index < input.count: input[index] ^= 1 << UInt8.random(in: 0..<8, using: &generator)
        case 3:
          let token = tokens.randomElement(using: &generator)!
          let end = min(input.count, index + token.count)
          input.replaceSubrange(index..<end, with: token)
        default: input.insert(contentsOf: tokens.randomElement(using: &generator)!, at: index)
        }
      }
      if Bool.random(using: &generator) { fixTarChecksums(&input) }
      return input
    }
  }

  /// Rewrites the checksum of every 512-byte block that carries the ustar magic.
  static func fixTarChecksums(_ bytes: inout [UInt8]) {
    var offset = 0
    while offset + 512 <= bytes.count {
      if bytes[(offset + 257)..<(offset + 262)].elementsEqual("ustar".utf8) {
        for index in 148..<156 { bytes[offset + index] = 32 }
        let sum = bytes[offset..<(offset + 512)].reduce(0) { $0 + Int($1) }
        let octal = Array(String(sum, radix: 8).utf8)
        let field = [UInt8](repeating: UInt8(ascii: "0"), count: max(0, 6 - octal.count)) + octal.suffix(6) + [0, 32]
        bytes.replaceSubrange((offset + 148)..<(offset + 156), with: field)
      }
      offset += 512
    }
  }
}
