import ArgumentParser
import SizeBudgetKit

struct SyncCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sync",
    abstract: "Share measurements through git notes: fetch, merge, import, push.",
    discussion: """
      Every measurement is also a note on its commit under refs/notes/sizebudget. sync fetches \
      the remote's notes, merges them with this clone's (the newer measurement of a commit and \
      image wins), imports what is new into the store, adds what only the store had, and \
      pushes; a push rejected because another runner pushed first is retried after a fresh \
      fetch, with backoff; after --attempts refusals the notes go to an inbox ref of their own \
      (refs/notes/sizebudget-inbox/*), which the next sync folds in. --rebuild empties \
      the store and fills it from the notes alone.
      """)

  @Option(help: "The remote (default: origin, else the clone's only remote).")
  var remote: String?

  @Flag(help: "Fetch and import only; push nothing.")
  var noPush = false

  @Flag(help: "Rebuild the store from the notes alone.")
  var rebuild = false

  @Option(help: "Push attempts before the notes go to an inbox ref of their own.")
  var attempts = 20

  @OptionGroup var options: ContextOptions

  func run() throws {
    var request = Sync.Request()
    request.remote = remote
    request.push = !noPush
    request.rebuild = rebuild
    request.attempts = attempts
    print(try Sync.run(request, in: options.context()))
  }
}
