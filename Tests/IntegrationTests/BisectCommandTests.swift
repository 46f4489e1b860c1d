import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `sizebudget bisect` on real repositories whose commits build real OCI layouts
/// (scripts/build-oci.sh: tar, gzip, sha256sum).
@Suite struct BisectCommandTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// `count` commits after an initial one; every 4th touches app/, commit `culprit`
  /// adds 3 MB of incompressible bytes to app/; `extra` files per commit number.
  func history(count: Int = 24, culprit: Int? = 13, extra: [Int: [String: String]] = [:]) throws -> GitRepository {
    let repo = try GitRepository()
    let script = try String(contentsOf: Self.root.appendingPathComponent("scripts/build-oci.sh"), encoding: .utf8)
    try repo.commit(
      "initial",
      files: [
        "build.sh": script, "app/main.py": "print('hi')\n",
        "budgets.toml": "[image.app]\ncontext = [\"app/\"]\nbuild = \"sh build.sh\"\nmax = \"2 MB\"\n",
      ])
    var generator = SystemRandomNumberGenerator()
    for number in 1...count {
      var files = extra[number] ?? [:]
      if number == culprit {
        let bytes = (0..<3_000_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try Data(bytes).write(to: repo.url.appendingPathComponent("app/model.bin"))
      } else if number % 4 == 0 {
        files["app/module\(number).py"] = "VALUE = \(number)\n"
      } else {
        files["docs/page\(number).md"] = "docs \(number)\n"
      }
      try repo.commit("commit \(number)", files: files)
    }
    return repo
  }

  func bisect(_ repo: GitRepository, _ arguments: [String] = [], counting file: URL? = nil) throws -> CLI.Result {
    var environment: [String: String] = [:]
    if let file { environment["BUILD_COUNT_FILE"] = file.path }
    return try CLI.run(
      ["bisect", "HEAD~24..HEAD", "--image", "app"] + arguments, in: repo.url, environment: environment)
  }

  func builds(_ file: URL) -> [String] {
    ((try? String(contentsOf: file, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
  }

  func oid(_ repo: GitRepository, _ revision: String) throws -> String {
    try repo.git(["rev-parse", revision]).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  @Test func findsTheCulpritBuildingOnlyContextCommits() throws {
    let repo = try history()
    let counter = repo.url.appendingPathComponent("builds.txt")
    let result = try bisect(repo, counting: counter)
    #expect(result.status == 0, "\(result.stderr)")
    let culprit = try oid(repo, "HEAD~11")
    #expect(result.stdout.contains("culprit \(culprit.prefix(12))"))
    #expect(result.stdout.contains("\"commit 13\""))
    #expect(result.stdout.contains("context  app/model.bin"))
    #expect(result.stdout.contains("+3 MB      uncompressed  /app/model.bin"))
    let built = builds(counter)
    #expect(built.count == 2, "\(built)")
    for commit in built {
      let changed = try repo.git(["show", "--name-only", "--format=", commit])
      #expect(changed.contains("app/"), "built \(commit), which does not touch app/")
    }
    // A second bisect over the same range builds nothing: the store knows.
    try? FileManager.default.removeItem(at: counter)
    let again = try bisect(repo, counting: counter)
    #expect(again.stdout.contains("culprit \(culprit.prefix(12))"))
    #expect(builds(counter).isEmpty)

    // The PR comment names the culprit, its author and date, and what grew.
    let markdown = try bisect(repo, ["--format", "markdown"])
    #expect(markdown.stdout.hasPrefix("<!-- sizebudget:bisect:app -->"))
    #expect(markdown.stdout.contains("### 🔎 `app`: \(culprit.prefix(12)) grew it +3 MB"), "\(markdown.stdout)")
    let date = try repo.git(["show", "-s", "--format=%ad", "--date=short", culprit])
      .trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(markdown.stdout.contains("**commit 13** by "))
    #expect(markdown.stdout.contains(", \(date): "))
    #expect(markdown.stdout.contains("| `/app/model.bin` | +3 MB uncompressed |"))
    let junit = try bisect(repo, ["--format", "junit"])
    #expect(junit.status == 2, "\(junit.stderr)")
    #expect(junit.stderr.contains("Please provide one of 'text', 'json' or 'markdown'"), "\(junit.stderr)")
  }

  /// The result goes out as a signed `sizebudget.bisect` event whose comment is the
  /// Markdown of `--format markdown`.
  @Test func theResultGoesToTheWebhook() throws {
    let repo = try history()
    let secret = "whsec_" + Data((0..<24).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
    let receiver = try WebhookReceiver(secret: secret)
    let config = repo.url.appendingPathComponent("notify.toml")
    try """
    [image.app]
    context = ["app/"]
    build = "sh build.sh"
    max = "2 MB"

    [notify]
    webhook = "\(receiver.url)"
    secret_env = "TEST_WEBHOOK_SECRET"
    on = ["bisect"]
    """.write(to: config, atomically: true, encoding: .utf8)
    let result = try CLI.run(
      ["bisect", "HEAD~24..HEAD", "--image", "app", "--config", config.path], in: repo.url,
      environment: ["TEST_WEBHOOK_SECRET": secret])
    #expect(result.status == 0, "\(result.stderr)")
    let received = receiver.received()
    try #require(received.count == 1, "\(result.stderr)")
    #expect(received[0].verified == true)
    #expect(received[0].type == "sizebudget.bisect")
    let event = try #require(try JSONSerialization.jsonObject(with: Data(received[0].body.utf8)) as? [String: Any])
    let data = try #require(event["data"] as? [String: Any])
    #expect(data["schema"] as? String == "sizebudget.bisect/v1")
    #expect(data["outcome"] as? String == "culprit")
    let culprit = try oid(repo, "HEAD~11")
    #expect(((data["culprit"] as? [String: Any])?["commit"] as? [String: Any])?["id"] as? String == culprit)
    #expect((data["comment"] as? String)?.hasPrefix("<!-- sizebudget:bisect:app -->") == true)
  }

  @Test func usesPartialMeasurements() throws {
    let repo = try history()
    // Measure every other context commit beforehand.
    let scratch = try TemporaryDirectory()
    for commit in try ["HEAD~24", "HEAD~20", "HEAD~12", "HEAD~4"].map({ try oid(repo, $0) }) {
      let output = scratch.url.appendingPathComponent(commit)
      try repo.git(["checkout", "-q", commit])
      _ = try CLI.run(
        ["-c", "SIZEBUDGET_OUTPUT=\(output.path) sh build.sh"], product: "/bin/sh", in: repo.url)
      let measured = try CLI.run(["measure", "oci:\(output.path)", "--image", "app", "--commit", commit], in: repo.url)
      #expect(measured.status == 0, "\(measured.stderr)")
    }
    try repo.git(["checkout", "-q", "main"])
    let counter = repo.url.appendingPathComponent("builds.txt")
    let result = try bisect(repo, counting: counter)
    #expect(result.stdout.contains("culprit \(try oid(repo, "HEAD~11").prefix(12))"), "\(result.stdout)")
    #expect(builds(counter).count <= 1)
  }

  /// The culprit's size known only from a later commit outside the context (it
  /// inherits the culprit's size): before/after come from the search's sizes, and
  /// what grew is the diff of the measurements those sizes came from (issue 13, item 4).
  @Test func aCulpritSizedFromALaterCommitShowsItsSizesAndWhatGrew() throws {
    let repo = try history()
    let scratch = try TemporaryDirectory()
    // HEAD~12 is commit 12 (context, before the culprit), HEAD~10 is commit 14 (docs only).
    for commit in try ["HEAD~12", "HEAD~10"].map({ try oid(repo, $0) }) {
      let output = scratch.url.appendingPathComponent(commit)
      try repo.git(["checkout", "-q", commit])
      _ = try CLI.run(["-c", "SIZEBUDGET_OUTPUT=\(output.path) sh build.sh"], product: "/bin/sh", in: repo.url)
      let measured = try CLI.run(["measure", "oci:\(output.path)", "--image", "app", "--commit", commit], in: repo.url)
      #expect(measured.status == 0, "\(measured.stderr)")
    }
    try repo.git(["checkout", "-q", "main"])
    let counter = repo.url.appendingPathComponent("builds.txt")
    let result = try bisect(repo, ["--format", "json"], counting: counter)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(builds(counter).isEmpty, "the store knew every size needed")
    let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let culprit = try #require(document["culprit"] as? [String: Any], "\(result.stdout)")
    #expect((culprit["commit"] as? [String: Any])?["id"] as? String == (try oid(repo, "HEAD~11")))
    let before = try #require(culprit["size_before"] as? Int)
    let after = try #require(culprit["size_after"] as? Int)
    #expect(before > 0 && before < 100_000, "\(before)")
    #expect(after > 3_000_000, "\(after)")
    let diff = try #require(culprit["diff"] as? [String: Any], "the what-grew diff is missing")
    #expect(String(describing: diff).contains("/app/model.bin"), "\(diff)")
    let text = try bisect(repo)
    #expect(text.stdout.contains("+3 MB      uncompressed  /app/model.bin"), "\(text.stdout)")
  }
  @Test func skippedCommitsCanHideTheCulprit() throws {
    let repo = try history(culprit: 14, extra: [12: ["SKIP_BUILD": "1"], 14: ["SKIP_BUILD": ""]])
    let result = try bisect(repo)
    #expect(result.status == 6, "undetermined: \(result.stderr)")
    #expect(result.stdout.contains("Skipped or failed builds hide the culprit; it is one of:"), "\(result.stdout)")
  }

  @Test func buildFailuresShowTheirLastLines() throws {
    let repo = try history(culprit: 13, extra: [12: ["BREAK_BUILD": "1"]])
    let result = try bisect(repo)
    // BREAK_BUILD stays in every commit after 12: the build fails the same way each time.
    #expect(result.status == 7, "builds failing: \(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("| error: BREAK_BUILD is present, the build fails"), "\(result.stdout)")
  }

  @Test func aRangeWhereNothingGrewSaysSo() throws {
    let repo = try history(culprit: nil)
    let result = try bisect(repo)
    #expect(result.status == 5, "nothing grew: \(result.stderr)")
    #expect(result.stdout.contains("Nothing in HEAD~24..HEAD breaks the rule"), "\(result.stdout)")
  }

  @Test func aRangeWithMergesFollowsTheFirstParent() throws {
    let repo = try history(count: 8, culprit: nil)
    try repo.git(["checkout", "-q", "-b", "feature", "HEAD~3"])
    let bytes = (0..<3_000_000).map { _ in UInt8.random(in: 0...255) }
    try Data(bytes).write(to: repo.url.appendingPathComponent("app/model.bin"))
    try repo.commit("feature: add the model")
    try repo.commit("feature: more", files: ["app/more.py": "x = 1\n"])
    try repo.git(["checkout", "-q", "main"])
    try repo.git(["merge", "-q", "--no-ff", "-m", "merge feature", "feature"])
    try repo.commit("after the merge", files: ["app/after.py": "y = 2\n"])
    let merge = try oid(repo, "HEAD~1")
    let result = try CLI.run(["bisect", "HEAD~5..HEAD", "--image", "app"], in: repo.url)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("culprit \(merge.prefix(12))"), "\(result.stdout)")
  }

  @Test func withoutABuildCommandItSaysWhatToMeasure() throws {
    let repo = try history()
    try repo.directory.write("budgets.toml", "[image.app]\ncontext = [\"app/\"]\nmax = \"2 MB\"\n")
    let result = try bisect(repo)
    #expect(result.status == 3)
    #expect(result.stderr.contains("has no build command"))
    #expect(result.stderr.contains("sizebudget measure SOURCE --image app --commit"))
  }

  @Test func anInterruptedBisectLeavesNoWorktree() throws {
    let repo = try history()
    try repo.directory.write(
      "budgets.toml", "[image.app]\ncontext = [\"app/\"]\nbuild = \"sleep 30; sh build.sh\"\nmax = \"2 MB\"\n")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CLI.path("sizebudget"))
    process.arguments = ["bisect", "HEAD~24..HEAD", "--image", "app"]
    process.currentDirectoryURL = repo.url
    process.standardOutput = Pipe()
    process.standardError = Pipe()
    try process.run()
    var waited = 0
    while waited < 100 {
      if (try repo.git(["worktree", "list"])).split(separator: "\n").count > 1 { break }
      usleep(100_000)
      waited += 1
    }
    #expect((try repo.git(["worktree", "list"])).split(separator: "\n").count == 2, "a build worktree should exist")
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    #expect(process.terminationStatus == 130)
    let worktrees = try repo.git(["worktree", "list"]).split(separator: "\n")
    #expect(worktrees.count == 1, "\(worktrees)")
    #expect(!(try repo.git(["branch", "--list", "sizebudget/*"])).contains("sizebudget"))
  }

  /// A build script whose shell starts a child shell that starts a sleeping
  /// grandchild; each writes its pid into $PID_DIR, so the test can tell whether any
  /// of them outlived the build.
  static let spawningBuild = """
    mkdir -p "$PID_DIR"
    echo $$ > "$PID_DIR/shell-$SIZEBUDGET_COMMIT"
    sh -c 'echo $$ > "$PID_DIR/child-$SIZEBUDGET_COMMIT"; sleep 300 & echo $! > "$PID_DIR/grandchild-$SIZEBUDGET_COMMIT"; wait'
    """

  func pids(in directory: URL) -> [Int32] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.compactMap { name in
      (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
        .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
  }

  /// Alive and not a zombie waiting for a parent (reparented ones are reaped by init).
  func alive(_ pid: Int32) -> Bool {
    guard kill(pid, 0) == 0 else { return false }
    let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
    return !(stat.split(separator: ")").last?.hasPrefix(" Z") ?? false)
  }

  func survivors(_ pids: [Int32]) -> [Int32] {
    var waited = 0
    while waited < 50 && pids.contains(where: alive) {
      usleep(100_000)
      waited += 1
    }
    return pids.filter(alive)
  }

  @Test func aSignalStopsEveryProcessOfEveryBuild() throws {
    let repo = try history()
    let script = repo.url.appendingPathComponent("slow.sh").path
    try repo.directory.write("slow.sh", Self.spawningBuild)
    try repo.directory.write(
      "budgets.toml", "[image.app]\ncontext = [\"app/\"]\nbuild = \"sh \(script)\"\nmax = \"2 MB\"\n")
    let pidDirectory = repo.url.appendingPathComponent("pids")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CLI.path("sizebudget"))
    process.arguments = ["bisect", "HEAD~24..HEAD", "--image", "app", "--jobs", "3"]
    process.currentDirectoryURL = repo.url
    var environment = ProcessInfo.processInfo.environment
    environment["PID_DIR"] = pidDirectory.path
    process.environment = environment
    process.standardOutput = Pipe()
    process.standardError = Pipe()
    try process.run()
    var waited = 0
    // The search builds two or three candidates at once here, three processes each.
    while waited < 300 && pids(in: pidDirectory).count < 6 {
      usleep(100_000)
      waited += 1
    }
    usleep(500_000)
    let started = pids(in: pidDirectory)
    #expect(started.count >= 6 && started.count % 3 == 0, "builds at once (--jobs 3): \(started)")
    #expect(started.allSatisfy(alive))
    kill(process.processIdentifier, SIGTERM)
    process.waitUntilExit()
    #expect(process.terminationStatus == 143)
    #expect(survivors(started).isEmpty, "left running: \(survivors(started))")
    #expect((try repo.git(["worktree", "list"])).split(separator: "\n").count == 1)
    #expect(!(try repo.git(["branch", "--list", "sizebudget/*"])).contains("sizebudget"))
  }

  @Test func aBuildOverItsTimeoutIsStoppedWithItsChildren() throws {
    let repo = try history(count: 8, culprit: nil)
    let script = repo.url.appendingPathComponent("slow.sh").path
    try repo.directory.write("slow.sh", Self.spawningBuild)
    try repo.directory.write(
      "budgets.toml",
      "[image.app]\ncontext = [\"app/\"]\nbuild = \"sh \(script)\"\nbuild_timeout = \"2s\"\nmax = \"2 MB\"\n")
    let pidDirectory = repo.url.appendingPathComponent("pids")
    let started = Date()
    let result = try CLI.run(
      ["bisect", "HEAD~8..HEAD", "--image", "app"], in: repo.url, environment: ["PID_DIR": pidDirectory.path],
      timeout: 120)
    // Every build timed out: the build keeps failing (7), as when --max-failures stops it.
    #expect(result.status == 7, "every build failed: \(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("timed out; its last lines:"), "\(result.stdout)")
    #expect(result.stdout.contains("(stopped after 2 s: the build timeout)"), "\(result.stdout)")
    #expect(Date().timeIntervalSince(started) < 90)
    let spawned = pids(in: pidDirectory)
    #expect(spawned.count >= 3)
    #expect(survivors(spawned).isEmpty, "left running: \(survivors(spawned))")

    // --timeout overrides build_timeout, and is checked like it.
    let bad = try CLI.run(["bisect", "HEAD~8..HEAD", "--image", "app", "--timeout", "soon"], in: repo.url)
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("--timeout must be a duration such as"), "\(bad.stderr)")
    let overridden = try CLI.run(
      ["bisect", "HEAD~8..HEAD", "--image", "app", "--timeout", "1s"], in: repo.url,
      environment: ["PID_DIR": pidDirectory.path], timeout: 120)
    #expect(overridden.stdout.contains("(stopped after 1 s: the build timeout)"), "\(overridden.stdout)")
    #expect(survivors(pids(in: pidDirectory)).isEmpty)
  }

  /// 1,000 commits, about 5 % touching app/, commit 617 adds 3 MB (max = 2 MB): git
  /// bisect run with the same build, then sizebudget bisect from an empty store, with
  /// half the context commits measured, and with all of them (every other commit
  /// inherits its parent's size, so every commit's size is then known).
  @Test func needsFewerBuildsThanGitBisectRun() throws {
    let directory = try TemporaryDirectory()
    let path = directory.url.appendingPathComponent("repo").path
    let generator = try CLI.run(
      [Self.root.appendingPathComponent("Benchmarks/gen-bisect-repo.py").path, path, "1000", "617"],
      product: "/usr/bin/python3")
    try #require(generator.status == 0, "\(generator.stderr)")
    let repo = URL(fileURLWithPath: path)
    let theirs = directory.url.appendingPathComponent("theirs.txt")
    _ = try CLI.run(["bisect", "start", "HEAD", "HEAD~999"], product: "/usr/bin/git", in: repo)
    let git = try CLI.run(
      ["bisect", "run", "sh", Self.root.appendingPathComponent("Benchmarks/git-bisect-step.sh").path, "2000000"],
      product: "/usr/bin/git", in: repo, environment: ["BUILD_COUNT_FILE": theirs.path])
    let gitCulprit = git.stdout.split(separator: "\n").first { $0.hasSuffix("is the first bad commit") }?
      .split(separator: " ").first.map(String.init)
    _ = try CLI.run(["bisect", "reset"], product: "/usr/bin/git", in: repo)
    let culprit = try #require(gitCulprit, "\(git.stdout)")
    let theirBuilds = builds(theirs).count

    func ours(_ label: String) throws -> Int {
      let counter = directory.url.appendingPathComponent("ours-\(label).txt")
      let result = try CLI.run(
        ["bisect", "HEAD~999..HEAD", "--image", "app"], in: repo, environment: ["BUILD_COUNT_FILE": counter.path])
      #expect(result.status == 0, "\(label): \(result.stderr)")
      #expect(result.stdout.contains("culprit \(culprit.prefix(12))"), "\(label): \(result.stdout)")
      return builds(counter).count
    }
    /// Builds and measures every `step`-th commit that touches app/ into a new store.
    func measureContextCommits(every step: Int) throws {
      try? FileManager.default.removeItem(at: repo.appendingPathComponent(".git/sizebudget.sqlite"))
      let script = """
        set -euo pipefail
        scratch=$(mktemp -d); i=0
        for commit in $(git rev-list --reverse HEAD -- app/); do
          i=$((i + 1)); [ $((i % \(step))) -eq 0 ] || continue
          git worktree add -q --detach "$scratch/tree" "$commit"
          (cd "$scratch/tree" && SIZEBUDGET_OUTPUT="$scratch/out" sh build.sh)
          git worktree remove --force "$scratch/tree"
          sizebudget measure "oci:$scratch/out" --image app --commit "$commit" >/dev/null
          rm -rf "$scratch/out"
        done
        rm -rf "$scratch"
        """
      let pathVariable =
        CLI.productsDirectory.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
      let measured = try CLI.run(
        ["-c", script], product: "/bin/bash", in: repo, environment: ["PATH": pathVariable])
      try #require(measured.status == 0, "\(measured.stderr)")
    }

    let empty = try ours("empty")
    #expect(empty * 2 <= theirBuilds, "sizebudget built \(empty), git bisect run \(theirBuilds)")
    try measureContextCommits(every: 2)
    let half = try ours("half")
    #expect(half < empty, "half measured: \(half) builds, empty store: \(empty)")
    try measureContextCommits(every: 1)
    #expect(try ours("all") == 0)
  }
}
