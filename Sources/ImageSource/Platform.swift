/// `os/architecture[/variant]`, as `--platform` and OCI indexes write it.
public struct Platform: Sendable, Hashable, CustomStringConvertible, Codable {
  public var os: String
  public var architecture: String
  public var variant: String?

  public static let linuxAMD64 = Platform(os: "linux", architecture: "amd64", variant: nil)

  public init(os: String, architecture: String, variant: String? = nil) {
    self.os = os
    self.architecture = architecture
    self.variant = variant?.isEmpty == true ? nil : variant
  }

  public init(parsing text: String) throws(ImageSourceError) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }) else {
      throw ImageSourceError(
        "--platform \"\(text)\" must be os/arch or os/arch/variant, like linux/amd64 or linux/arm64/v8")
    }
    self.init(os: parts[0], architecture: parts[1], variant: parts.count == 3 ? parts[2] : nil)
  }

  public var description: String { "\(os)/\(architecture)" + (variant.map { "/\($0)" } ?? "") }

  /// Whether an image built for `candidate` serves a request for `self`; a request
  /// without a variant takes any (arm64's is v8 by convention).
  public func accepts(_ candidate: Platform) -> Bool {
    guard os == candidate.os, architecture == candidate.architecture else { return false }
    guard let variant else { return true }
    return variant == (candidate.variant ?? (architecture == "arm64" ? "v8" : nil))
  }
}
