import Analysis
import Model

/// Bytes a later layer deleted or overwrote: they still ship.
public struct WasteRule: FindingRule {
  public let name = "waste"
  public init() {}

  public func findings(in measurement: ImageMeasurement) -> [Finding] {
    let bytes = measurement.wastedBytes
    // Some rewriting (dpkg's status, ld.so.cache) is normal; flag 10 MB or 5 % of the image.
    guard bytes >= max(10_000_000, measurement.uncompressedBytes / 20) else { return [] }
    let hiddenIn = Findings.layer(of: measurement.wasted.map { ($0.hiddenIn, $0.bytes) }, in: measurement)
    return [
      Finding(
        rule: name, title: "Files deleted or overwritten by a later layer", severity: .of(bytes), bytes: bytes,
        saving: bytes, layer: hiddenIn.0, createdBy: hiddenIn.1,
        fix:
          "Delete files in the same RUN that created them (a later rm only hides them), or squash with a multi-stage copy.",
        items: measurement.wasted.prefix(8).map { Finding.Item(name: $0.path, bytes: $0.bytes) })
    ]
  }
}
