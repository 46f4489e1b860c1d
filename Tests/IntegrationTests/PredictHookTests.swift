import Foundation
import TestSupport
import Testing

/// Prediction at push time through real `git push`es to a bare repository, from
/// images measured by the real binary: nothing is built for the pushed commits.
@Suite struct PredictHookTests {
  /// A repository whose image `api` copies `app/` by its Dockerfile, measured at its
  /// first commit with a budget of that size plus `headroom` bytes, and pushed.
  final class Project {
    let repo: GitRepository
    let remote: GitRepository
    var images = 0

    init(headroom: Int64, mode: String, rules: String = "") throws {
      repo = try GitRepository()
      remote = try GitRepository(bare: true)
      try repo.commit(
        "start",
        files: [
          ".gitignore": "build/\n", "app/main.py": "print('hi')\n", "docs/guide.md": "# Guide\n",
          "requirements.txt": "flask==3.0.0\n",
          "Dockerfile": "FROM python:3.12-slim\nCOPY requirements.txt /tmp/\nRUN pip install -r /tmp/requirements.txt\n"
            + "COPY app/ /app\n",
        ])
      let size = try measure(image: "api", [.file("app/blob", size: 2_000_000)])
      try writeBudgets(max: size + headroom, mode: mode, rules: rules)
      try repo.git(["remote", "add", "origin", remote.path])
      let install = try run(["hook", "install"])
      precondition(install.status == 0, install.stderr)
      let first = try push()
      precondition(first.status == 0, first.stderr)
    }

    func writeBudgets(max: Int64, mode: String, rules: String = "") throws {
      try repo.directory.write(
        "budgets.toml",
        """
        [image.api]
        max = "\(max) B"
        \(rules)
        context = ["app/", "requirements.txt", "Dockerfile"]
        dockerfile = "Dockerfile"

        [hook]
        predict = "\(mode)"

        """)
    }

    /// Measures an uncompressed-layer OCI image of `files` at HEAD; its compressed size.
    @discardableResult
    func measure(image: String, _ files: [TarBuilder.Entry], commit: String? = nil) throws -> Int64 {
      images += 1
      let directory = repo.url.appendingPathComponent("build/image\(images).oci")
      try ImageBuilder([ImageBuilder.Layer(files, createdBy: "COPY app/ /app", compression: .none)])
        .writeOCILayout(to: directory)
      var arguments = ["measure", "oci:build/image\(images).oci", "--image", image, "--format", "json"]
      if let commit { arguments += ["--commit", commit] }
      // Another team's image, measured here but budgeted elsewhere.
      if image != "api" { arguments.append("--new-image") }
      let result = try run(arguments)
      precondition(result.status == 0, result.stderr)
      let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
      let measurement = json["measurement"] as! [String: Any]
      return (measurement["compressed_bytes"] as! NSNumber).int64Value
    }

    func run(_ arguments: [String]) throws -> CLI.Result { try CLI.run(arguments, in: repo.url) }

    func push(_ arguments: [String] = ["origin", "main"]) throws -> CLI.Result {
      let path =
        CLI.productsDirectory.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
      return try CLI.run(["push"] + arguments, product: "/usr/bin/git", in: repo.url, environment: ["PATH": path])
    }

    /// Random bytes: what a model file is, and what no compressor shrinks.
    func addRandomFile(_ name: String, bytes: Int) throws {
      var generator = SystemRandomNumberGenerator()
      let data = Data((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
      let url = repo.url.appendingPathComponent(name)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try data.write(to: url)
    }
  }

  @Test func aBigFileOverTheHeadroomIsRefusedInRefuseMode() throws {
    let project = try Project(headroom: 2_000_000, mode: "refuse")
    try project.addRandomFile("app/model.bin", bytes: 3_000_000)
    try project.repo.commit("add the model")
    let refused = try project.push()
    #expect(refused.status != 0, "\(refused.stderr)")
    #expect(refused.stderr.contains("push refused: predicted to break a budget"), "\(refused.stderr)")
    #expect(refused.stderr.contains("app/model.bin (COPY app/ /app, Dockerfile:4"), "\(refused.stderr)")
    #expect(refused.stderr.contains("predicted compressed size"), "\(refused.stderr)")
    #expect(refused.stderr.contains("git push --no-verify"))
  }

  @Test func theSameFileIsOnlyWarnedInWarnMode() throws {
    let project = try Project(headroom: 2_000_000, mode: "warn")
    try project.addRandomFile("app/model.bin", bytes: 3_000_000)
    try project.repo.commit("add the model")
    let warned = try project.push()
    #expect(warned.status == 0, "\(warned.stderr)")
    #expect(warned.stderr.contains("warning: the push is predicted to break a budget"), "\(warned.stderr)")
    #expect(warned.stderr.contains("+3 MB app/model.bin"), "\(warned.stderr)")
  }

  /// A Dockerfile restructured beyond its package lines may move the size either
  /// way: the prediction says so and refuses nothing on its own.
  @Test func aDockerfileChangeItCannotPriceOnlyWarns() throws {
    let project = try Project(headroom: 2_000_000, mode: "refuse")
    try project.addRandomFile("app/model.bin", bytes: 3_000_000)
    try project.repo.commit(
      "model, multi-stage",
      files: [
        "Dockerfile": "FROM python:3.12-slim AS build\nRUN pip wheel -r requirements.txt\nFROM python:3.12-slim\n"
          + "COPY app/ /app\n"
      ])
    let pushed = try project.push()
    #expect(pushed.status == 0, "\(pushed.stderr)")
    #expect(pushed.stderr.contains("warning: the push is predicted to break a budget"), "\(pushed.stderr)")
    #expect(
      pushed.stderr.contains(
        "Dockerfile changed in ways not priced (Dockerfile line 2 COPY requirements.txt /tmp/ removed"),
      "\(pushed.stderr)")
    // No "±" figure for a prediction that may be far off: its uncertainty is unknown.
    #expect(pushed.stderr.contains("(+3 MB uncertainty unknown from "), "\(pushed.stderr)")
    #expect(!pushed.stderr.contains(" ± "), "\(pushed.stderr)")
  }

  /// An instruction removed from the Dockerfile takes away the layer it made in the
  /// measured ancestor (matched by the layer's history), with the bytes measured.
  @Test func aRemovedInstructionTakesItsMeasuredLayerAway() throws {
    let project = try Project(headroom: 2_000_000, mode: "refuse")
    try project.repo.commit(
      "no app in the image",
      files: [
        "Dockerfile": "FROM python:3.12-slim\nCOPY requirements.txt /tmp/\nRUN pip install -r /tmp/requirements.txt\n"
      ])
    let result = try project.run(["predict", "--format", "json"])
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
    let image = (json["images"] as! [[String: Any]])[0]
    let layer = try #require((image["contributions"] as! [[String: Any]]).first { $0["kind"] as? String == "layer" })
    #expect(layer["subject"] as? String == "COPY app/ /app", "\(layer)")
    #expect((layer["uncompressed_bytes"] as? NSNumber)?.int64Value ?? 0 < -2_000_000, "\(layer)")
    #expect((layer["source"] as? String)?.hasPrefix("removed from Dockerfile (was line 4); layer 0 of") == true)
    #expect((image["notes"] as! [String]).allSatisfy { !$0.contains("not priced") }, "\(image)")
  }

  /// A Dockerfile that does not parse: predict names the file and line and exits 2;
  /// the hook says it cannot predict and lets the push go.
  @Test func aBrokenDockerfileIsNamedAndDoesNotStopThePush() throws {
    let project = try Project(headroom: 2_000_000, mode: "refuse")
    try project.repo.commit(
      "broken", files: ["Dockerfile": "FROM python:3.12-slim\nRUN <<EOF\necho never closed\n", "app/x.py": "x = 1\n"])
    let predicted = try project.run(["predict"])
    #expect(predicted.status == 2, "\(predicted.stdout)\(predicted.stderr)")
    #expect(predicted.stdout.contains("api: cannot be predicted: Dockerfile:2 at "), "\(predicted.stdout)")
    #expect(predicted.stdout.contains("heredoc <<EOF is not closed"), "\(predicted.stdout)")
    let pushed = try project.push()
    #expect(pushed.status == 0, "\(pushed.stderr)")
    #expect(pushed.stderr.contains("sizebudget: api cannot be predicted: Dockerfile:2"), "\(pushed.stderr)")
  }

  /// `log --predicted` sets what would have been predicted beside what was measured.
  @Test func logShowsPredictedBesideMeasured() throws {
    let project = try Project(headroom: 50_000_000, mode: "warn")
    try project.addRandomFile("app/model.bin", bytes: 3_000_000)
    let commit = try project.repo.commit("add the model")
    try project.measure(image: "api", [.file("app/blob", size: 2_000_000), .file("app/model.bin", size: 3_000_000)])
    let result = try project.run(["log", "--predicted", "--format", "json"])
    #expect(result.status == 0, "\(result.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
    let rows = json["rows"] as! [[String: Any]]
    let newest = try #require(rows.first { $0["commit"] as? String == commit })
    let predicted = (newest["predicted_change"] as? NSNumber)?.int64Value ?? 0
    #expect(predicted > 3_000_000 && predicted < 3_010_000, "\(newest)")
    #expect(rows.last?["predicted_change"] == nil, "the first measurement has nothing before it: \(rows)")
    let text = try project.run(["log", "--predicted"])
    #expect(text.stdout.contains("predicted"), "\(text.stdout)")
    #expect(text.stdout.contains("+3 MB ± 300 kB"), "\(text.stdout)")
  }

  /// The path caps where changed files land and forbid patterns against added files
  /// are judged too, at the files' places in the image (by the COPY line).
  @Test func pathCapsAndForbidPatternsAreJudgedWhereFilesLand() throws {
    let project = try Project(headroom: 50_000_000, mode: "warn")
    var budgets = try String(contentsOf: project.repo.url.appendingPathComponent("budgets.toml"), encoding: .utf8)
    budgets = budgets.replacingOccurrences(
      of: "dockerfile = \"Dockerfile\"\n",
      with:
        "dockerfile = \"Dockerfile\"\nforbid = [\"**/*.bin\", \"/etc/**\"]\n\n[image.api.paths]\n\"/app\" = \"4 MB\"\n"
        + "\"/usr\" = \"1 MB\"\n")
    try project.repo.directory.write("budgets.toml", budgets)
    try project.addRandomFile("app/model.bin", bytes: 3_000_000)
    try project.repo.commit("add the model")
    let result = try project.run(["predict"])
    #expect(result.stdout.contains("✗ predicted: /app holds"), "\(result.stdout)")
    #expect(result.stdout.contains("over its cap 4 MB"), "\(result.stdout)")
    #expect(
      result.stdout.contains("predicted: 1 file (3 MB uncompressed) matches forbidden \"**/*.bin\""), "\(result.stdout)"
    )
    // Caps and patterns the push does not touch keep the measured ancestor's results.
    #expect(result.stdout.contains("✓ /usr holds 0 B, within its cap 1 MB (measured at "), "\(result.stdout)")
    let json = try project.run(["predict", "--format", "json"])
    #expect(json.stdout.contains("\"image_path\" : \"/app/model.bin\""), "\(json.stdout)")
  }

  /// The layout `init` writes: app/Dockerfile, built with the build context `app`, so
  /// `COPY . /app` puts app/static/w.pt at /app/static/w.pt (not /app/app/static/w.pt),
  /// where a forbid pattern catches it: predict exits 1 and refuse mode refuses the push.
  /// Without the key the Dockerfile's own directory is the build context, as init has it.
  @Test func filesLandWhereTheBuildContextOfTheInitLayoutPutsThem() throws {
    let repo = try GitRepository()
    let remote = try GitRepository(bare: true)
    try repo.commit(
      "start",
      files: [
        ".gitignore": "build/\n", "app/Dockerfile": "FROM python:3.12-slim\nCOPY . /app\n",
        "app/main.py": "print('hi')\n", "README.md": "# Readme\n",
      ])
    let initialized = try CLI.run(["init"], in: repo.url)
    #expect(initialized.status == 0, "\(initialized.stderr)")
    #expect(initialized.stdout.contains("app: build context app/"), "\(initialized.stdout)")
    let budgetsURL = repo.url.appendingPathComponent("budgets.toml")
    var budgets = try String(contentsOf: budgetsURL, encoding: .utf8)
    #expect(budgets.contains("build_context = \"app\""), "\(budgets)")
    budgets = budgets.replacingOccurrences(
      of: "[image.app]\n", with: "[image.app]\nforbid = [\"/app/static/*.pt\"]\n")
    try (budgets + "\n[hook]\npredict = \"refuse\"\n").write(to: budgetsURL, atomically: true, encoding: .utf8)
    try repo.commit("budgets")
    try ImageBuilder([ImageBuilder.Layer([.file("app/main.py", "print('hi')\n")], createdBy: "COPY . /app")])
      .writeOCILayout(to: repo.url.appendingPathComponent("build/image.oci"))
    let measured = try CLI.run(["measure", "oci:build/image.oci"], in: repo.url)
    try #require(measured.status == 0, "\(measured.stderr)")
    try repo.git(["remote", "add", "origin", remote.path])
    try #require(try CLI.run(["hook", "install"], in: repo.url).status == 0)
    let path =
      CLI.productsDirectory.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    func push() throws -> CLI.Result {
      try CLI.run(["push", "origin", "main"], product: "/usr/bin/git", in: repo.url, environment: ["PATH": path])
    }
    try #require(try push().status == 0)

    try repo.commit("weights", files: ["app/static/w.pt": "not really a model\n"])
    let predicted = try CLI.run(["predict"], in: repo.url)
    #expect(predicted.status == 1, "\(predicted.stdout)\(predicted.stderr)")
    #expect(predicted.stdout.contains("/app/static/w.pt"), "\(predicted.stdout)")
    #expect(predicted.stdout.contains("over budget: forbid"), "\(predicted.stdout)")
    let refused = try push()
    #expect(refused.status != 0, "\(refused.stderr)")
    #expect(refused.stderr.contains("push refused"), "\(refused.stderr)")

    try budgets.replacingOccurrences(of: "build_context = \"app\"", with: "")
      .write(to: budgetsURL, atomically: true, encoding: .utf8)
    let byDefault = try CLI.run(["predict"], in: repo.url)
    #expect(byDefault.status == 1, "\(byDefault.stdout)\(byDefault.stderr)")
  }

  /// A measured ancestor already over budget (a forbidden file) stays over budget in
  /// the prediction of a push that does not touch it: predict exits 1 by the one
  /// judgement, as check on that measurement does, and its JSON says so at the top.
  @Test func aBreakTheMeasuredAncestorHasIsKeptByThePrediction() throws {
    let project = try Project(headroom: 50_000_000, mode: "warn")
    var budgets = try String(contentsOf: project.repo.url.appendingPathComponent("budgets.toml"), encoding: .utf8)
    budgets = budgets.replacingOccurrences(
      of: "dockerfile = \"Dockerfile\"\n", with: "dockerfile = \"Dockerfile\"\nforbid = [\"/app/blob\"]\n")
    try project.repo.directory.write("budgets.toml", budgets)
    try project.repo.commit("forbid the blob")
    try project.measure(image: "api", [.file("app/blob", size: 2_000_000)])
    let checked = try project.run(["check"])
    #expect(checked.status == 1, "\(checked.stdout)")
    try project.repo.commit("a small change", files: ["app/x.py": "x=1"])
    let predicted = try project.run(["predict"])
    #expect(predicted.status == 1, "\(predicted.stdout)\(predicted.stderr)")
    #expect(predicted.stdout.contains("over budget: forbid"), "\(predicted.stdout)")
    #expect(predicted.stdout.contains("matches forbidden \"/app/blob\" (measured at "), "\(predicted.stdout)")
    let json = try project.run(["predict", "--format", "json"])
    #expect(json.status == 1)
    let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
    #expect(document["status"] as? String == "fail", "\(json.stdout)")
    #expect(document["headline"] as? String == "over budget: forbid", "\(json.stdout)")
  }

  /// A commit that changes nothing in context inherits its ancestor's measurement and
  /// is judged by it, as check judges it; a measured commit shows the measurement and
  /// what a prediction from its measured parent said beside it.
  @Test func predictJudgesInheritedAndMeasuredCommitsAsCheckDoes() throws {
    let project = try Project(headroom: 50_000_000, mode: "warn")
    try project.repo.commit("docs", files: ["docs/guide.md": "# Guide\nMore.\n"])
    let inherited = try project.run(["predict"])
    #expect(inherited.status == 0, "\(inherited.stdout)\(inherited.stderr)")
    #expect(inherited.stdout.contains("api: judged by its ancestor's measurement (measured at "), "\(inherited.stdout)")
    #expect(!inherited.stdout.contains("predicted"), "\(inherited.stdout)")

    try project.addRandomFile("app/model.bin", bytes: 3_000_000)
    try project.repo.commit("add the model")
    try project.measure(image: "api", [.file("app/blob", size: 2_000_000), .file("app/model.bin", size: 3_000_000)])
    let measured = try project.run(["predict"])
    #expect(measured.status == 0, "\(measured.stdout)\(measured.stderr)")
    #expect(measured.stdout.contains("api: measured at this commit"), "\(measured.stdout)")
    #expect(
      measured.stdout.contains("without a build: +3 MB ± 300 kB compressed; measured +3 MB"), "\(measured.stdout)")
    let json = try project.run(["predict", "-f", "json"])
    let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
    let image = (document["images"] as! [[String: Any]])[0]
    let accuracy = try #require(image["accuracy"] as? [String: Any], "\(json.stdout)")
    let error = try #require((accuracy["error"] as? NSNumber)?.int64Value)
    let uncertainty = try #require((accuracy["uncertainty"] as? NSNumber)?.int64Value)
    #expect(abs(error) <= uncertainty, "\(accuracy)")
    // The shared options: -c/--commit (the positional REV still works), -i, -f.
    let docs = try project.run(["predict", "-c", "HEAD~1", "-i", "api", "-f", "json"])
    #expect(docs.status == 0, "\(docs.stdout)\(docs.stderr)")
    let docsImage =
      ((try JSONSerialization.jsonObject(with: Data(docs.stdout.utf8)) as! [String: Any])["images"]
      as! [[String: Any]])[0]
    #expect(docsImage["kind"] as? String == "inherited", "\(docs.stdout)")
    #expect(try project.run(["predict", "HEAD~1", "-c", "HEAD"]).status == 2)
  }

  /// The size is predicted from the measured ancestor, so it counts what earlier
  /// pushes put on the remote; the listing marks those apart from what this push adds.
  @Test func theListingMarksWhatIsAlreadyOnTheRemote() throws {
    let project = try Project(headroom: 2_000_000, mode: "warn")
    try project.addRandomFile("app/first.bin", bytes: 1_000_000)
    try project.repo.commit("first")
    let first = try project.push()
    #expect(first.status == 0, "\(first.stderr)")
    try project.addRandomFile("app/second.bin", bytes: 1_500_000)
    try project.repo.commit("second")
    let second = try project.push()
    #expect(second.status == 0, "\(second.stderr)")
    #expect(second.stderr.contains("(1 already on the remote, marked):"), "\(second.stderr)")
    let lines = second.stderr.split(separator: "\n")
    #expect(
      lines.contains { $0.contains("app/first.bin") && $0.hasSuffix("— already on the remote") }, "\(second.stderr)")
    #expect(
      lines.contains { $0.contains("app/second.bin") && !$0.contains("already on the remote") }, "\(second.stderr)")
  }

  @Test func aFileWithinTheHeadroomGoesThroughWithItsPrediction() throws {
    let project = try Project(headroom: 2_000_000, mode: "refuse")
    try project.addRandomFile("app/small.bin", bytes: 500_000)
    try project.repo.commit("add a small file")
    let pushed = try project.push()
    #expect(pushed.status == 0, "\(pushed.stderr)")
    #expect(pushed.stderr.contains("sizebudget: api predicted"), "\(pushed.stderr)")
    // The predicted size names its measure, as every figure does.
    #expect(pushed.stderr.contains(try Regex(#"api predicted [0-9.]+ [kMG]?B compressed \("#)), "\(pushed.stderr)")
    #expect(pushed.stderr.contains("within budget"), "\(pushed.stderr)")
  }

  /// The hook judges growth with the image's observed noise, as check does: the first
  /// commit was built twice 60 kB apart, so a predicted +40 kB against a +20 kB rule
  /// is within noise, said the same way by the hook, predict and (once measured) check.
  @Test func thePredictionJudgesGrowthWithTheNoiseCheckUses() throws {
    let project = try Project(headroom: 2_000_000, mode: "refuse", rules: "max_growth = \"+20 kB\"")
    let start = try project.repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    try project.measure(image: "api", [.file("app/blob", size: 2_060_000)])
    try project.addRandomFile("app/small.bin", bytes: 40_000)
    try project.repo.commit("add a small file")
    let noise = "within noise (±59.9 kB observed at \(start.prefix(12)))"
    // Refused before the hook read the noise: +40 kB is over +20 kB by more than the
    // prediction's uncertainty.
    let pushed = try project.push()
    #expect(pushed.status == 0, "\(pushed.stderr)")
    #expect(pushed.stderr.contains("within budget, warning: max_growth"), "\(pushed.stderr)")
    let predicted = try project.run(["predict"])
    #expect(predicted.status == 0, "\(predicted.stdout)")
    #expect(predicted.stdout.contains(noise), "\(predicted.stdout)")
    try project.measure(image: "api", [.file("app/blob", size: 2_060_000), .file("app/small.bin", size: 40_000)])
    let checked = try project.run(["check", "--no-notify"])
    #expect(checked.status == 0, "\(checked.stdout)")
    #expect(checked.stdout.contains(noise), "\(checked.stdout)")
  }

  /// A docs-only push changes nothing in the image's context: it inherits the measured
  /// ancestor's measurement (issue 14) and is judged by it, not predicted.
  @Test func aDocsOnlyPushIsJudgedByTheMeasurementItInherits() throws {
    let project = try Project(headroom: 100, mode: "refuse")
    try project.addRandomFile("docs/diagram.png", bytes: 3_000_000)
    try project.repo.commit("docs", files: ["docs/guide.md": "# Guide\nMore words.\n"])
    let pushed = try project.push()
    #expect(pushed.status == 0, "\(pushed.stderr)")
    #expect(pushed.stderr.contains("1 pushed commit checked: 1 inherits"), "\(pushed.stderr)")
    #expect(!pushed.stderr.contains("predicted"), "\(pushed.stderr)")
  }

  @Test func aMeasuredCommitInThePushUsesItsMeasurement() throws {
    let project = try Project(headroom: 2_000_000, mode: "refuse")
    try project.addRandomFile("app/model.bin", bytes: 3_000_000)
    try project.repo.commit("add the model, then measured small")
    try project.measure(image: "api", [.file("app/blob", size: 2_100_000)])
    let pushed = try project.push()
    #expect(pushed.status == 0, "\(pushed.stderr)")
    #expect(pushed.stderr.contains("1 pushed commit checked: 1 measured; api"), "\(pushed.stderr)")
    #expect(!pushed.stderr.contains("predicted"), "\(pushed.stderr)")
  }

  /// A requirements line for a package another image's measurement holds is priced
  /// at its size there; one no measurement has seen is listed as unknown.
  @Test func dependencyLinesArePricedFromOtherImagesOrListedUnknown() throws {
    let project = try Project(headroom: 50_000_000, mode: "warn")
    let site = "opt/venv/lib/python3.12/site-packages/"
    let worker = try project.repo.commit("worker built here")
    try project.measure(
      image: "worker",
      [
        .file(site + "torch-2.5.1.dist-info/METADATA", "Metadata-Version: 2.1\nName: torch\nVersion: 2.5.1\n"),
        .file(
          site + "torch-2.5.1.dist-info/RECORD",
          "torch/_C.so,,\ntorch-2.5.1.dist-info/METADATA,,\ntorch-2.5.1.dist-info/RECORD,,\n"),
        .file(site + "torch/_C.so", size: 757_000),
      ], commit: worker)
    try project.repo.commit(
      "torch and something new", files: ["requirements.txt": "flask==3.0.0\ntorch==2.5.1\nnonesuch==0.1\n"])
    let result = try project.run(["predict", "--image", "api", "--format", "json"])
    #expect(result.status == 0, "\(result.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
    let image = (json["images"] as! [[String: Any]])[0]
    #expect(image["kind"] as? String == "predicted")
    let contributions = image["contributions"] as! [[String: Any]]
    let torch = try #require(contributions.first { $0["subject"] as? String == "torch 2.5.1" })
    #expect(torch["kind"] as? String == "package")
    #expect((torch["uncompressed_bytes"] as? NSNumber)?.int64Value ?? 0 >= 757_000)
    #expect(torch["source"] as? String == "seen in worker at \(worker.prefix(7))")
    let unknown = try #require(contributions.first { $0["subject"] as? String == "nonesuch 0.1" })
    #expect(unknown["kind"] as? String == "unknown-package")
    #expect((unknown["uncompressed_bytes"] as? NSNumber)?.int64Value == 0)
    let text = try project.run(["predict", "--image", "api"])
    #expect(text.stdout.contains("+757 kB torch 2.5.1 (seen in worker at \(worker.prefix(7))"), "\(text.stdout)")
    #expect(text.stdout.contains("unknown  nonesuch 0.1"), "\(text.stdout)")
    let hook = try project.push()
    #expect(hook.status == 0, "\(hook.stderr)")
    #expect(hook.stderr.contains("sizebudget: api predicted"), "\(hook.stderr)")
    #expect(hook.stderr.contains("; not priced (never measured): nonesuch 0.1"), "\(hook.stderr)")
  }
}
