import TOML
import Testing

@Suite struct ParserTests {
  @Test func keepsThePositionOfEveryKeyAndValue() throws {
    let root = try TOMLDocument.parse(
      """
      # budgets
      [image.api]
      max = "450 MB"
        forbid = ["a", 'b']
      """)
    let image = try #require(root.entry("image"))
    #expect(image.keyPosition == TOMLPosition(line: 2, column: 2))
    guard case .table(let images) = image.node.value, case .table(let api)? = images["api"]?.value else {
      Issue.record("expected tables")
      return
    }
    #expect(images["api"]?.position == TOMLPosition(line: 2, column: 1))
    #expect(api.entry("max")?.keyPosition == TOMLPosition(line: 3, column: 1))
    #expect(api["max"]?.position == TOMLPosition(line: 3, column: 7))
    #expect(api["max"]?.value == .string("450 MB"))
    guard case .array(let forbid)? = api["forbid"]?.value else {
      Issue.record("expected an array")
      return
    }
    #expect(forbid.map(\.position) == [TOMLPosition(line: 4, column: 13), TOMLPosition(line: 4, column: 18)])
  }

  /// Each value's span is its text as written, delimiters included, so an editor can
  /// replace exactly those bytes (`budgets tighten`).
  @Test func spansCoverEachValueAsWritten() throws {
    let text = """
      \u{FEFF}a = "450 MB"   # comment
      b =  'x y'
      c = \"\"\"
      two\"\"\"
      d = -1_000
      e = [ 1, "é" ,{ f = 2.5e3 } ]
      g = 1979-05-27T07:32:00Z
      h = true
      """
    let bytes = Array(text.utf8)
    let root = try TOMLDocument.parse(bytes)
    func written(_ node: TOMLNode?) -> String? {
      node?.span.map { String(decoding: bytes[$0], as: UTF8.self) }
    }
    #expect(written(root["a"]) == "\"450 MB\"")
    #expect(written(root["b"]) == "'x y'")
    #expect(written(root["c"]) == "\"\"\"\ntwo\"\"\"")
    #expect(written(root["d"]) == "-1_000")
    #expect(written(root["e"]) == "[ 1, \"é\" ,{ f = 2.5e3 } ]")
    guard case .array(let elements)? = root["e"]?.value, case .table(let inline) = elements[2].value else {
      Issue.record("expected an array holding an inline table")
      return
    }
    #expect(written(elements[1]) == "\"é\"")
    #expect(written(inline["f"]) == "2.5e3")
    #expect(written(root["g"]) == "1979-05-27T07:32:00Z")
    #expect(written(root["h"]) == "true")
  }

  @Test func columnsCountCharactersNotBytes() throws {
    let error = try #require(throws: TOMLError.self) { try TOMLDocument.parse("k = \"é\" x") }
    #expect(error.position == TOMLPosition(line: 1, column: 9))
  }

  @Test func keepsKeysInTheOrderWritten() throws {
    let root = try TOMLDocument.parse("b = 1\na = 2\n[z]\n[c]\n")
    #expect(root.keys == ["b", "a", "z", "c"])
  }

  @Test func decodesEveryValueKind() throws {
    let root = try TOMLDocument.parse(
      """
      s = "tab\\there \\u00E9"
      l = 'C:\\path'
      m = \"\"\"
      one \\
        two\"\"\"
      i = 0x_ff
      """.replacingOccurrences(of: "0x_ff", with: "-1_000"))
    #expect(root["s"]?.value == .string("tab\there é"))
    #expect(root["l"]?.value == .string("C:\\path"))
    #expect(root["m"]?.value == .string("one two"))
    #expect(root["i"]?.value == .integer(-1000))
    let dates = try TOMLDocument.parse(
      "a = 1979-05-27T07:32:00.5-07:00\nb = 1979-05-27 07:32:00\nc = 1979-05-27\nd = 07:32:00\n")
    #expect(
      dates["a"]?.value
        == .offsetDateTime(
          TOMLDate(year: 1979, month: 5, day: 27), TOMLTime(hour: 7, minute: 32, second: 0, fraction: "5"),
          offsetMinutes: -420))
    #expect(
      dates["b"]?.value
        == .localDateTime(TOMLDate(year: 1979, month: 5, day: 27), TOMLTime(hour: 7, minute: 32, second: 0)))
    #expect(dates["c"]?.value == .localDate(TOMLDate(year: 1979, month: 5, day: 27)))
    #expect(dates["d"]?.value == .localTime(TOMLTime(hour: 7, minute: 32, second: 0)))
    let floats = try TOMLDocument.parse("a = 6.626e-34\nb = -inf\nc = 1_000.5\n")
    #expect(floats["a"]?.value == .float(6.626e-34))
    #expect(floats["b"]?.value == .float(-.infinity))
    #expect(floats["c"]?.value == .float(1000.5))
  }

  @Test(arguments: [
    ("a = 1\na = 2", "2:1: duplicate key 'a': it is already an integer value (at 1:1)"),
    ("[t]\n[t]", "2:2: table [t] is defined twice (at 1:2)"),
    ("a = ", "1:5: expected a value, found the end of the file"),
    ("a = 01", "1:5: leading zeros are not allowed in a number (write 7, not 07)"),
    (
      "a = 9223372036854775808",
      "1:5: the integer does not fit in 64 bits (between -9223372036854775808 and 9223372036854775807)"
    ),
    ("a = \"x", "1:7: the string is not closed: expected '\"' before the end of the file"),
    ("a = [1, 2", "1:10: the array opened at 1:5 is not closed: expected ']' before the end of the file"),
    ("a = {b = 1,}", "1:12: a trailing comma is not allowed in an inline table"),
    ("a = True", "1:5: expected a value (a string, number, boolean, date, array or inline table), found 'T'"),
    ("a = 2024-02-30", "1:5: day 30 is out of range for 2024-02 (01 to 29)"),
    ("a b = 1", "1:3: expected '=' after the key 'a'"),
  ])
  func reportsWhereAndWhat(input: String, expected: String) {
    #expect(throws: TOMLError.self) { try TOMLDocument.parse(input) }
    do {
      _ = try TOMLDocument.parse(input)
    } catch {
      #expect(error.description == expected)
    }
  }

  @Test func deepNestingIsAnErrorNotACrash() {
    for input in [
      "a = " + String(repeating: "[", count: 100_000),
      "a = " + String(repeating: "{b=", count: 100_000),
      String(repeating: "a.", count: 100_000) + "a = 1",
      "[" + String(repeating: "a.", count: 100_000) + "a]",
    ] {
      #expect(throws: TOMLError.self) { try TOMLDocument.parse(input) }
    }
  }
}
