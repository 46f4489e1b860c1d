import Analysis
import Budgets
import Dockerfile
import Evaluation
import GitHistory

/// The Dockerfile line behind each layer of a measurement, from `[image.X]
/// dockerfile` (and `target`) as committed in the measured commit: the file the
/// image was built from, not the work tree's.
enum DockerfileSources {
  /// nil when the image names no Dockerfile.
  static func of(_ measurement: ImageMeasurement, budget: ImageBudget, repository: Repository) -> LayerSources? {
    guard let path = budget.dockerfile?.value else { return nil }
    let commit = measurement.commit.prefix(12)
    func problem(_ text: String) -> LayerSources { LayerSources(dockerfile: path, lines: [:], problem: text) }
    guard let id = ObjectID(hex: measurement.commit) else { return problem("no commit to read \(path) from") }
    let bytes: [UInt8]?
    do { bytes = try repository.file(path, at: id) } catch { return problem(error.message) }
    guard let bytes else { return problem("\(path) is not in commit \(commit)") }
    let dockerfile: Dockerfile
    do { dockerfile = try DockerfileParser.parse(String(decoding: bytes, as: UTF8.self)) } catch {
      return problem("\(path):\(error.line) at \(commit) does not parse: \(error.message)")
    }
    let target = budget.target?.value
    guard let stage = dockerfile.stage(target: target) else {
      return problem("\(path) at \(commit) has no stage \"\(target ?? "")\" (target in [image.\(budget.name)])")
    }
    let instructions = LayerMap.map(
      layers: measurement.layers.map { ($0.index, $0.createdBy) }, stage: stage, in: dockerfile)
    return LayerSources(dockerfile: path, lines: instructions.mapValues(\.line))
  }
}
