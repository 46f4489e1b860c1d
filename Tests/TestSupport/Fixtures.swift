import Foundation

/// The real before/after images built by ../shared/fixtures/make-fixture-images.sh
/// (`scripts/fixtures.sh` builds them once and caches them; `make test` runs it).
public enum Fixtures {
  public static let directory = URL(
    fileURLWithPath: ProcessInfo.processInfo.environment["SIZEBUDGET_FIXTURES"] ?? "/tmp/sizebudget-fixtures/out")

  public static var available: Bool {
    FileManager.default.fileExists(atPath: directory.appendingPathComponent("sizes.txt").path)
  }

  public static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  /// One layer's line of sizes.txt.
  public struct LayerSizes: Equatable, Sendable {
    public var compressed: Int64
    public var uncompressed: Int64
  }

  /// sizes.txt, per image ("before", "after"): the layers' sizes, from the OCI manifest
  /// (compressed) and the docker-archive's tar headers (uncompressed).
  public static func sizes() throws -> [String: [LayerSizes]] {
    let text = try String(contentsOf: directory.appendingPathComponent("sizes.txt"), encoding: .utf8)
    var result: [String: [LayerSizes]] = [:]
    var current: String? = nil
    for line in text.split(separator: "\n") {
      if line.hasPrefix("== api:") {
        current = String(line.dropFirst("== api:".count))
        result[current!] = []
        continue
      }
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      guard let current, fields.count >= 3, Int(fields[0]) != nil, let c = Int64(fields[1]), let u = Int64(fields[2])
      else { continue }
      result[current]!.append(LayerSizes(compressed: c, uncompressed: u))
    }
    return result
  }
}
