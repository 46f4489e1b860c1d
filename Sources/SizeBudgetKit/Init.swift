import Analysis
import Budgets
import Foundation
import GitHistory
import ImageSource

/// `sizebudget init`: a first budgets.toml for a repository. It looks at what is there
/// (Dockerfiles, CI configuration), writes one commented `[image.NAME]` per Dockerfile,
/// and, given an image (`--from`), sets its budget from a first measurement: max is
/// the measured size plus headroom, rounded up. It never overwrites a budgets file.
public enum Init {
  public struct Request: Sendable {
    /// An image to measure for the budget (any SOURCE measure takes).
    public var from: String?
    /// Which image `--from` is (default: the only Dockerfile's, else "app").
    public var image: String?
    /// Percent added to the measured size for max.
    public var headroom = 10

    public init() {}
  }

  /// One image to budget: its name, Dockerfile and context.
  struct Candidate: Equatable {
    var name: String
    var dockerfile: String?
    /// Repository paths that change the image: the directory of a `Dockerfile` of its
    /// own; empty (the whole repository) for one at the root or a named one.
    var context: [String]
  }

  public static func run(_ request: Request, in context: CommandContext) throws(CommandError) -> String {
    let repository = try context.repository()
    let path = context.budgetsPath
    if FileManager.default.fileExists(atPath: path) {
      throw .usage(
        "\(Workspace.displayPath(path)) exists: init never overwrites it (sizebudget validate shows what it says; "
          + "move it away to start again)")
    }
    guard (1...1000).contains(request.headroom) else {
      throw .usage("--headroom must be a percentage between 1 and 1000, got \(request.headroom)")
    }
    let root = context.workspace.root
    var candidates = dockerfiles(under: root).map(candidate)
    candidates = uniqueNames(candidates)
    let chosen = try chosenImage(request, candidates)
    if !candidates.contains(where: { $0.name == chosen }) {
      candidates.append(Candidate(name: chosen, dockerfile: nil, context: []))
    }
    var measured: ImageMeasurement? = nil
    if let from = request.from {
      measured = try measure(from, image: chosen, commit: try context.resolveCommit(nil))
    }
    let ci = ciSystems(under: root)
    let text = budgetsText(
      candidates, measured: measured, from: request.from, headroom: request.headroom,
      base: repository.currentBranch() ?? "main", ci: ci)
    do {
      try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
      throw .usage("cannot write \(path): \(error.localizedDescription)")
    }
    return summary(path: path, candidates, measured: measured, from: request.from, ci: ci)
  }

  // MARK: Looking at the repository

  /// Dockerfiles and Containerfiles, by repository path, sorted; hidden directories,
  /// node_modules and vendor are not looked in.
  static func dockerfiles(under root: URL) -> [String] {
    guard
      let walker = FileManager.default.enumerator(
        at: root, includingPropertiesForKeys: [.isDirectoryKey], options: [.skipsHiddenFiles])
    else { return [] }
    var found: [String] = []
    for case let url as URL in walker {
      let name = url.lastPathComponent
      if ["node_modules", "vendor", ".git", "build", "dist"].contains(name) {
        walker.skipDescendants()
        continue
      }
      if isDockerfile(name) {
        found.append(String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1)))
      }
    }
    return found.sorted()
  }

  static func isDockerfile(_ name: String) -> Bool {
    for base in ["Dockerfile", "Containerfile"] {
      if name == base || name.hasPrefix(base + ".") || name.hasSuffix("." + base) { return true }
    }
    return false
  }

  /// `Dockerfile` at the root: the repository's name; `docker/api.Dockerfile`: api;
  /// `Dockerfile.worker`: worker; `services/web/Dockerfile`: web.
  static func candidate(_ path: String) -> Candidate {
    let file = (path as NSString).lastPathComponent
    let directory = (path as NSString).deletingLastPathComponent
    var name: String
    // `Dockerfile` in a directory of its own builds that directory; a named one
    // (`docker/api.Dockerfile`, `Dockerfile.worker`) usually builds the repository root.
    var ownDirectory = false
    if let dot = file.firstIndex(of: "."), file.hasPrefix("Dockerfile.") || file.hasPrefix("Containerfile.") {
      name = String(file[file.index(after: dot)...])
    } else if file.hasSuffix(".Dockerfile") || file.hasSuffix(".Containerfile") {
      name = String(file[..<file.lastIndex(of: ".")!])
    } else {
      name = directory.isEmpty ? "app" : (directory as NSString).lastPathComponent
      ownDirectory = !directory.isEmpty
    }
    let context = ownDirectory ? [directory + "/"] : []
    return Candidate(name: tableName(name), dockerfile: path, context: context)
  }

  /// A name that is a bare TOML key: letters, digits, `-` and `_`.
  static func tableName(_ text: String) -> String {
    let cleaned = String(
      text.lowercased().map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
    return cleaned.isEmpty ? "app" : cleaned
  }

  /// Two Dockerfiles that give the same name: the second is `name-2`, and so on.
  static func uniqueNames(_ candidates: [Candidate]) -> [Candidate] {
    var seen: [String: Int] = [:]
    return candidates.map { candidate in
      var candidate = candidate
      let count = seen[candidate.name, default: 0] + 1
      seen[candidate.name] = count
      if count > 1 { candidate.name += "-\(count)" }
      return candidate
    }
  }

  static func chosenImage(_ request: Request, _ candidates: [Candidate]) throws(CommandError) -> String {
    if let image = request.image {
      guard !image.isEmpty, tableName(image) == image else {
        throw .usage("--image \"\(image)\": use lower-case letters, digits, - and _ (it names [image.\(image)])")
      }
      return image
    }
    if candidates.count <= 1 { return candidates.first?.name ?? "app" }
    guard request.from == nil else {
      throw .usage(
        "--from measures one image; which Dockerfile's? give --image "
          + candidates.map(\.name).joined(separator: " or --image "))
    }
    return candidates[0].name
  }

  /// The CI systems whose configuration is in the repository.
  static func ciSystems(under root: URL) -> [String] {
    let markers: [(String, String)] = [
      (".github/workflows", "GitHub Actions"), (".gitlab-ci.yml", "GitLab CI"), (".gitea/workflows", "Gitea Actions"),
      (".forgejo/workflows", "Forgejo Actions"), (".circleci/config.yml", "CircleCI"), ("Jenkinsfile", "Jenkins"),
      ("bitbucket-pipelines.yml", "Bitbucket Pipelines"), (".woodpecker.yml", "Woodpecker"),
    ]
    return markers.filter { FileManager.default.fileExists(atPath: root.appendingPathComponent($0.0).path) }.map(\.1)
  }

  // MARK: The first measurement

  static func measure(_ source: String, image: String, commit: String) throws(CommandError) -> ImageMeasurement {
    let reference: ImageReference
    do {
      reference = try ImageReference(parsing: source)
    } catch {
      throw .usage("--from: \(error.message)")
    }
    var options = Measurer.Options(image: image, commit: commit)
    options.toolVersion = SizeBudgetVersion.current
    do {
      return try Measurer(options).measure(reference)
    } catch {
      throw .measuring("\(image) from \(reference)", error)
    }
  }

  /// The measured size plus `headroom` percent, rounded up to two significant
  /// digits of its unit: 61.2 MB + 10% is "68 MB".
  static func budget(for bytes: Int64, headroom: Int) -> String {
    let target = Double(bytes) * (1 + Double(headroom) / 100)
    let units: [(String, Double)] = [("GB", 1e9), ("MB", 1e6), ("kB", 1e3)]
    let (unit, scale) = units.first { target >= $0.1 } ?? ("kB", 1e3)
    let value = target / scale
    let step = value >= 100 ? 10.0 : value >= 10 ? 1.0 : 0.1
    let rounded = (value / step).rounded(.up) * step
    let text = step < 1 ? String(format: "%.1f", rounded) : String(Int(rounded))
    return "\(text) \(unit)"
  }

  // MARK: Writing

  static func budgetsText(
    _ candidates: [Candidate], measured: ImageMeasurement?, from: String?, headroom: Int, base: String, ci: [String]
  ) -> String {
    var lines = [
      "# Size budgets for this repository's container images: `sizebudget validate` checks this",
      "# file and prints what it says; README \"budgets.toml\" lists every key.",
      "",
      "[defaults]",
      "metric = \"compressed\"   # what a pull transfers; or \"uncompressed\" (on disk)",
      "base = \"\(base)\"   # growth is judged against the merge-base with this branch",
      "# Uncomment once main's images are measured (the CI job on main does it); until then",
      "# growth has no base and check exits 3 for it:",
      "# max_growth = \"+10%\"   # a pull request may grow an image by at most this much",
    ]
    for candidate in candidates {
      lines.append("")
      if let dockerfile = candidate.dockerfile {
        lines.append("# Built from \(dockerfile).")
      }
      lines.append("[image.\(candidate.name)]")
      if let dockerfile = candidate.dockerfile {
        lines.append("dockerfile = \"\(dockerfile)\"   # names layers by their Dockerfile lines")
        if candidate.context.isEmpty {
          lines.append("# context = [\"app/\"]   # the paths that can change the image (default: the whole repository)")
        } else {
          let paths = candidate.context.map { "\"\($0)\"" }.joined(separator: ", ")
          lines.append("context = [\(paths)]   # commits touching nothing here cannot change the image")
        }
        let tag = "sizebudget-\(candidate.name)"
        let directory = candidate.context.first.map { String($0.dropLast()) } ?? "."
        lines.append("# How bisect builds a commit that has no measurement (it must leave a docker-archive at")
        lines.append("# $SIZEBUDGET_OUTPUT); uncomment when docker is on the machine that bisects:")
        lines.append(
          "# build = \"docker build -q -f \(dockerfile) -t \(tag) \(directory) && docker save \(tag) -o $SIZEBUDGET_OUTPUT\""
        )
        lines.append("# source = \"docker-daemon:\(tag):latest\"   # what `sizebudget measure` reads by default")
      }
      if let measured, measured.image == candidate.name {
        let max = budget(for: measured.compressedBytes, headroom: headroom)
        let estimated = measured.compressedEstimated ? " (estimated: the image's layers are stored uncompressed)" : ""
        lines.append(
          "max = \"\(max)\"   # measured \(ByteSize.format(measured.compressedBytes)) compressed\(estimated) from \(from ?? "the image") + \(headroom)%"
        )
        lines.append(
          "# warn = \"\(budget(for: measured.compressedBytes, headroom: max2(headroom / 2)))\"   # a warning first, before max fails the gate"
        )
      } else {
        lines.append("# max = \"200 MB\"   # set it from a first measurement: sizebudget init --from IMAGE does")
      }
      lines.append("# forbid = [\"/usr/lib/gcc/**\", \"/root/.cache/pip/**\"]   # files that must never ship")
    }
    if !ci.isEmpty {
      lines.append("")
      lines.append("# CI found: \(ci.joined(separator: ", ")). docs/ci.md has the job that measures after the image")
      lines.append("# build and runs `sizebudget check --sync` as the gate.")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private static func max2(_ value: Int) -> Int { Swift.max(1, value) }

  static func summary(
    path: String, _ candidates: [Candidate], measured: ImageMeasurement?, from: String?, ci: [String]
  ) -> String {
    var out = ["wrote \(Workspace.displayPath(path)): \(counted(candidates.count, "image")) ("]
    out[0] +=
      candidates.map { c in c.dockerfile.map { "\(c.name) from \($0)" } ?? c.name }.joined(separator: ", ") + ")"
    if let measured {
      out.append(
        "  \(measured.image): \(ByteSize.format(measured.compressedBytes)) compressed, "
          + "\(ByteSize.format(measured.uncompressedBytes)) uncompressed, measured from \(from ?? "")")
    }
    if !ci.isEmpty { out.append("  CI: \(ci.joined(separator: ", ")) (docs/ci.md has the job)") }
    let first = candidates.first { $0.name == measured?.image } ?? candidates[0]
    let source = from ?? "docker-archive:\(first.name).tar"
    let only = candidates.count == 1 ? "" : " --image \(first.name)"
    out += [
      "",
      "Next: commit budgets.toml (git add budgets.toml && git commit -m 'Size budgets'), build the image, then",
      "  sizebudget measure \(source)\(only)",
      "  sizebudget check",
      "  sizebudget hook install",
      "to record the image against HEAD, judge HEAD against the budgets (exit 1 when over), and check before every push.",
    ]
    return out.joined(separator: "\n")
  }
}
