import Budgets
import Foundation
import Testing

@Suite struct BudgetTextTests {
  /// The file `budgets tighten` edits: comments, odd spacing, both quotes, a unit
  /// glued to its number, an inline table of path caps and a dotted one.
  static let file = """
    # Budgets.
    [image.api]   # the API
    max   =  "450 MB"     # before the slimming
    warn='420MB'
    paths = { "/usr/lib/" = " 300 MiB ", "/opt/venv" = "1 GB" }

    [image.worker]
    max = \"\"\"2 GB\"\"\"
    paths."/srv" = "471859200"
    warn = "1\\u0030 MB"
    """

  @Test func slotsNameEachSizeWithItsUnitAsWritten() throws {
    let text = try BudgetText(Array(Self.file.utf8), path: "budgets.toml")
    let api = text.sizeSlots(image: "api")
    #expect(api.map(\.key) == [.max, .warn, .path("/usr/lib"), .path("/opt/venv")])
    #expect(api.map(\.unit) == ["MB", "MB", "MiB", "GB"])
    #expect(api.map(\.current.bytes) == [450_000_000, 420_000_000, 300 << 20, 1_000_000_000])
    #expect(api.map(\.position.line) == [3, 4, 5, 5])
    let worker = text.sizeSlots(image: "worker")
    #expect(worker.map(\.key) == [.max, .path("/srv"), .warn])
    #expect(worker.prefix(2).map(\.unit) == ["GB", ""])
    #expect(worker[2].notEditable != nil, "an escaped string is not edited byte for byte")
    #expect(text.sizeSlots(image: "nope").isEmpty)
  }

  @Test func replacingChangesOnlyTheDigits() throws {
    let text = try BudgetText(Array(Self.file.utf8), path: "budgets.toml")
    let slots = text.sizeSlots(image: "api") + text.sizeSlots(image: "worker")
    let edited = text.replacing([(slots[0], "380"), (slots[1], "360"), (slots[2], "95.5"), (slots[5], "412000000")])
    let expected = Self.file
      .replacingOccurrences("\"450 MB\"", "\"380 MB\"")
      .replacingOccurrences("'420MB'", "'360MB'")
      .replacingOccurrences("\" 300 MiB \"", "\" 95.5 MiB \"")
      .replacingOccurrences("\"471859200\"", "\"412000000\"")
    #expect(String(decoding: edited, as: UTF8.self) == expected)
    let reread = try BudgetParser.parse(edited, path: "budgets.toml")
    #expect(reread.image(named: "api")?.max?.value.bytes == 380_000_000)
    #expect(reread.image(named: "api")?.paths.first?.limit.value.bytes == Int64(95.5 * 1_048_576))
  }

  @Test func readableNumbersRoundUpWithinASliceOfTheHeadroom() {
    // 342 MB + 10 %: two digits are within a quarter of the 34.2 MB headroom.
    #expect(ByteSize.readableNumber(atLeast: 376_200_000, slack: 8_550_000, unit: "MB") == "380")
    // A thinner slack needs a third digit, never less than the floor.
    #expect(ByteSize.readableNumber(atLeast: 376_200_000, slack: 1_000_000, unit: "MB") == "377")
    #expect(ByteSize.readableNumber(atLeast: 1_234_000_000, slack: 10_000_000, unit: "GB") == "1.24")
    #expect(ByteSize.readableNumber(atLeast: 39_500_000, slack: 1_000_000, unit: "GB") == "0.04")
    #expect(ByteSize.readableNumber(atLeast: 100_000_001, slack: 0, unit: "") == "100001000")
    #expect(ByteSize.readableNumber(atLeast: 300 << 20, slack: 0, unit: "MiB") == "300")
    for floor: Int64 in [1, 999, 1_000, 12_345_678, 99_999_999, 5_000_000_001] {
      for unit in ["", "kB", "MB", "GB", "KiB", "MiB", "GiB"] {
        let number = ByteSize.readableNumber(atLeast: floor, slack: floor / 40, unit: unit)
        let bytes = ByteSize.parseNumber(number, unit: unit)
        #expect(bytes.map { $0 >= floor } == true, "\(floor) in \(unit): \(number)")
      }
    }
  }
}

extension String {
  fileprivate func replacingOccurrences(_ old: String, _ new: String) -> String {
    precondition(components(separatedBy: old).count == 2, "\(old) occurs once")
    return components(separatedBy: old).joined(separator: new)
  }
}
