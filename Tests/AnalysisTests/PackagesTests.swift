import Analysis
import Foundation
import Model
import TestSupport
import Testing

@Suite struct PackagesTests {
  @Test func attributesPythonDebianAndNpmFiles() throws {
    let site = "opt/venv/lib/python3.11/site-packages"
    let record =
      "torch/__init__.py,sha256=x,300\ntorch/lib/libtorch.so,,5000\n../../../bin/torchrun,,40\ntorch-2.5.1.dist-info/RECORD,,\n"
    let layer = ImageBuilder.Layer([
      .file(
        "var/lib/dpkg/status",
        "Package: gcc-12\nStatus: install ok installed\nVersion: 12.2\nArchitecture: amd64\n\nPackage: gone\nStatus: deinstall ok config-files\n"
      ),
      .file("var/lib/dpkg/info/gcc-12.list", "/.\n/usr\n/usr/bin/gcc-12\n"),
      .file("usr/bin/gcc-12", size: 1000),
      .file("\(site)/torch/__init__.py", size: 300), .file("\(site)/torch/lib/libtorch.so", size: 5000),
      .file("opt/venv/bin/torchrun", size: 40),
      .file("\(site)/torch-2.5.1.dist-info/RECORD", record),
      .file("\(site)/torch-2.5.1.dist-info/METADATA", "Metadata-Version: 2.1\nName: torch\nVersion: 2.5.1\n\nbody"),
      .file("srv/node_modules/left-pad/package.json", "{\"name\": \"left-pad\", \"version\": \"1.3.0\"}"),
      .file("srv/node_modules/left-pad/index.js", size: 70),
      .file("srv/app/main.py", size: 10),
    ])
    let directory = try TemporaryDirectory()
    try ImageBuilder([layer]).writeOCILayout(to: directory.url)
    let m = try Measurer(.init(image: "x", commit: String(repeating: "a", count: 40)))
      .measure(.ociLayout(directory: directory.url.path, tag: nil))
    let byName = Dictionary(uniqueKeysWithValues: m.packages.map { ($0.key, $0) })
    #expect(byName["deb:gcc-12"]?.bytes == 1000)
    #expect(byName["deb:gcc-12"]?.version == "12.2")
    #expect(byName["deb:gone"] == nil)
    let torch = try #require(byName["python:torch@/\(site)"], "\(m.packages.map(\.key))")
    #expect(torch.bytes == 5340 + Int64(record.utf8.count))
    #expect(torch.version == "2.5.1")
    #expect(
      byName["npm:left-pad@/srv/node_modules"]?.bytes == 70
        + Int64("{\"name\": \"left-pad\", \"version\": \"1.3.0\"}".utf8.count))
    #expect(byName["none:/srv/app"]?.bytes == 10)
  }

  /// On merged-/usr systems (Debian 12) dpkg lists `/lib/…` and `/bin/…` while the
  /// files live under `/usr`, behind directory links: they still belong to the package.
  @Test func followsDirectoryLinksOfMergedUsr() throws {
    let layer = ImageBuilder.Layer([
      .symlink("lib", to: "usr/lib"), .symlink("bin", to: "/usr/bin"),
      .file("var/lib/dpkg/status", "Package: libc6\nStatus: install ok installed\nVersion: 2.36\n"),
      .file("var/lib/dpkg/info/libc6.list", "/.\n/lib/x86_64-linux-gnu/libc.so.6\n/bin/ldd\n/lib/loop/x\n"),
      .file("usr/lib/x86_64-linux-gnu/libc.so.6", size: 2000), .file("usr/bin/ldd", size: 50),
      .symlink("usr/lib/loop", to: "../lib/loop"),
    ])
    let directory = try TemporaryDirectory()
    try ImageBuilder([layer]).writeOCILayout(to: directory.url)
    let m = try Measurer(.init(image: "x", commit: String(repeating: "a", count: 40)))
      .measure(.ociLayout(directory: directory.url.path, tag: nil))
    let libc = try #require(m.packages.first { $0.key == "deb:libc6" })
    #expect(libc.bytes == 2050)
    #expect(libc.files == 2)
    #expect(!m.packages.contains { $0.ecosystem == "none" && $0.name.hasPrefix("/usr") && $0.bytes > 0 })
  }
}

/// The walks after package attribution read the marks it leaves on the tree: a shared
/// library the distribution installed is its choice, not an `unstripped` finding, even
/// now that the category walk runs beside attribution and those walks (issue 16). Same
/// bytes, two places.
@Suite struct UnstrippedAfterAttributionTests {
  @Test func aDistributionLibraryIsNotReportedUnstrippedButTheImagesOwnCopyIs() throws {
    let work = try TemporaryDirectory()
    var source = ""
    for i in 0..<50 { source += "int f\(i)(int x) { return x * \(i) + \(i % 7); }\n" }
    try work.write("lib.c", source)
    let library = work.url.appendingPathComponent("lib.so").path
    let gcc = try CLI.run(
      ["gcc", "-g", "-O1", "-shared", "-fPIC", "-o", library, work.url.appendingPathComponent("lib.c").path],
      product: "/usr/bin/env")
    try #require(gcc.status == 0, "\(gcc.stderr)")
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: library)))
    let layer = ImageBuilder.Layer([
      .file("var/lib/dpkg/status", "Package: libdemo1\nStatus: install ok installed\nVersion: 1.0\n"),
      .file("var/lib/dpkg/info/libdemo1.list", "/usr/lib/x86_64-linux-gnu/libdemo.so.1\n"),
      .init("usr/lib/x86_64-linux-gnu/libdemo.so.1", bytes),
      .init("usr/local/lib/libown.so", bytes),
    ])
    let directory = try TemporaryDirectory()
    try ImageBuilder([layer]).writeOCILayout(to: directory.url)
    for _ in 0..<5 {
      let m = try Measurer(.init(image: "x", commit: String(repeating: "a", count: 40)))
        .measure(.ociLayout(directory: directory.url.path, tag: nil))
      #expect(m.packages.map(\.key).contains("deb:libdemo1"))
      let unstripped = try #require(m.categories.first { $0.pattern == "unstripped" })
      #expect(unstripped.examples.map(\.path) == ["/usr/local/lib/libown.so"])
    }
  }
}
