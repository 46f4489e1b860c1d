import Foundation
import TestSupport

/// A repository with budgets.toml and small OCI images of chosen sizes, measured
/// into its store by the real binary: the ground the gate tests stand on.
final class GateFixture {
  let repo: GitRepository
  var images = 0

  init(budgets: String) throws {
    repo = try GitRepository()
    try repo.commit("budgets", files: ["budgets.toml": budgets, "api/main.py": "print('hi')\n"])
  }

  var url: URL { repo.url }

  /// Writes an image whose single uncompressed layer holds `bytes` in /app/blob plus
  /// `files`, and measures it at HEAD (or `commit`).
  @discardableResult
  func measure(
    bytes: Int, files: [TarBuilder.Entry] = [], image: String = "api", commit: String? = nil,
    environment: [String: String] = [:]
  ) throws -> CLI.Result {
    images += 1
    let layer = ImageBuilder.Layer(
      [.file("app/blob", size: max(0, bytes - 2048))] + files, createdBy: "COPY blob /app/ #\(images)",
      compression: .none)
    let directory = repo.url.appendingPathComponent("build/image\(images).oci")
    try ImageBuilder([layer]).writeOCILayout(to: directory)
    var arguments = ["measure", "oci:build/image\(images).oci", "--image", image]
    if let commit { arguments += ["--commit", commit] }
    let result = try CLI.run(arguments, in: repo.url, environment: environment)
    precondition(result.status == 0, "measure failed: \(result.stderr)")
    return result
  }

  @discardableResult
  func commit(_ message: String, files: [String: String] = [:]) throws -> String {
    try repo.commit(message, files: files)
  }

  func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CLI.Result {
    try CLI.run(arguments, in: repo.url, environment: environment)
  }
}
