/// Which instruction of a stage made each layer of an image built from it, by the
/// layer's history (`created_by`) against the instructions: RUN by its command,
/// COPY/ADD by keyword and destination, in order from the last layer back. Only an
/// exact match maps a layer; the base image's layers, and any layer whose command no
/// instruction has, stay unmatched rather than guessed.
public enum LayerMap {
  /// What a `created_by` says was done, in the forms builders write:
  /// * buildah and the classic builder: `/bin/sh -c CMD`, `|2 A=1 B=2 /bin/sh -c CMD`
  ///   (build arguments first), `/bin/sh -c #(nop) COPY dir:HASH in DEST `;
  /// * BuildKit: `RUN /bin/sh -c CMD # buildkit`, `COPY SRC… DEST # buildkit`,
  ///   `WORKDIR /srv` (a layer when it creates the directory).
  enum Made: Equatable {
    case run(String)
    case copy(keyword: String, destination: String)
    case workdir(String)
  }

  static func made(_ createdBy: String) -> Made? {
    var text = createdBy.trimmingTrailingSpace()
    let buildkit = text.hasSuffix("# buildkit")
    if buildkit { text = String(text.dropLast("# buildkit".count)).trimmingTrailingSpace() }
    let nop = "/bin/sh -c #(nop) "
    if text.hasPrefix(nop) {
      let rest = String(text.dropFirst(nop.count)).trimmingLeadingSpace()
      let keyword = rest.prefix { !$0.isWhitespace }.uppercased()
      guard keyword == "COPY" || keyword == "ADD", let range = rest.ranges(of: " in ").last else {
        return nil
      }
      return .copy(keyword: keyword, destination: String(rest[range.upperBound...]).trimmingTrailingSpace())
    }
    let keyword = text.prefix { !$0.isWhitespace }.uppercased()
    if buildkit || keyword == "COPY" || keyword == "ADD" || keyword == "WORKDIR" {
      let rest = String(text.dropFirst(keyword.count)).trimmingLeadingSpace()
      switch keyword {
      case "RUN": return .run(rest)
      case "COPY", "ADD":
        let words = Expansion.words(firstLine(rest)).filter { !$0.hasPrefix("--") }
        return words.last.map { .copy(keyword: keyword, destination: $0) }
      case "WORKDIR": return .workdir(rest)
      default: return nil
      }
    }
    return .run(text)
  }

  /// For each layer index, the instruction of `stage` that made it; unmatched layers
  /// are absent.
  public static func map(
    layers: [(index: Int, createdBy: String?)], stage: Dockerfile.Stage, in dockerfile: Dockerfile
  ) -> [Int: Dockerfile.Instruction] {
    let candidates = expandedCandidates(stage, dockerfile)
    var result: [Int: Dockerfile.Instruction] = [:]
    var cursor = candidates.count
    for layer in layers.reversed() {
      guard let createdBy = layer.createdBy, let made = made(createdBy) else { continue }
      // The next candidate back must match; only WORKDIR may have made no layer.
      var index = cursor - 1
      while index >= 0 {
        let candidate = candidates[index]
        if matches(candidate, made) {
          result[layer.index] = candidate.instruction
          cursor = index
          break
        }
        // The same kind of instruction with other text: edited since the build. The
        // layer stays unmatched, the instruction is used up, so earlier layers can
        // still match theirs exactly.
        if sameKind(candidate, made) {
          cursor = index
          break
        }
        guard candidate.instruction.keyword == "WORKDIR" else { break }
        index -= 1
      }
    }
    return result
  }

  struct Candidate {
    var instruction: Dockerfile.Instruction
    /// COPY/ADD's destination and WORKDIR's path, ARG and ENV expanded.
    var destination: String?
  }

  /// The stage's RUN, COPY, ADD and WORKDIR, with destinations expanded by the ARG
  /// and ENV values in force at each (build arguments given on the command line are
  /// not known: defaults only).
  static func expandedCandidates(_ stage: Dockerfile.Stage, _ dockerfile: Dockerfile) -> [Candidate] {
    var values: [String: String] = [:]
    var candidates: [Candidate] = []
    for instruction in stage.instructions {
      switch instruction.keyword {
      case "ARG":
        for (name, value) in Expansion.declarations(instruction.arguments) {
          values[name] = value.map { Expansion.expand($0, values) } ?? dockerfile.globalArguments[name] ?? ""
        }
      case "ENV":
        for (name, value) in Expansion.declarations(instruction.arguments) {
          values[name] = Expansion.expand(value ?? "", values)
        }
      case "RUN": candidates.append(Candidate(instruction: instruction, destination: nil))
      case "COPY", "ADD":
        let words = Expansion.words(firstLine(instruction.arguments).replacingJSONArray())
        candidates.append(
          Candidate(instruction: instruction, destination: words.last.map { Expansion.expand($0, values) }))
      case "WORKDIR":
        candidates.append(
          Candidate(instruction: instruction, destination: Expansion.expand(instruction.arguments, values)))
      default: break
      }
    }
    return candidates
  }

  static func matches(_ candidate: Candidate, _ made: Made) -> Bool {
    let instruction = candidate.instruction
    switch made {
    case .run(let command):
      guard instruction.keyword == "RUN" else { return false }
      let recorded = collapsed(command)
      // The recorded command ends with the written one, after a shell (`/bin/sh -c`,
      // a SHELL's) and build arguments (`|2 A=1 B=2`).
      return ([instruction.arguments.replacingJSONArray()] + heredocForms(instruction.arguments)).contains {
        let written = collapsed($0)
        return recorded == written || recorded.hasSuffix(" " + written)
      }
    case .copy(let keyword, let destination):
      guard instruction.keyword == keyword, let expected = candidate.destination else { return false }
      return sameDirectory(expected, destination)
    case .workdir(let path):
      return instruction.keyword == "WORKDIR" && candidate.destination.map { sameDirectory($0, path) } == true
    }
  }

  /// What builders record for a RUN with heredocs, which is not the text written.
  /// buildah records the first line and each trimmed body without its closing word
  /// (`/bin/sh -c <<EOF\nBODY`, `/bin/sh -c python3 <<EOF\nBODY`). BuildKit records a
  /// heredoc fed to a command as written, but runs a RUN that is one heredoc alone
  /// (`RUN <<EOF`, the script's lines, `EOF`) by its body (`RUN /bin/sh -c BODY #
  /// buildkit`), or, when the body starts with `#!`, as a file
  /// (`/bin/sh -c /dev/pipes/EOF`).
  static func heredocForms(_ arguments: String) -> [String] {
    let lines = arguments.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard lines.count >= 2, let first = lines.first else { return [] }
    let heredocs = DockerfileParser.heredocs(in: first)
    guard !heredocs.isEmpty else { return [] }
    // A body's line is never its closing word: that line ended it.
    let closing = Set(heredocs.map(\.word))
    let buildah = ([first] + lines.dropFirst().filter { !closing.contains($0) }).joined(separator: "\n")
    // `<<EOF`, `<<-EOF`, `<<"EOF"` alone on the first line.
    let words = first.split(whereSeparator: \.isWhitespace)
    guard heredocs.count == 1, let word = heredocs.first?.word, words.count == 1, words[0].hasPrefix("<<") else {
      return [buildah]
    }
    let body = lines.dropFirst().dropLast().joined(separator: "\n")
    return [buildah, body.hasPrefix("#!") ? "/dev/pipes/" + word : body]
  }

  static func sameKind(_ candidate: Candidate, _ made: Made) -> Bool {
    switch made {
    case .run: candidate.instruction.keyword == "RUN"
    case .copy(let keyword, _): candidate.instruction.keyword == keyword
    case .workdir: false
    }
  }

  static func collapsed(_ text: String) -> String {
    text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
  }

  static func sameDirectory(_ a: String, _ b: String) -> Bool {
    func trimmed(_ path: String) -> Substring {
      var path = Substring(path)
      while path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
      return path
    }
    return trimmed(a) == trimmed(b)
  }

  static func firstLine(_ text: String) -> String { String(text.prefix { $0 != "\n" }) }
}

extension String {
  /// The exec form `["a", "b c"]` as its words (`a "b c"`); other text unchanged.
  func replacingJSONArray() -> String {
    let trimmed = trimmingLeadingSpace().trimmingTrailingSpace()
    guard trimmed.hasPrefix("["), trimmed.hasSuffix("]") else { return self }
    return trimmed.dropFirst().dropLast().split(separator: ",").map {
      let word = $0.trimmingCharactersInSpace()
      return word.hasPrefix("\"") && word.hasSuffix("\"") && word.count >= 2
        ? String(word.dropFirst().dropLast()) : word
    }.joined(separator: " ")
  }

  fileprivate func trimmingCharactersInSpace() -> String { trimmingLeadingSpace().trimmingTrailingSpace() }
}

extension Substring {
  fileprivate func trimmingCharactersInSpace() -> String { String(self).trimmingLeadingSpace().trimmingTrailingSpace() }
}
