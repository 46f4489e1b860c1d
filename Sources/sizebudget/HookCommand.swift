import ArgumentParser
import Formats
import SizeBudgetKit
import SystemCalls

struct HookCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hook",
    abstract: "Install and run the git pre-push hook.",
    subcommands: [Install.self, PrePush.self])

  struct Install: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Install the pre-push hook (respects core.hooksPath; never replaces another hook without --force).")

    @Flag(help: "Replace an existing pre-push hook that is not sizebudget's.")
    var force = false

    @OptionGroup var options: ContextOptions

    func run() throws { print(try Hook.install(force: force, in: options.context())) }
  }

  struct PrePush: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "pre-push",
      abstract: "Run by git before a push: reads git's pre-push lines on standard input.")

    @Argument(help: "The remote's name, as git passes it.")
    var remote: String?

    @Argument(help: "The remote's URL, as git passes it.")
    var url: String?

    @OptionGroup var options: ContextOptions

    func run() throws { try Self.judge(remote: remote, in: options.context()) }

    /// git runs the hook on every push, always as `hook pre-push REMOTE URL`: those
    /// arguments are read here, without ArgumentParser, whose command tree is built by
    /// reflection over every command and option (a third of the hook's start-up).
    /// nil for anything else (an option, --help), which goes through the parser.
    static func fromGit(_ arguments: [String]) -> (() throws -> Void)? {
      guard arguments.count <= 4, arguments.starts(with: ["hook", "pre-push"]),
        !arguments.dropFirst(2).contains(where: { $0.hasPrefix("-") })
      else { return nil }
      let remote = arguments.dropFirst(2).first
      return { try judge(remote: remote, in: CommandContext()) }
    }

    static func judge(remote: String?, in context: CommandContext) throws {
      var input: [UInt8] = []
      var chunk = [UInt8](repeating: 0, count: 4096)
      while true {
        let count = read(0, &chunk, chunk.count)
        if count <= 0 { break }
        input += chunk[0..<count]
      }
      let (output, status) = try Hook.prePush(
        remote: remote, input: String(decoding: input, as: UTF8.self), in: context, terminal: .forDescriptor(2))
      // git shows a hook's standard error to the person pushing.
      if !output.isEmpty { printError(output) }
      if status != 0 { throw ExitCode(status) }
    }
  }
}
