import Analysis
import Model

/// Compilers, build systems and development headers in the final image: they are
/// needed to build, not to run.
public struct BuildToolsRule: FindingRule {
  public let name = "build-tools"
  /// Compilers, linkers, build systems, and what a compiler install pulls in only for
  /// itself (sanitizer runtimes, GMP/MPFR/ISL for gcc's optimiser, binutils' libraries).
  /// Not the runtime libraries every program uses (libgcc-s1, libstdc++6, gcc-12-base).
  static let exact: Set<String> = [
    "make", "build-essential", "cmake", "autoconf", "automake", "libtool", "pkg-config", "pkgconf", "libc-dev-bin",
    "rpcsvc-proto", "musl-dev", "patch", "dpkg-dev",
    // Alpine's names for the same things.
    "build-base", "alpine-sdk", "abuild", "fortify-headers", "linux-headers", "libc-dev",
  ]
  static let prefixes = [
    "clang", "llvm", "binutils", "libasan", "libtsan", "liblsan", "libubsan", "libhwasan", "libitm", "libquadmath",
    "libcc1-", "libisl", "libmpc", "libmpfr", "libgprofng", "libctf", "libbinutils", "libjansson",
  ]

  static func isBuildTool(_ package: PackageSize) -> Bool {
    guard package.ecosystem == "deb" || package.ecosystem == "apk" else { return false }
    let name = package.name
    if exact.contains(name) || name.hasSuffix("-dev") { return true }
    if prefixes.contains(where: { name.hasPrefix($0) }) { return true }
    // gcc, gcc-12, g++-12, cpp-12, and the cross-named x86_64-linux-gnu ones; not gcc-12-base.
    for compiler in ["gcc", "g++", "cpp"] where name == compiler || name.hasPrefix(compiler + "-") {
      let rest = name.dropFirst(compiler.count + 1)
      return name == compiler || rest.allSatisfy { $0.isNumber || $0 == "." } || rest.hasPrefix("x86-64")
        || rest.hasPrefix("aarch64")
    }
    return false
  }

  public init() {}

  public func findings(in measurement: ImageMeasurement) -> [Finding] {
    let tools = measurement.packages.filter(Self.isBuildTool).sorted { $0.bytes > $1.bytes }
    let bytes = tools.reduce(0) { $0 + $1.bytes }
    guard bytes > 0 else { return [] }
    let (layer, createdBy) = Findings.layer(of: tools.map { ($0.layer, $0.bytes) }, in: measurement)
    return [
      Finding(
        rule: name, title: "Build toolchain in the final image (\(tools.count) packages)", severity: .high,
        bytes: bytes, saving: bytes, layer: layer, createdBy: createdBy,
        fix: "Build in a first stage and copy only the results into a slim runtime stage (a multi-stage build); "
          + "the compiler and -dev packages stay behind.",
        items: tools.prefix(8).map { Finding.Item(name: "\($0.name) \($0.version ?? "")", bytes: $0.bytes) })
    ]
  }
}
