/// Dockerfile text → `Dockerfile`. Follows the reference's rules: a parser directive
/// (`# escape=`) only on the first lines, comments only at the start of a line (also
/// between continuation lines), the escape character at a line's end continues it,
/// and `<<WORD` in RUN/COPY/ADD starts a heredoc that ends at a line of WORD alone.
public enum DockerfileParser {
  public static func parse(_ text: String) throws(DockerfileError) -> Dockerfile {
    // "\r\n" is one Character in Swift: CRLF files split on it too. A byte-order mark
    // before the first line is dropped, as BuildKit drops it.
    let body = text.hasPrefix("\u{FEFF}") ? Substring(text.dropFirst()) : Substring(text)
    let lines = body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map {
      $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
    }
    let escape = escapeCharacter(lines)
    var instructions: [Dockerfile.Instruction] = []
    var index = 0
    while index < lines.count {
      let start = index
      let first = lines[index].trimmingLeadingWhitespace()
      index += 1
      if first.isEmpty || first.hasPrefix("#") { continue }
      var logical = first
      // Continuation: the escape character last (trailing blanks allowed); comment and
      // empty lines inside are skipped.
      while let trimmed = Optional(logical.trimmingTrailingSpace()), trimmed.last == escape {
        logical = String(trimmed.dropLast())
        while index < lines.count {
          let next = lines[index].trimmingLeadingWhitespace()
          if next.isEmpty || next.hasPrefix("#") { index += 1 } else { break }
        }
        guard index < lines.count else { break }
        logical += lines[index]
        index += 1
      }
      var instruction = try split(logical, line: start + 1)
      if ["RUN", "COPY", "ADD"].contains(instruction.keyword) {
        for heredoc in heredocs(in: instruction.arguments) {
          var body: [String] = []
          while true {
            guard index < lines.count else {
              throw DockerfileError(
                line: start + 1, message: "the heredoc <<\(heredoc.word) is not closed by a line \"\(heredoc.word)\"")
            }
            var line = lines[index]
            index += 1
            if heredoc.stripTabs { line = String(line.drop { $0 == "\t" }) }
            if line == heredoc.word { break }
            body.append(line)
          }
          instruction.arguments += "\n" + body.joined(separator: "\n") + "\n" + heredoc.word
        }
      }
      instruction.endLine = index
      instructions.append(instruction)
    }
    return try stages(instructions)
  }

  /// `# escape=`` ` `` on the first lines switches the escape character to a backtick.
  static func escapeCharacter(_ lines: [String]) -> Character {
    for line in lines {
      let trimmed = line.trimmingLeadingWhitespace()
      guard trimmed.hasPrefix("#") else { break }
      let directive = trimmed.dropFirst().filter { $0 != " " && $0 != "\t" }.lowercased()
      if directive == "escape=`" { return "`" }
      if !directive.contains("=") { break }
    }
    return "\\"
  }

  static func split(_ logical: String, line: Int) throws(DockerfileError) -> Dockerfile.Instruction {
    let keyword = String(logical.prefix { !$0.isWhitespace })
    guard !keyword.isEmpty, keyword.allSatisfy({ $0.isLetter }) else {
      throw DockerfileError(line: line, message: "\"\(keyword)\" is not a Dockerfile instruction")
    }
    var rest = Substring(logical.dropFirst(keyword.count)).drop { $0.isWhitespace }
    var flags: [String] = []
    while rest.hasPrefix("--") {
      let flag = rest.prefix { !$0.isWhitespace }
      flags.append(String(flag))
      rest = rest.dropFirst(flag.count).drop { $0.isWhitespace }
    }
    return Dockerfile.Instruction(
      keyword: keyword.uppercased(), flags: flags, arguments: String(rest).trimmingTrailingSpace(), line: line,
      endLine: line)
  }

  struct Heredoc {
    var word: String
    var stripTabs: Bool
  }

  /// `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'` (and `2<<EOF`), in order, as BuildKit
  /// finds them: the line is split into shell words (at whitespace outside quotes) and
  /// a word matching `^(\d*)<<(-?)([^<]*)$` starts a heredoc whose terminator is the
  /// rest of the word with its quotes removed (`<<END-OF-SCRIPT`, `<<EOF.sh`,
  /// `<<E"O"F` end at END-OF-SCRIPT, EOF.sh, EOF; `<<4` and `1<<4` at 4, as in bash).
  /// So not `<<<` (a here-string), not a shift in `$((1<<4))` or
  /// `python -c "print(1<<3)"` (their words do not start with digits and `<<`).
  static func heredocs(in arguments: String) -> [Heredoc] {
    words(of: arguments).compactMap(heredoc)
  }

  /// One word of a line, as `heredocs` reads it: digits, `<<`, an optional `-`, and a
  /// non-empty rest with no `<`: the terminator, once unquoted.
  static func heredoc(_ word: Substring) -> Heredoc? {
    var after = word.drop { $0.isASCII && $0.isNumber }
    guard after.hasPrefix("<<") else { return nil }
    after = after.dropFirst(2)
    let stripTabs = after.hasPrefix("-")
    if stripTabs { after = after.dropFirst() }
    guard !after.contains("<") else { return nil }
    let name = unquoted(after)
    guard !name.isEmpty else { return nil }
    return Heredoc(word: name, stripTabs: stripTabs)
  }

  /// A shell word with its quotes removed: `E"O"F` and `'EOF'` are EOF; a backslash
  /// outside single quotes keeps the next character.
  static func unquoted(_ word: Substring) -> String {
    var out = ""
    var quote: Character? = nil
    var escaped = false
    for character in word {
      if escaped {
        out.append(character)
        escaped = false
      } else if character == "\\" && quote != "'" {
        escaped = true
      } else if let open = quote {
        if character == open { quote = nil } else { out.append(character) }
      } else if character == "\"" || character == "'" {
        quote = character
      } else {
        out.append(character)
      }
    }
    return out
  }

  /// The line's words: split at whitespace outside single and double quotes (a
  /// backslash escapes the next character outside single quotes), kept as written.
  static func words(of line: String) -> [Substring] {
    var words: [Substring] = []
    var start: String.Index? = nil
    var quote: Character? = nil
    var escaped = false
    var index = line.startIndex
    while index < line.endIndex {
      let character = line[index]
      if escaped {
        escaped = false
      } else if character == "\\" && quote != "'" {
        escaped = true
        if start == nil { start = index }
      } else if let open = quote {
        if character == open { quote = nil }
      } else if character.isWhitespace {
        if let begun = start { words.append(line[begun..<index]) }
        start = nil
      } else {
        if start == nil { start = index }
        if character == "\"" || character == "'" { quote = character }
      }
      index = line.index(after: index)
    }
    if let begun = start { words.append(line[begun...]) }
    return words
  }

  static func stages(_ instructions: [Dockerfile.Instruction]) throws(DockerfileError) -> Dockerfile {
    var globals: [String: String] = [:]
    var stages: [Dockerfile.Stage] = []
    for instruction in instructions {
      if instruction.keyword == "FROM" {
        let words = instruction.arguments.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let image = words.first else {
          throw DockerfileError(line: instruction.line, message: "FROM names no image")
        }
        var name: String? = nil
        if words.count >= 3, words[1].lowercased() == "as" { name = words[2].lowercased() }
        stages.append(
          Dockerfile.Stage(
            index: stages.count, name: name, base: Expansion.expand(image, globals), from: instruction,
            instructions: []))
      } else if stages.isEmpty {
        guard instruction.keyword == "ARG" else {
          throw DockerfileError(
            line: instruction.line,
            message: "\(instruction.keyword) before the first FROM (only ARG may come before FROM)")
        }
        for (name, value) in Expansion.declarations(instruction.arguments) { globals[name] = value ?? "" }
      } else {
        stages[stages.count - 1].instructions.append(instruction)
      }
    }
    guard !stages.isEmpty else { throw DockerfileError(line: 1, message: "no FROM: this is not a Dockerfile") }
    return Dockerfile(globalArguments: globals, stages: stages)
  }
}

extension String {
  func trimmingLeadingSpace() -> String { String(drop { $0 == " " || $0 == "\t" }) }
  /// Before a keyword or a comment BuildKit trims any Unicode space (a form feed, a
  /// vertical tab, a no-break space copied from a web page), not only blanks.
  func trimmingLeadingWhitespace() -> String { String(drop { $0.isWhitespace }) }
  func trimmingTrailingSpace() -> String {
    var result = Substring(self)
    while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
    return String(result)
  }
}
