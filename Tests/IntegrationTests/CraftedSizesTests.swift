import Foundation
import TestSupport
import Testing

/// Sizes nobody measured: a registry manifest whose layers declare -1 or 2^62 bytes,
/// and git notes (shared by anyone who can push) whose sizes are negative or add up
/// past Int64. Each must be refused with a clear error, never trap (exit 132) or
/// turn into a figure such as "compressed -10 MB".
@Suite(.serialized) struct CraftedSizesTests {
  // MARK: A registry serving crafted manifests

  /// Pushes `bytes` as a blob of `repository` with the registry's upload API.
  static func pushBlob(_ bytes: [UInt8], to repository: String, host: String, in directory: TemporaryDirectory) throws
    -> String
  {
    let file = directory.url.appendingPathComponent(UUID().uuidString)
    try Data(bytes).write(to: file)
    let digest = "sha256:" + SHA256Hex.of(bytes)
    let started = try CLI.run(
      ["-s", "-D", "-", "-o", "/dev/null", "-X", "POST", "http://\(host)/v2/\(repository)/blobs/uploads/"],
      product: "/usr/bin/curl")
    let location = try #require(
      started.stdout.split(separator: "\r\n").first { $0.lowercased().hasPrefix("location:") }?
        .dropFirst("location:".count).trimmingCharacters(in: .whitespaces))
    let upload = (location.hasPrefix("http") ? location : "http://\(host)\(location)")
    let put = try CLI.run(
      [
        "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT", "--data-binary", "@\(file.path)",
        "-H", "Content-Type: application/octet-stream",
        upload + (upload.contains("?") ? "&" : "?") + "digest=\(digest)",
      ], product: "/usr/bin/curl")
    try #require(put.stdout == "201", "blob upload: \(put.stdout) \(put.stderr)")
    return digest
  }

  /// An OCI manifest of two layers that declare `sizes`, pushed as `repository:tag`.
  static func pushManifest(layerSizes sizes: [Int64], repository: String, tag: String, host: String) throws {
    let directory = try TemporaryDirectory()
    let layer = try pushBlob(Array("layer".utf8), to: repository, host: host, in: directory)
    let config = Array(
      "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\(sizes.map { _ in "\"\(layer)\"" }.joined(separator: ","))]}}"
        .utf8)
    let configDigest = try pushBlob(config, to: repository, host: host, in: directory)
    let layers = sizes.map {
      "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"\(layer)\",\"size\":\($0)}"
    }
    let manifest =
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"\(configDigest)\",\"size\":\(config.count)},\"layers\":[\(layers.joined(separator: ","))]}"
    let file = directory.url.appendingPathComponent("manifest.json")
    try manifest.write(to: file, atomically: true, encoding: .utf8)
    let put = try CLI.run(
      [
        "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT", "--data-binary", "@\(file.path)",
        "-H", "Content-Type: application/vnd.oci.image.manifest.v1+json",
        "http://\(host)/v2/\(repository)/manifests/\(tag)",
      ], product: "/usr/bin/curl")
    try #require(put.stdout == "201", "manifest upload: \(put.stdout)")
  }

  @Test(arguments: [
    ("negative", [Int64(-1), -5_000_000], "declares a negative size (-1)"),
    ("absurd", [Int64(1) << 62], "declares an absurd size"),
    ("overflowing", [(Int64(1) << 62) + (Int64(1) << 61), Int64(1) << 62], "declares an absurd size"),
    ("manylayers", Array(repeating: Int64(1) << 49, count: 3), "add up to more than 1 PiB"),
  ])
  func registryManifestSizesAreChecked(tag: String, sizes: [Int64], expected: String) throws {
    let host = try #require(LocalRegistry.shared, "needs docker-registry (make test sets it up)").host
    try Self.pushManifest(layerSizes: sizes, repository: "crafted/api", tag: tag, host: host)
    let repo = try GitRepository()
    try repo.commit("one")
    for extra in [[], ["--paths"]] {
      let result = try CLI.run(
        ["measure", "docker://\(host)/crafted/api:\(tag)", "--image", "api", "--new-image"] + extra, in: repo.url)
      #expect(result.status == 2, "\(extra) \(result.status): \(result.stdout)\(result.stderr)")
      // With --paths the layers are read before they are added up: sizes each
      // possible but summing past 1 PiB meet the truncated blob first.
      if extra.isEmpty || tag != "manylayers" { #expect(result.stderr.contains(expected), "\(result.stderr)") }
      #expect(result.stderr.contains("crafted/api:\(tag)"), "the error names the image: \(result.stderr)")
      #expect(!result.stdout.contains("-5 MB") && !result.stdout.contains("-1 B"))
    }
    let notes = try repo.git(["notes", "--ref", "sizebudget", "list"])
    #expect(notes.isEmpty, "nothing is recorded or shared: \(notes)")
  }

  // MARK: Crafted notes, imported by sync

  static let budgets = "[image.api]\nmax = \"1 GB\"\nmax_growth = \"+5%\"\n"

  /// Replaces every size in the note of `commit` (as JSON) with `size`, and pushes it.
  static func craftNote(_ commit: String, size: Int64, in repo: GitRepository) throws {
    let text = try repo.git(["notes", "--ref", "sizebudget", "show", commit])
    var note = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    var images = try #require(note["images"] as? [String: Any])
    var api = try #require(images["api"] as? [String: Any])
    for key in ["compressed_bytes", "uncompressed_bytes", "wasted_bytes"] { api[key] = size }
    api["layers"] = (api["layers"] as? [[String: Any]] ?? []).map { layer in
      var layer = layer
      layer["compressed_bytes"] = size
      layer["uncompressed_bytes"] = size
      return layer
    }
    api["paths"] = (api["paths"] as? [[String: Any]] ?? []).map { path in
      var path = path
      path["bytes"] = size
      return path
    }
    images["api"] = api
    note["images"] = images
    let data = try JSONSerialization.data(withJSONObject: note, options: [.sortedKeys])
    _ = try repo.git(
      ["notes", "--ref", "sizebudget", "add", "-f", "-F", "-", commit], input: String(decoding: data, as: UTF8.self))
  }

  @Test func crashingNotesAreRefusedByEveryCommand() throws {
    let images = try TemporaryDirectory()
    let origin = try GitRepository(bare: true)
    let ci = try GitRepository(cloning: origin.path)
    let base = try ci.commit("budgets", files: ["budgets.toml": Self.budgets])
    for (bytes, name) in [(1_000_000, "small"), (1_500_000, "big")] {
      if name == "big" { try ci.commit("grow", files: ["app.txt": "more"]) }
      let layer = ImageBuilder.Layer([.file("app/blob", size: bytes)], compression: .none)
      let path = images.url.appendingPathComponent(name)
      try ImageBuilder([layer]).writeOCILayout(to: path)
      let measured = try CLI.run(["measure", "oci:\(path.path)", "--image", "api", "--paths"], in: ci.url)
      try #require(measured.status == 0, "\(measured.stderr)")
    }
    let head = try ci.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    try ci.git(["push", "-q", "origin", "main"])
    #expect(try CLI.run(["sync"], in: ci.url).status == 0)
    // Someone with push access rewrites the shared notes: the base far below zero,
    // the head so large that head - base and any sum overflow Int64.
    try Self.craftNote(base, size: -(Int64(1) << 62), in: ci)
    try Self.craftNote(head, size: (Int64(1) << 62) + (Int64(1) << 61), in: ci)
    try ci.git(["push", "-q", "-f", "origin", "refs/notes/sizebudget"])

    let laptop = try GitRepository(cloning: origin.path)
    let synced = try CLI.run(["sync"], in: laptop.url)
    #expect(synced.status == 0 || synced.status == 2, "\(synced.status): \(synced.stderr)")
    #expect(
      synced.stdout.contains(String(head.prefix(12))) || synced.stderr.contains(String(head.prefix(12))),
      "the refused note is named by its commit: \(synced.stdout)\(synced.stderr)")
    #expect(
      (synced.stdout + synced.stderr).contains("negative size")
        || (synced.stdout + synced.stderr).contains("absurd size"))
    let commands: [[String]] = [
      ["check"], ["check", "--format", "json"], ["log"], ["log", "--format", "markdown"],
      ["diff", base, head, "--image", "api"], ["report", "--since", "2000-01-01"],
      ["report", "--since", "2000-01-01", "--format", "json"], ["explain", "--image", "api"],
    ]
    for command in commands {
      let result = try CLI.run(command, in: laptop.url)
      #expect([0, 1, 2, 3].contains(result.status), "\(command): exit \(result.status)\n\(result.stderr.prefix(400))")
      #expect(!result.stderr.contains("Swift runtime failure"), "\(command)")
      #expect(!result.stdout.contains("-4.61 EB") && !result.stdout.contains("6.92 EB"), "\(command): \(result.stdout)")
    }
  }
}

/// SHA-256 in hex, through sha256sum (the tests' real tool for digests).
enum SHA256Hex {
  static func of(_ bytes: [UInt8]) -> String {
    let digest = try? Compressor.pipe(["sha256sum"], bytes)
    return String(String(decoding: digest ?? [], as: UTF8.self).prefix(64))
  }
}
