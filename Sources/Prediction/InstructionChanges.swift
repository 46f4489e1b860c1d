import Analysis
import Dockerfile

/// The built stage of a Dockerfile at one commit, as the prediction reads it.
struct DockerStage {
  var dockerfile: Dockerfile
  var stage: Dockerfile.Stage
  var copies: [ContextCopy]
  var installs: Set<DeclaredPackage>
}

/// What a Dockerfile edit does to the built stage, as far as it can be priced: an
/// instruction removed whose layer the measured ancestor holds (matched by its
/// history, `LayerMap`) takes that layer's bytes away; a changed package line is left
/// to the package prices; anything else added or changed (a new RUN, a `COPY
/// --from`, another base image) cannot be priced and is named.
struct InstructionChanges {
  var removedLayers: [Contribution] = []
  /// Packages of install lines whose whole layer was taken away (not priced twice).
  var installsOfRemovedLayers: Set<DeclaredPackage> = []
  /// `FROM changed`, `Dockerfile:5 COPY --from=build /opt/venv /opt/venv added`.
  var unpriced: [String] = []

  init(old: DockerStage, new: DockerStage, measured: ImageMeasurement, path: String) {
    if old.stage.base != new.stage.base { unpriced.append("FROM \(old.stage.base) → \(new.stage.base)") }
    let layerOf = LayerMap.map(
      layers: measured.layers.map { ($0.index, $0.createdBy) }, stage: old.stage, in: old.dockerfile)
    var layerIndex: [Int: Int] = [:]  // instruction line → layer index
    for (index, instruction) in layerOf { layerIndex[instruction.line] = index }
    var remaining = Dictionary(grouping: new.stage.instructions, by: Self.key).mapValues(\.count)
    var removed: [Dockerfile.Instruction] = []
    for instruction in old.stage.instructions {
      let key = Self.key(instruction)
      if let count = remaining[key], count > 0 { remaining[key] = count - 1 } else { removed.append(instruction) }
    }
    let added = new.stage.instructions.filter { instruction in
      let key = Self.key(instruction)
      guard let count = remaining[key], count > 0 else { return false }
      remaining[key] = count - 1
      return true
    }
    // An install line replaced by another is a package change: the prices say what it does.
    let addsInstalls = added.contains { !SystemInstalls.packages(in: $0.arguments).isEmpty }
    for instruction in removed {
      let installs = SystemInstalls.packages(in: instruction.arguments)
      if !installs.isEmpty && addsInstalls { continue }
      guard let index = layerIndex[instruction.line], let layer = measured.layers.first(where: { $0.index == index })
      else {
        if Self.makesLayer(instruction) {
          unpriced.append(
            "\(path) line \(instruction.line) \(instruction.keyword) \(Self.firstLine(instruction.arguments)) removed, "
              + "its layer not found in the measurement")
        }
        continue
      }
      installsOfRemovedLayers.formUnion(installs)
      removedLayers.append(
        Contribution(
          kind: .layer, subject: "\(instruction.keyword) \(Self.firstLine(instruction.arguments))",
          uncompressedBytes: -layer.uncompressedBytes, compressedBytes: -layer.compressedBytes,
          uncompressedUncertainty: 0, compressedUncertainty: 0,
          source: "removed from \(path) (was line \(instruction.line)); layer \(index) of "
            + "\(measured.commit.prefix(7))",
          compressedHow: layer.compressedEstimated ? "the layer's estimated size" : "the layer's size"))
    }
    for instruction in added where Self.makesUnpricedLayer(instruction) {
      unpriced.append(
        "\(path):\(instruction.line) \(instruction.keyword) \(Self.firstLine(instruction.arguments)) added")
    }
  }

  /// Instructions that make a layer the prediction cannot price: RUN lines other than
  /// package installs, COPY/ADD from another stage or image. A COPY from the context
  /// is priced by the files it takes only when they change; a new one is named too.
  static func makesUnpricedLayer(_ instruction: Dockerfile.Instruction) -> Bool {
    switch instruction.keyword {
    case "RUN": return SystemInstalls.packages(in: instruction.arguments).isEmpty
    case "COPY", "ADD": return true
    default: return false
    }
  }

  static func makesLayer(_ instruction: Dockerfile.Instruction) -> Bool {
    ["RUN", "COPY", "ADD"].contains(instruction.keyword)
  }

  static func key(_ instruction: Dockerfile.Instruction) -> String {
    "\(instruction.keyword) \(instruction.flags.joined(separator: " ")) \(instruction.arguments)"
  }

  static func firstLine(_ text: String) -> String {
    let line = String(text.prefix { $0 != "\n" })
    return line.count > 60 ? String(line.prefix(57)) + "…" : line
  }
}
