import Budgets
import Evaluation
import Formats
import Foundation
import GitHistory
import Store

/// The git pre-push hook: `hooks/pre-push` calls `sizebudget hook pre-push`, which
/// judges the measured commits being pushed and refuses the push when one breaks a
/// budget. It runs on every push, so it opens the repository and the store once and
/// asks the store only about the pushed commits.
public enum Hook {
  static let zero = String(repeating: "0", count: 40)
  static let bypass = "to push anyway: git push --no-verify (or SIZEBUDGET_SKIP=1 git push)"
  /// A new branch's commits are those no remote branch has; at most this many are looked at.
  static let newBranchLimit = 1_000

  /// One line of git's pre-push input: `<local ref> <local oid> <remote ref> <remote oid>`.
  struct PushedRef {
    var localRef: String
    var localOID: String
    var remoteRef: String
    var remoteOID: String
  }

  public static func prePush(remote: String?, input: String, in context: CommandContext, terminal: TerminalStyle)
    throws(CommandError) -> (String, Int32)
  {
    if let skip = ProcessInfo.processInfo.environment["SIZEBUDGET_SKIP"], !skip.isEmpty, skip != "0" {
      return ("sizebudget: SIZEBUDGET_SKIP is set: sizes not checked", 0)
    }
    guard FileManager.default.fileExists(atPath: context.budgetsPath) else {
      return ("sizebudget: no budgets.toml: nothing to check", 0)
    }
    let refs = try parse(input)
    let budgets = try context.budgets()
    let repository = try context.repository()
    var pushed: [String] = []
    for ref in refs where ref.localOID != zero {
      pushed += try commits(of: ref, remote: remote, repository)
    }
    guard !pushed.isEmpty else { return ("", 0) }
    let measured: [String: Set<String>]
    let store = try context.store()
    do {
      measured = Dictionary(grouping: try store.summaries(commits: pushed), by: \.image)
        .mapValues { Set($0.map(\.commit)) }
    } catch {
      throw .usage(error.message)
    }
    // Per image, the newest pushed commit that has a measurement is what gets judged.
    var reports: [CheckReport] = []
    for budget in budgets.images {
      guard let commits = measured[budget.name], let newest = pushed.first(where: commits.contains) else { continue }
      reports.append(try Check.evaluate(commit: newest, images: [budget], context, revision: newest))
    }
    guard !reports.isEmpty else {
      return ("sizebudget: none of the \(pushed.count) pushed commits is measured: nothing to check", 0)
    }
    let broken = reports.filter(\.isBroken)
    guard broken.isEmpty else {
      let details = broken.map { CheckText.render($0, terminal: terminal) }.joined(separator: "\n\n")
      return (
        details + "\n\n" + terminal.apply(.bad, "sizebudget: push refused: a budget is broken.") + " " + bypass, 1
      )
    }
    let summary = reports.flatMap(\.images).map {
      "\($0.image) \(ByteSize.format($0.size)) \($0.verdict.headline)"
    }
    return (
      "sizebudget: \(pushed.count) pushed commit\(pushed.count == 1 ? "" : "s") checked: "
        + summary.joined(separator: ", "), 0
    )
  }

  static func parse(_ input: String) throws(CommandError) -> [PushedRef] {
    var refs: [PushedRef] = []
    for line in input.split(whereSeparator: \.isNewline) {
      let fields = line.split(separator: " ").map(String.init)
      if fields.isEmpty { continue }
      guard fields.count == 4, fields[1].count == 40, fields[3].count == 40 else {
        throw .usage(
          "unexpected pre-push input \"\(line)\": expected <local ref> <local oid> <remote ref> <remote oid>")
      }
      refs.append(PushedRef(localRef: fields[0], localOID: fields[1], remoteRef: fields[2], remoteOID: fields[3]))
    }
    return refs
  }

  /// The commits a ref update sends: those after the remote's old value, or for a new
  /// branch those on no remote-tracking branch of that remote.
  static func commits(of ref: PushedRef, remote: String?, _ repository: Repository) throws(CommandError) -> [String] {
    guard let local = ObjectID(hex: ref.localOID) else { return [] }
    var exclude: [ObjectID] = []
    var limit = Int.max
    if ref.remoteOID != zero, let old = ObjectID(hex: ref.remoteOID), repository.contains(old) {
      exclude = [old]
    } else {
      exclude = repository.remoteTrackingTips(remote: remote)
      limit = newBranchLimit
    }
    var commits: [String] = []
    do {
      try repository.walk(RevisionRange(include: [local], exclude: exclude, text: ref.localRef)) { id in
        commits.append(id.hex)
        return commits.count < limit
      }
    } catch {
      throw .usage("cannot list the commits pushed to \(ref.remoteRef): \(error)")
    }
    return commits
  }

  // MARK: Installing

  /// The script `hook install` writes, with `installed=''` filled in by `script(installedAt:)`;
  /// the repository's hooks/pre-push is this template.
  public static let template = """
    #!/bin/sh
    # sizebudget pre-push hook (installed by `sizebudget hook install`).
    # Refuses a push whose measured commits break budgets.toml.
    # To push anyway: git push --no-verify, or SIZEBUDGET_SKIP=1 git push.
    # The sizebudget that installed this hook, used when none is on PATH
    # (an unpacked release archive, a CI tool cache).
    installed=''
    sizebudget=${SIZEBUDGET_BIN:-sizebudget}
    if ! command -v "$sizebudget" >/dev/null 2>&1; then
      if [ -n "$installed" ] && [ -x "$installed" ]; then
        sizebudget=$installed
      else
        echo "sizebudget: not found on PATH; sizes not checked" >&2
        exit 0
      fi
    fi
    exec "$sizebudget" hook pre-push "$@"

    """

  /// The hook for a sizebudget at `executable` (an absolute path): PATH and
  /// SIZEBUDGET_BIN still come first, so an upgrade on PATH is what runs.
  public static func script(installedAt executable: String?) -> String {
    guard let executable else { return template }
    // Single-quoted for sh: a quote inside the path closes, escapes and reopens.
    let quoted = "'" + executable.replacingOccurrences(of: "'", with: "'\\''") + "'"
    return template.replacingOccurrences(of: "installed=''", with: "installed=\(quoted)")
  }

  /// The absolute path of the running binary (symbolic links resolved), or nil when
  /// the system does not say.
  static var runningExecutable: String? {
    guard let path = Bundle.main.executablePath, path.hasPrefix("/") else { return nil }
    return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
  }

  public static func install(force: Bool, in context: CommandContext) throws(CommandError) -> String {
    let repository = try context.repository()
    guard let directory = repository.hooksDirectory else {
      throw .usage("cannot find the hooks directory of this repository")
    }
    let path = directory + "pre-push"
    let fileManager = FileManager.default
    let script = script(installedAt: runningExecutable)
    if let existing = fileManager.contents(atPath: path) {
      let text = String(decoding: existing, as: UTF8.self)
      if text == script { return "sizebudget: the pre-push hook is already installed at \(path)" }
      // Earlier versions' hooks carry the same first comment line.
      let ours = text.contains("sizebudget hook pre-push") || text.contains("# sizebudget pre-push hook")
      if !force && !ours {
        throw .usage(
          "\(path) exists and is not sizebudget's: keep it and add the line `sizebudget hook pre-push \"$@\" || exit 1` "
            + "to it, or replace it with sizebudget hook install --force")
      }
    }
    do {
      try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
      try script.write(toFile: path, atomically: true, encoding: .utf8)
      try fileManager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    } catch {
      throw .usage("cannot write \(path): \(error.localizedDescription)")
    }
    return "sizebudget: installed the pre-push hook at \(path)"
  }
}
