/// What a stage takes from the build context: its `COPY`/`ADD` instructions with
/// their sources and destination, `ARG`/`ENV` expanded and a relative destination
/// resolved against the `WORKDIR` in force, as the builder resolves them.
public struct ContextCopy: Sendable, Equatable {
  public var instruction: Dockerfile.Instruction
  /// Paths or globs relative to the build context (`app/`, `*.py`, `.`).
  public var sources: [String]
  /// Absolute, in the image.
  public var destination: String

  /// The instruction as written on its first line, for messages: `COPY app/ /app`.
  public var text: String {
    "\(instruction.keyword) " + (instruction.flags + [LayerMap.firstLine(instruction.arguments)]).joined(separator: " ")
  }
}

extension Dockerfile.Stage {
  /// The copies from the build context (a `COPY --from=` copies from another stage
  /// or image, not from the context, and is left out).
  public func contextCopies(globalArguments: [String: String]) -> [ContextCopy] {
    var values: [String: String] = [:]
    var workdir = "/"
    var copies: [ContextCopy] = []
    for instruction in instructions {
      switch instruction.keyword {
      case "ARG":
        for (name, value) in Expansion.declarations(instruction.arguments) {
          values[name] = value.map { Expansion.expand($0, values) } ?? globalArguments[name] ?? ""
        }
      case "ENV":
        for (name, value) in Expansion.declarations(instruction.arguments) {
          values[name] = Expansion.expand(value ?? "", values)
        }
      case "WORKDIR":
        let path = Expansion.expand(instruction.arguments.trimmingLeadingSpace().trimmingTrailingSpace(), values)
        workdir = path.hasPrefix("/") ? path : Self.joined(workdir, path)
      case "COPY", "ADD":
        guard !instruction.flags.contains(where: { $0.lowercased().hasPrefix("--from") }) else { continue }
        let words = Expansion.words(LayerMap.firstLine(instruction.arguments).replacingJSONArray())
          .filter { !$0.hasPrefix("<<") }
          .map { Expansion.expand($0, values) }
        guard words.count >= 2, let last = words.last else { continue }
        let destination = last.hasPrefix("/") ? last : Self.joined(workdir, last)
        copies.append(
          ContextCopy(
            instruction: instruction, sources: Array(words.dropLast()),
            destination: destination + (last.hasSuffix("/") && !destination.hasSuffix("/") ? "/" : "")))
      default: break
      }
    }
    return copies
  }

  /// The shell commands of the stage's `RUN` instructions, with their instructions.
  public var runCommands: [Dockerfile.Instruction] { instructions.filter { $0.keyword == "RUN" } }

  static func joined(_ directory: String, _ path: String) -> String {
    let trimmed = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
    if trimmed.isEmpty || trimmed == "." { return directory }
    return (directory.hasSuffix("/") ? directory : directory + "/") + trimmed
  }
}
