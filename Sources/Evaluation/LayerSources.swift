/// Where each layer of a measured image was made: the line of `[image.X] dockerfile`
/// (read at the measured commit) whose instruction made it. Only layers matched
/// exactly by their history have a line; the rest are said to be unmatched, never
/// guessed (the base image's layers, an instruction edited since the build).
public struct LayerSources: Sendable, Codable, Equatable {
  /// The Dockerfile, relative to the repository root as budgets.toml names it.
  public var dockerfile: String
  /// Layer index → 1-based line of the instruction that made it.
  public var lines: [Int: Int]
  /// Why no layer could be matched at all (the file is not in the commit, does not
  /// parse, has no such target), to say instead of a line.
  public var problem: String?

  public init(dockerfile: String, lines: [Int: Int], problem: String? = nil) {
    self.dockerfile = dockerfile
    self.lines = lines
    self.problem = problem
  }

  public func line(ofLayer layer: Int) -> Int? { lines[layer] }

  /// `docker/api.Dockerfile:12`, or nil for an unmatched layer.
  public func location(ofLayer layer: Int) -> String? { lines[layer].map { "\(dockerfile):\($0)" } }

  /// What to print next to a layer: its `file:line`, or that it has none (and why,
  /// when the Dockerfile could not be read at all).
  public func describe(layer: Int) -> String {
    location(ofLayer: layer) ?? problem ?? "no line in \(dockerfile)"
  }
}
