import Analysis
import Budgets
import Dockerfile
import Formats
import Foundation
import ImageSource

/// `sizebudget validate`: check budgets.toml and show what it says, then what the
/// latest measurements say about it.
public enum Validate {
  public enum Format: String, Sendable, CaseIterable { case text, json }

  public static func run(in context: CommandContext, format: Format = .text, terminal: TerminalStyle)
    throws(CommandError) -> String
  {
    let budgets = try context.budgets()
    let (baseErrors, baseNotes) = baseProblems(budgets, context)
    let (dockerfileErrors, dockerfileNotes) = dockerfileProblems(budgets, context)
    let errors = baseErrors + dockerfileErrors
    guard errors.isEmpty else { throw .usage(errors.joined(separator: "\n")) }
    let notes = baseNotes + dockerfileNotes + sourceNotes(budgets) + forbidNotes(budgets, context)
    if format == .json { return BudgetSummary.json(budgets, notes: notes) }
    return BudgetSummary.render(budgets, terminal: terminal)
      + (notes.isEmpty ? "" : "\n\n" + terminal.apply(.warning, "notes:") + "\n" + notes.joined(separator: "\n"))
  }

  /// Each `base` must name a branch here or on a remote (as `check` resolves it): a
  /// written one that does not is an error with "did you mean"; the default `main`
  /// that does not is a note. Nothing to say outside a repository.
  static func baseProblems(_ budgets: BudgetFile, _ context: CommandContext) -> (errors: [String], notes: [String]) {
    guard let repository = context.repositoryIfAny else { return ([], []) }
    var errors: [String] = []
    var notes: [String] = []
    var seen: Set<String> = []
    for image in budgets.images {
      let key = image.basePosition.map { "\($0)" } ?? "default"
      guard seen.insert(key).inserted, (try? repository.resolveBranch(image.base)) == nil else { continue }
      let branches = repository.branchNames()
      let hint = Suggestion.closest(to: image.base, among: branches).map { "did you mean \"\($0)\"? " } ?? ""
      let known =
        branches.isEmpty ? "there are no branches yet" : "branches: \(branches.prefix(10).joined(separator: ", "))"
      if let position = image.basePosition {
        errors.append(
          "\(budgets.path):\(position): base \"\(image.base)\" is neither a branch here nor a remote-tracking branch: "
            + "\(hint)\(known) (or fetch it: git fetch origin \(image.base))")
      } else {
        notes.append(
          "  \(budgets.path): base is \"\(image.base)\" by default, which is not a branch here: \(hint)"
            + "set base in [defaults] (\(known))")
      }
    }
    return (errors, notes)
  }

  /// `dockerfile` must name a Dockerfile that exists (in the work tree, from the
  /// repository's root), and `target` one of its stages: otherwise every layer would
  /// silently go unnamed. One that does not parse here is a note (Docker may build
  /// what this parser does not read; check notes it too), and so is `target` without
  /// `dockerfile`, which names nothing.
  static func dockerfileProblems(_ budgets: BudgetFile, _ context: CommandContext)
    -> (errors: [String], notes: [String])
  {
    let root =
      context.repositoryIfAny?.workDirectory.map { URL(fileURLWithPath: $0) }
      ?? URL(fileURLWithPath: budgets.path).deletingLastPathComponent()
    var errors: [String] = []
    var notes: [String] = []
    for image in budgets.images {
      guard let dockerfile = image.dockerfile else {
        if let target = image.target {
          notes.append(
            "  \(budgets.path):\(target.position): target \"\(target.value)\" of [image.\(image.name)] has no "
              + "dockerfile whose stage it could name: add dockerfile = \"PATH\" (from the repository's root), "
              + "or remove target")
        }
        continue
      }
      let at = "\(budgets.path):\(dockerfile.position): dockerfile \"\(dockerfile.value)\" of [image.\(image.name)]"
      let path = root.appendingPathComponent(dockerfile.value).path
      guard let data = FileManager.default.contents(atPath: path) else {
        errors.append("\(at) does not exist (paths are from the repository's root): fix the path, or remove dockerfile")
        continue
      }
      let parsed: Dockerfile
      do { parsed = try DockerfileParser.parse(String(decoding: data, as: UTF8.self)) } catch {
        // Docker may build what this parser does not read: a note, as check notes it.
        notes.append(
          "  \(at) does not parse here: \(dockerfile.value):\(error.line): \(error.message) (its layers "
            + "will not be named by line\(image.target == nil ? "" : ", and target is not checked"))")
        continue
      }
      guard let target = image.target, parsed.stage(target: target.value) == nil else { continue }
      let names = parsed.stages.compactMap(\.name)
      let hint =
        Suggestion.closest(to: target.value.lowercased(), among: names).map { "did you mean \"\($0)\"? " } ?? ""
      let known =
        names.isEmpty ? "its stages have no names (FROM … AS NAME)" : "stages: \(names.joined(separator: ", "))"
      errors.append(
        "\(budgets.path):\(target.position): target \"\(target.value)\" of [image.\(image.name)] names no stage of "
          + "\(dockerfile.value): \(hint)\(known)")
    }
    return (errors, notes)
  }

  /// A local `source` (docker-archive, oci, oci-archive) whose path does not exist,
  /// relative to budgets.toml's directory: it may be built later, so a note.
  static func sourceNotes(_ budgets: BudgetFile) -> [String] {
    let directory = URL(fileURLWithPath: budgets.path).deletingLastPathComponent()
    return budgets.images.compactMap { image in
      guard let source = image.source, let reference = try? ImageReference(parsing: source) else { return nil }
      let path: String
      switch reference {
      case .dockerArchive(let file, _), .ociArchive(let file, _): path = file
      case .ociLayout(let layout, _): path = layout
      default: return nil
      }
      let absolute = path.hasPrefix("/") ? path : directory.appendingPathComponent(path).path
      guard !FileManager.default.fileExists(atPath: absolute) else { return nil }
      let at = image.sourcePosition.map { ":\($0)" } ?? ""
      let build = image.build.map { "build it first (\($0))" } ?? "build it first"
      return
        "  \(budgets.path)\(at): source \"\(source)\" of \(image.name): \(path) does not exist: \(build), or fix the path"
    }
  }

  /// Forbid patterns that, in an image's latest measurement, match only symbolic
  /// links (or only files that weigh nothing): the pattern likely means the files
  /// the links point to. Nothing to say without a repository or a store.
  static func forbidNotes(_ budgets: BudgetFile, _ context: CommandContext) -> [String] {
    guard context.repositoryIfAny != nil, let store = try? context.store() else { return [] }
    var notes: [String] = []
    for budget in budgets.images where !budget.forbid.isEmpty {
      guard let latest = (try? store.summaries(image: budget.name))?.first,
        let measurement = try? store.measurement(image: budget.name, commit: latest.commit)
      else { continue }
      let at = "in the latest measurement of \(budget.name) (\(latest.commit.prefix(12)))"
      for pattern in budget.forbid {
        guard let match = measurement.forbidden.first(where: { $0.pattern == pattern.value.text }), match.files > 0
        else { continue }
        let location = "\(budgets.path):\(pattern.position.line): forbid \"\(match.pattern)\""
        let links = match.examples.filter { $0.symlinkTarget != nil }
        if links.count == match.files {
          let example = links[0]
          notes.append(
            "  \(location) matches only symbolic links \(at), e.g. \(example.path) → \(example.symlinkTarget!): "
              + "they ship their targets' bytes (\(ByteSize.format(match.bytes))); a pattern naming the files "
              + "themselves says what is meant")
        } else if match.bytes == 0 {
          notes.append(
            "  \(location) matches only files that weigh nothing \(at) (empty files, or links from a measurement "
              + "made before links were followed): measure again, or name the files themselves")
        }
      }
    }
    return notes
  }
}
