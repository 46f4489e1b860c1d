/// A Dockerfile parsed far enough to name the line behind each layer: instructions
/// with their lines, continuation lines joined, heredocs read, stages (`FROM … AS`)
/// apart, and `ARG`/`ENV` values known for expansion. It does not build anything.
public struct Dockerfile: Sendable, Equatable {
  public struct Instruction: Sendable, Equatable {
    /// Upper-cased: `RUN`, `COPY`.
    public var keyword: String
    /// `--from=build`, `--chown=…`: leading flags, as written.
    public var flags: [String]
    /// The rest, continuation lines joined as the builder joins them (the escape
    /// character and the line break removed), heredoc bodies appended after a line
    /// break each.
    public var arguments: String
    /// 1-based, of the keyword; `endLine` is the last line it spans (heredocs included).
    public var line: Int
    public var endLine: Int
  }

  public struct Stage: Sendable, Equatable {
    /// 0-based, in file order.
    public var index: Int
    /// `AS name`, lower-cased as the builder compares it.
    public var name: String?
    /// The `FROM` image, `ARG`s expanded.
    public var base: String
    public var from: Instruction
    /// The instructions after `FROM`, up to the next `FROM`.
    public var instructions: [Instruction]
  }

  /// `ARG`s before the first `FROM` (usable in `FROM` lines only).
  public var globalArguments: [String: String]
  public var stages: [Stage]

  /// The stage `--target` names, or the last one.
  public func stage(target: String?) -> Stage? {
    guard let target else { return stages.last }
    return stages.first { $0.name == target.lowercased() }
  }
}

public struct DockerfileError: Error, Sendable, Equatable, CustomStringConvertible {
  public var line: Int
  public var message: String
  public var description: String { "line \(line): \(message)" }
}
