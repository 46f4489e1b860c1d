import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Debian's docker-registry on a free port of 127.0.0.1, started once per test run
/// (with ../shared/fixtures/registry.sh) and stopped when the run ends.
public final class LocalRegistry: @unchecked Sendable {
  public static let shared: LocalRegistry? = try? LocalRegistry()

  public let port: Int
  public let directory: URL
  public var host: String { "127.0.0.1:\(port)" }

  init() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("registry-\(UUID().uuidString)")
    let socket = try CLI.run(
      ["-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"],
      product: "/usr/bin/python3")
    guard let port = Int(socket.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
      throw NSError(domain: "registry", code: 1)
    }
    self.port = port
    // Through Python's subprocess, which closes every inherited descriptor: the
    // registry lives on in the background and would otherwise hold this process's
    // pipes open (Foundation's Process leaks some into children).
    let script = SharedPaths.fixtures.appendingPathComponent("registry.sh").path
    let started = try CLI.run(
      [
        "-c",
        "import subprocess, sys; sys.exit(subprocess.run(['bash', sys.argv[1], 'start'], close_fds=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode)",
        script,
      ],
      product: "/usr/bin/python3", environment: ["REGDIR": directory.path, "REGPORT": String(port)])
    guard started.status == 0 else { throw NSError(domain: "registry", code: 2) }
    registryPIDFile = directory.appendingPathComponent("registry.pid").path
    atexit {
      if let path = registryPIDFile, let text = try? String(contentsOfFile: path, encoding: .utf8),
        let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
      {
        kill(pid, SIGKILL)
      }
    }
  }

  /// Copies an image in with skopeo (`oci:DIR:TAG` → `REPO:TAG`, optionally as v2s2).
  public func push(_ source: String, to repository: String, v2s2: Bool = false) throws {
    var arguments = ["copy", "-q", "--dest-tls-verify=false"]
    if v2s2 { arguments += ["--format", "v2s2"] }
    arguments += [source, "docker://\(host)/\(repository)"]
    let result = try CLI.run(arguments, product: "/usr/bin/skopeo")
    guard result.status == 0 else {
      throw NSError(domain: "skopeo", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: result.stderr])
    }
  }
}

nonisolated(unsafe) private var registryPIDFile: String?

/// ../shared beside the repository.
public enum SharedPaths {
  public static let root: URL = {
    if let override = ProcessInfo.processInfo.environment["SIZEBUDGET_SHARED"] { return URL(fileURLWithPath: override) }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")
  }()
  public static var fixtures: URL { root.appendingPathComponent("fixtures") }
}
