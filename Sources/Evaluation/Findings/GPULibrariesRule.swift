import Analysis
import Model

/// CUDA and other GPU libraries: often the biggest part of an ML image, and useless
/// where it runs on CPUs.
public struct GPULibrariesRule: FindingRule {
  public let name = "gpu-libraries"
  public init() {}

  public func findings(in measurement: ImageMeasurement) -> [Finding] {
    Findings.fromCategory(
      "gpu", rule: name, title: "GPU libraries (CUDA, cuDNN, NCCL…)",
      fix:
        "If this image runs on CPUs, install the CPU build (pip install torch --index-url https://download.pytorch.org/whl/cpu).",
      in: measurement, severity: .info)
  }
}
