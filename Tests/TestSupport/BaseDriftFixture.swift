import ArchiveIO
import Foundation

/// A base image rebuilt upstream, made by buildah: a base built twice under one name
/// (the second 100 kB bigger, as when upstream rebuilds a tag), and the same
/// application built FROM each. buildah annotates the OCI manifests with the base's
/// name (`localhost/test/base:latest`) and digest; the docker-archives carry no
/// annotations.
///
/// Built once per test run, into a directory under the temporary directory named
/// after the build script's hash: a later run finds it there, and an edit of the
/// script builds anew. The build goes into a directory of its own and is renamed
/// into place when complete, so that test runs in several worktrees at once never
/// see half an image.
public final class BaseDriftFixture: Sendable {
  /// Builds base v1 and v2 and the app on each into `$1`: app1.oci, app2.oci,
  /// app1.tar, app2.tar (docker-archive), base1.oci, base2.oci.
  public static let buildScript = """
    set -euo pipefail
    T=$1
    B=(buildah --root "$T/storage" --runroot "$T/runroot" --storage-driver vfs)
    mkdir -p "$T/ctx"
    printf 'FROM localhost/test/base:latest\\nCOPY app.txt /app/\\n' > "$T/ctx/Dockerfile"
    head -c 50000 /dev/zero > "$T/ctx/app.txt"
    for v in 1 2; do
      mkdir -p "$T/rootfs$v/etc" "$T/rootfs$v/usr/lib"
      echo "base $v" > "$T/rootfs$v/etc/os-release"
      head -c $((100000 * v)) /dev/urandom > "$T/rootfs$v/usr/lib/libbase.so"
      c=$("${B[@]}" from scratch)
      "${B[@]}" copy "$c" "$T/rootfs$v/" / >/dev/null
      "${B[@]}" commit -q "$c" localhost/test/base:latest >/dev/null
      "${B[@]}" rm "$c" >/dev/null
      "${B[@]}" push -q localhost/test/base:latest "oci:$T/base$v.oci:base" >/dev/null
      "${B[@]}" bud -q --isolation chroot --pull-never --layers -t localhost/test/app:$v "$T/ctx" >/dev/null
      "${B[@]}" push -q localhost/test/app:$v "oci:$T/app$v.oci:app" >/dev/null
      "${B[@]}" push -q localhost/test/app:$v "docker-archive:$T/app$v.tar:localhost/test/app:$v" >/dev/null
    done
    rm -rf "$T/storage" "$T/runroot" "$T/ctx" "$T/rootfs1" "$T/rootfs2"
    """

  /// The files the script writes, all present in a complete build.
  public static let files = ["app1.oci", "app2.oci", "app1.tar", "app2.tar", "base1.oci", "base2.oci"]

  public let directory: URL

  private init(directory: URL) { self.directory = directory }

  /// `app1.oci`, `app2.oci`, `app1.tar`, `app2.tar`, `base1.oci` or `base2.oci`.
  public func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  /// The images, built on the first call of the run (or found from an earlier run of
  /// the same script).
  public static func images() throws -> BaseDriftFixture {
    try lock.withLock {
      if let built { return built }
      let fixture = BaseDriftFixture(directory: try buildOnce())
      built = fixture
      return fixture
    }
  }

  /// Where a build of the current script lives: named by its SHA-256.
  public static var cacheDirectory: URL {
    let hash = SHA256.digest(Array(buildScript.utf8)).replacingOccurrences(of: "sha256:", with: "").prefix(16)
    return FileManager.default.temporaryDirectory.appendingPathComponent("sizebudget-base-drift-\(hash)")
  }

  private static func buildOnce() throws -> URL {
    let target = cacheDirectory
    let manager = FileManager.default
    if isComplete(target) { return target }
    let work = target.deletingLastPathComponent().appendingPathComponent(
      "\(target.lastPathComponent).building-\(UUID().uuidString)")
    try manager.createDirectory(at: work, withIntermediateDirectories: true)
    let script = work.appendingPathComponent("build.sh")
    try buildScript.write(to: script, atomically: true, encoding: .utf8)
    let result = try CLI.run(["bash", script.path, work.path], product: "/usr/bin/env", timeout: 900)
    guard result.status == 0, isComplete(work) else {
      try? manager.removeItem(at: work)
      throw NSError(
        domain: "BaseDriftFixture", code: Int(result.status),
        userInfo: [NSLocalizedDescriptionKey: "buildah could not build the base-drift images: \(result.stderr)"])
    }
    do {
      try manager.moveItem(at: work, to: target)
    } catch {
      // Another test run finished the same build first: use theirs.
      try? manager.removeItem(at: work)
      guard isComplete(target) else { throw error }
    }
    return target
  }

  private static func isComplete(_ directory: URL) -> Bool {
    files.allSatisfy { FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }
  }

  private static let lock = NSLock()
  nonisolated(unsafe) private static var built: BaseDriftFixture? = nil
}
