import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Measuring from a real registry (Debian's docker-registry on 127.0.0.1), filled with
/// the fixture images by skopeo, as OCI and as Docker v2s2, and a multi-platform index
/// made by buildah.
@Suite(.serialized) struct RegistryTests {
  struct Measured: Decodable, Equatable {
    struct Layer: Decodable, Equatable {
      var compressedBytes: Int64
      var uncompressedBytes: Int64
      var diffId: String?
    }
    struct Path: Decodable, Equatable {
      var path: String
      var bytes: Int64
    }
    var compressedBytes: Int64
    var uncompressedBytes: Int64
    var wastedBytes: Int64
    var layers: [Layer]
    var paths: [Path]
    var platform: String
    var layersRead: Bool
  }

  static let filled: Bool = {
    guard let registry = LocalRegistry.shared, Fixtures.available else { return false }
    for name in ["before", "after"] {
      try? registry.push("oci:\(Fixtures.path("api-\(name).oci")):\(name)", to: "fixture/api:\(name)")
      try? registry.push("oci:\(Fixtures.path("api-\(name).oci")):\(name)", to: "fixture/api-v2s2:\(name)", v2s2: true)
    }
    return true
  }()

  func measure(_ source: String, _ extra: [String] = [], environment: [String: String] = [:]) throws -> (
    CLI.Result, Measured?
  ) {
    let repo = try GitRepository()
    try repo.commit("one")
    let result = try CLI.run(
      ["measure", source, "--image", "api", "--format", "json"] + extra, in: repo.url, environment: environment)
    struct Document: Decodable { var measurement: Measured }
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    let document = try? decoder.decode(Document.self, from: Data(result.stdout.utf8))
    return (result, document?.measurement)
  }

  @Test(arguments: ["before", "after"])
  func registryMeasurementsEqualArchiveMeasurements(name: String) throws {
    try #require(Self.filled, "needs docker-registry, skopeo and the fixture images (make test sets them up)")
    let host = try #require(LocalRegistry.shared).host
    let (_, archive) = try measure("docker-archive:\(Fixtures.path("api-\(name).docker.tar"))")
    let (_, oci) = try measure("oci:\(Fixtures.path("api-\(name).oci"))")
    let expected = try #require(archive)
    let exact = try #require(oci)
    for repository in ["fixture/api", "fixture/api-v2s2"] {
      let (result, measured) = try measure("docker://\(host)/\(repository):\(name)", ["--paths"])
      let got = try #require(measured, "\(result.stderr)")
      #expect(got.compressedBytes == exact.compressedBytes, "\(repository)")
      #expect(got.layers.map(\.compressedBytes) == exact.layers.map(\.compressedBytes))
      #expect(got.uncompressedBytes == expected.uncompressedBytes)
      #expect(got.layers.map(\.uncompressedBytes) == expected.layers.map(\.uncompressedBytes))
      #expect(got.layers.map(\.diffId) == expected.layers.map(\.diffId))
      #expect(got.paths == expected.paths)
      #expect(got.wastedBytes == expected.wastedBytes)
      #expect(got.layersRead)
    }
  }

  @Test func theManifestAloneGivesExactCompressedSizes() throws {
    try #require(Self.filled)
    let host = try #require(LocalRegistry.shared).host
    let (_, oci) = try measure("oci:\(Fixtures.path("api-before.oci"))")
    let (result, measured) = try measure("docker://\(host)/fixture/api:before")
    let got = try #require(measured, "\(result.stderr)")
    #expect(!got.layersRead)
    #expect(got.compressedBytes == oci?.compressedBytes)
    #expect(got.paths.isEmpty)
    let repo = try GitRepository()
    try repo.commit("one")
    let text = try CLI.run(["measure", "docker://\(host)/fixture/api:before", "--image", "api"], in: repo.url)
    #expect(text.stdout.contains("not read: only the registry's manifest was"), "\(text.stdout)")
  }

  @Test func aPinnedDigestIsVerified() throws {
    try #require(Self.filled)
    let host = try #require(LocalRegistry.shared).host
    let digest = try CLI.run(
      ["inspect", "--tls-verify=false", "--format", "{{.Digest}}", "docker://\(host)/fixture/api:after"],
      product: "/usr/bin/skopeo"
    ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let (result, measured) = try measure("docker://\(host)/fixture/api@\(digest)")
    #expect(measured != nil, "\(result.stderr)")
    let wrong = "sha256:" + String(repeating: "0", count: 64)
    let (missing, _) = try measure("docker://\(host)/fixture/api@\(wrong)")
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("no such repository or tag"))
  }

  @Test func aMultiPlatformIndexIsFollowedToThePlatform() throws {
    try #require(Self.filled)
    let registry = try #require(LocalRegistry.shared)
    let storage = try TemporaryDirectory()
    let buildah = [
      "--root", storage.url.appendingPathComponent("s").path, "--runroot", storage.url.appendingPathComponent("r").path,
      "--storage-driver", "vfs",
    ]
    #expect(try CLI.run(buildah + ["manifest", "create", "multi"], product: "/usr/bin/buildah").status == 0)
    for (arch, name) in [("amd64", "after"), ("arm64", "before")] {
      let added = try CLI.run(
        buildah + [
          "manifest", "add", "--os", "linux", "--arch", arch, "multi",
          "oci:\(Fixtures.path("api-\(name).oci")):\(name)",
        ],
        product: "/usr/bin/buildah")
      #expect(added.status == 0, "\(added.stderr)")
    }
    let pushed = try CLI.run(
      buildah + [
        "manifest", "push", "--all", "--tls-verify=false", "-q", "multi",
        "docker://\(registry.host)/fixture/multi:latest",
      ],
      product: "/usr/bin/buildah")
    try #require(pushed.status == 0, "\(pushed.stderr)")
    let (_, amd64) = try measure("docker://\(registry.host)/fixture/multi:latest", ["--paths"])
    let (_, arm64) = try measure(
      "docker://\(registry.host)/fixture/multi:latest", ["--paths", "--platform", "linux/arm64"])
    #expect(amd64?.platform == "linux/amd64")
    #expect(arm64?.platform == "linux/arm64")
    #expect((arm64?.compressedBytes ?? 0) > (amd64?.compressedBytes ?? 0), "arm64 is the bigger 'before' image here")
    let (missing, _) = try measure("docker://\(registry.host)/fixture/multi:latest", ["--platform", "linux/s390x"])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("has no linux/s390x image; it has: linux/amd64, linux/arm64"))
  }

  @Test func errorsNameTheRepositoryAndTag() throws {
    try #require(Self.filled)
    let host = try #require(LocalRegistry.shared).host
    let (notFound, _) = try measure("docker://\(host)/fixture/nope:v1")
    #expect(notFound.status == 2)
    #expect(notFound.stderr.contains("no such repository or tag: fixture/nope:v1"))
    let (badHost, _) = try measure("docker://api:latest")
    #expect(badHost.status == 2)
    #expect(badHost.stderr.contains("write docker://HOST[:PORT]/REPO:TAG"))
    let (dockerHub, _) = try measure("docker://library/api:latest")
    #expect(dockerHub.stderr.contains("\"library\" is not a registry host"))
    // Nothing listens: transient (4), "could not reach"; a name that does not resolve
    // too (DNS may be what is down), while a 404 above is configuration (2).
    let (refused, _) = try measure("docker://127.0.0.1:1/fixture/api:before")
    #expect(refused.status == 4)
    #expect(refused.stderr.contains("could not reach the registry 127.0.0.1:1"), "\(refused.stderr)")
    #expect(refused.stderr.contains("retrying may succeed"))
    let (https, _) = try measure("docker://registry.invalid/fixture/api:before")
    #expect(https.status == 4, "\(https.stderr)")
  }

  /// The token dance (and blob redirects to storage on another host name, which must
  /// not receive the Authorization header), then plain basic auth, through a proxy in
  /// front of the registry (scripts/registry-auth-proxy.py).
  @Test(arguments: [false, true])
  func authenticatedRegistries(basic: Bool) throws {
    try #require(Self.filled)
    let (port, process) = try Self.proxy(basic ? ["--basic"] : [])
    defer { kill(process.processIdentifier, SIGKILL) }
    let source = "docker://127.0.0.1:\(port)/fixture/api:after"
    let (anonymous, _) = try measure(source)
    #expect(anonymous.status == 2)
    #expect(anonymous.stderr.contains("SIZEBUDGET_REGISTRY_USER"), "\(anonymous.stderr)")
    let (wrong, _) = try measure(
      source, environment: ["SIZEBUDGET_REGISTRY_USER": "reader", "SIZEBUDGET_REGISTRY_PASSWORD": "nope"])
    #expect(wrong.status == 2)
    #expect(!wrong.stderr.contains("nope"))
    let (fromEnvironment, measured) = try measure(
      source, ["--paths"], environment: ["SIZEBUDGET_REGISTRY_USER": "reader", "SIZEBUDGET_REGISTRY_PASSWORD": "pa55"])
    #expect(fromEnvironment.status == 0, "\(fromEnvironment.stderr)")
    #expect(measured?.layersRead == true)
    // Credentials from ~/.docker/config.json, as docker login writes them.
    let home = try TemporaryDirectory()
    try home.write(
      ".docker/config.json",
      "{\"auths\": {\"127.0.0.1:\(port)\": {\"auth\": \"\(Data("reader:pa55".utf8).base64EncodedString())\"}}}")
    let (fromConfig, _) = try measure(source, environment: ["HOME": home.url.path])
    #expect(fromConfig.status == 0, "\(fromConfig.stderr)")
  }

  /// scripts/registry-auth-proxy.py in front of the registry, with `arguments`; its
  /// port, and the process to kill.
  static func proxy(_ arguments: [String]) throws -> (Int, Process) {
    let registry = try #require(LocalRegistry.shared)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("scripts/registry-auth-proxy.py").path
    process.arguments = [script, String(registry.port), "reader", "pa55"] + arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    return (try #require(Int(output.fileHandleForReading.readLine())), process)
  }

  /// 429 (with Retry-After) and 5xx are retried; too many, a 403 and a manifest whose
  /// bytes do not match its digest are clear errors naming the image.
  @Test func retriesAndRegistryErrors() throws {
    try #require(Self.filled)
    func through(_ arguments: [String], _ reference: String = "fixture/api:after") throws -> CLI.Result {
      let (port, process) = try Self.proxy(["--no-auth"] + arguments)
      defer { kill(process.processIdentifier, SIGKILL) }
      return try measure("docker://127.0.0.1:\(port)/\(reference)").0
    }
    let unavailable = try through(["--fail-first", "2", "--fail-status", "503"])
    #expect(unavailable.status == 0, "two 503s, then the answer: \(unavailable.stderr)")
    let started = Date()
    let limited = try through(["--fail-first", "2", "--fail-status", "429"])
    #expect(limited.status == 0, "\(limited.stderr)")
    #expect(Date().timeIntervalSince(started) >= 2, "Retry-After: 1, twice")
    let down = try through(["--fail-first", "100", "--fail-status", "502"])
    #expect(down.status == 4, "5xx after the retries: the registry is down, not wrong")
    #expect(down.stderr.contains("could not reach the registry 127.0.0.1:"), "\(down.stderr)")
    #expect(down.stderr.contains("HTTP 502"), "\(down.stderr)")
    #expect(down.stderr.contains("fixture/api"))
    let forbidden = try through(["--forbidden"])
    #expect(forbidden.status == 2)
    #expect(forbidden.stderr.contains("access to fixture/api:after is denied (HTTP 403)"), "\(forbidden.stderr)")

    let host = try #require(LocalRegistry.shared).host
    let digest = try CLI.run(
      ["inspect", "--tls-verify=false", "--format", "{{.Digest}}", "docker://\(host)/fixture/api:after"],
      product: "/usr/bin/skopeo"
    ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let tamperedPin = try through(["--tamper"], "fixture/api@\(digest)")
    #expect(tamperedPin.status == 2)
    #expect(tamperedPin.stderr.contains("not the \(digest) asked for"), "\(tamperedPin.stderr)")
    let tamperedTag = try through(["--tamper"])
    #expect(tamperedTag.status == 2)
    #expect(tamperedTag.stderr.contains("does not match the registry's Docker-Content-Digest"), "\(tamperedTag.stderr)")
  }

  /// docker-daemon: through a `docker` command line that answers as an engine would
  /// (a script on PATH: no engine runs here): `docker save` is streamed into the
  /// measurement and gives what the same archive gives from a file.
  @Test func anEngineImageIsStreamedFromDockerSave() throws {
    let directory = try TemporaryDirectory()
    let archive = directory.url.appendingPathComponent("api.tar")
    let layer = ImageBuilder.Layer([.file("app/blob", size: 40_000), .file("app/main.py", "print(1)\n")])
    try Data(try ImageBuilder([layer]).dockerArchive()).write(to: archive)
    try directory.write(
      "bin/docker",
      """
      #!/bin/sh
      # A stand-in for the docker CLI with an engine that holds api:latest.
      if [ "$1 $2" = "image inspect" ]; then
        [ "$5" = "api:latest" ] && { echo sha256:0123; exit 0; }
        echo "Error response from daemon: No such image: $5" >&2; exit 1
      fi
      if [ "$1" = "save" ]; then
        [ -n "$FAKE_DOCKER_BREAK" ] && { head -c 3000 "\(archive.path)"; echo "write error" >&2; exit 1; }
        exec cat "\(archive.path)"
      fi
      exit 2
      """)
    try FileManager.default.setAttributes(
      [.posixPermissions: 0o755], ofItemAtPath: directory.url.appendingPathComponent("bin/docker").path)
    let path =
      directory.url.appendingPathComponent("bin").path + ":"
      + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    let (fromEngine, streamed) = try measure("docker-daemon:api:latest", environment: ["PATH": path])
    #expect(fromEngine.status == 0, "\(fromEngine.stderr)")
    let (_, fromFile) = try measure("docker-archive:\(archive.path)")
    #expect(streamed != nil && streamed == fromFile)
    let (missing, _) = try measure("docker-daemon:web:latest", environment: ["PATH": path])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("docker-daemon:web:latest: Error response from daemon: No such image"))
    let (broken, _) = try measure(
      "docker-daemon:api:latest", environment: ["PATH": path, "FAKE_DOCKER_BREAK": "1"])
    #expect(broken.status == 2)
    #expect(
      broken.stderr.contains("docker-daemon:api:latest") || broken.stderr.contains("docker save api:latest"),
      "\(broken.stderr)")
  }

  @Test func noDockerEngineIsAClearMessage() throws {
    let (result, _) = try measure("docker-daemon:api:latest")
    #expect(result.status == 2)
    #expect(result.stderr.contains("docker-daemon:api:latest"))
  }
}
