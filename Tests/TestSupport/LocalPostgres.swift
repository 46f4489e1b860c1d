import Foundation

/// A real PostgreSQL server (Debian's packages) on a free port of 127.0.0.1, started
/// once per test run with scripts/postgres.sh and stopped when the run ends; each
/// test takes a fresh database of its own.
public final class LocalPostgres: @unchecked Sendable {
  public static let shared: Result<LocalPostgres, Error> = Result { try LocalPostgres() }

  public let port: Int
  public let directory: URL
  private let lock = NSLock()
  private var databases = 0

  init() throws {
    directory = URL(fileURLWithPath: "/tmp/sizebudget-postgres-\(UUID().uuidString)")
    let socket = try CLI.run(
      ["-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"],
      product: "/usr/bin/python3")
    guard let port = Int(socket.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
      throw NSError(domain: "postgres", code: 1)
    }
    self.port = port
    // Through Python's subprocess, which closes inherited descriptors: the server
    // outlives the call and must not hold this process's pipes.
    let started = try CLI.run(
      [
        "-c",
        "import subprocess, sys; r = subprocess.run(['bash'] + sys.argv[1:], close_fds=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE); sys.stderr.write(r.stderr.decode()); sys.exit(r.returncode)",
        Self.script, "start", directory.path, String(port),
      ], product: "/usr/bin/python3")
    guard started.status == 0 else {
      throw NSError(
        domain: "postgres", code: 2,
        userInfo: [NSLocalizedDescriptionKey: "PostgreSQL did not start: \(started.stderr)"])
    }
    postgresDirectory = directory.path
    atexit {
      guard let directory = postgresDirectory else { return }
      let stop = Process()
      stop.executableURL = URL(fileURLWithPath: "/bin/bash")
      stop.arguments = [LocalPostgres.script, "stop", directory]
      try? stop.run()
      stop.waitUntilExit()
      try? FileManager.default.removeItem(atPath: directory)
    }
  }

  static var script: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scripts/postgres.sh")
      .standardized.path
  }

  /// A new, empty database; its URL (no password: the test server trusts loopback).
  public func createDatabase() throws -> String {
    let name = lock.withLock {
      databases += 1
      return "test_\(databases)_\(UInt32.random(in: 0...UInt32.max))"
    }
    let result = try CLI.run(
      [
        "-h", "127.0.0.1", "-p", String(port), "-U", "sizebudget", "-d", "postgres", "-q", "-c",
        "CREATE DATABASE \(name)",
      ],
      product: "/usr/bin/psql")
    guard result.status == 0 else {
      throw NSError(domain: "postgres", code: 3, userInfo: [NSLocalizedDescriptionKey: result.stderr])
    }
    return "postgres://sizebudget@127.0.0.1:\(port)/\(name)"
  }

  /// Runs SQL with psql; its unaligned output.
  public func query(_ url: String, _ sql: String) throws -> String {
    let result = try CLI.run(["-d", url, "-At", "-c", sql], product: "/usr/bin/psql")
    guard result.status == 0 else {
      throw NSError(domain: "postgres", code: 4, userInfo: [NSLocalizedDescriptionKey: result.stderr])
    }
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
  }
}

nonisolated(unsafe) private var postgresDirectory: String?
