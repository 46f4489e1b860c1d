/// `ARG` and `ENV` values and the `$NAME`, `${NAME}`, `${NAME:-word}`, `${NAME:+word}`
/// substitutions Dockerfile instructions (not RUN's shell) make with them.
enum Expansion {
  /// `ARG A=1 B` and `ENV A=1 B=2` (or the old `ENV A 1`): names and values, quotes removed.
  static func declarations(_ arguments: String) -> [(String, String?)] {
    let words = words(arguments)
    if words.count == 2, !words[0].contains("=") { return [(words[0], words[1])] }  // ENV NAME value
    return words.map { word in
      guard let equals = word.firstIndex(of: "=") else { return (word, nil) }
      return (String(word[..<equals]), String(word[word.index(after: equals)...]))
    }
  }

  /// Whitespace-separated words; quotes group and are removed.
  static func words(_ text: String) -> [String] {
    var words: [String] = []
    var current = ""
    var quote: Character? = nil
    var inWord = false
    for character in text {
      if let open = quote {
        if character == open { quote = nil } else { current.append(character) }
      } else if character == "\"" || character == "'" {
        quote = character
        inWord = true
      } else if character.isWhitespace {
        if inWord { words.append(current) }
        current = ""
        inWord = false
      } else {
        current.append(character)
        inWord = true
      }
    }
    if inWord { words.append(current) }
    return words
  }

  static func expand(_ text: String, _ values: [String: String]) -> String {
    var out = ""
    var rest = Substring(text)
    while let dollar = rest.firstIndex(of: "$") {
      out += rest[..<dollar]
      var after = rest[rest.index(after: dollar)...]
      if after.hasPrefix("{"), let close = after.firstIndex(of: "}") {
        let body = after[after.index(after: after.startIndex)..<close]
        out += substitute(body, values)
        after = after[after.index(after: close)...]
      } else {
        let name = after.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        if name.isEmpty { out += "$" } else { out += values[String(name)] ?? "" }
        after = after.dropFirst(name.count)
      }
      rest = after
    }
    return out + rest
  }

  private static func substitute(_ body: Substring, _ values: [String: String]) -> String {
    if let range = body.firstRange(of: ":-") {
      let value = values[String(body[..<range.lowerBound])] ?? ""
      return value.isEmpty ? String(body[range.upperBound...]) : value
    }
    if let range = body.firstRange(of: ":+") {
      let value = values[String(body[..<range.lowerBound])] ?? ""
      return value.isEmpty ? "" : String(body[range.upperBound...])
    }
    return values[String(body)] ?? ""
  }
}
