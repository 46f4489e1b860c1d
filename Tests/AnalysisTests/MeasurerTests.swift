import Analysis
import ArchiveIO
import Budgets
import Foundation
import ImageSource
import Model
import TestSupport
import Testing

/// Small real images, written by the tests, measured through every transport.
@Suite struct MeasurerTests {
  static let layers = [
    ImageBuilder.Layer(
      [
        .directory("app"), .file("app/a.py", size: 100), .file("app/b.py", size: 200), .directory("etc"),
        .file("etc/x.conf", size: 50), .file("usr/lib/python3/site-packages/pytest/__init__.py", size: 1_500_000),
      ], createdBy: "/bin/sh -c #(nop) COPY . /"),
    ImageBuilder.Layer(
      [
        TarBuilder.Entry("app/.wh.a.py"), .file("app/b.py", size: 300),
        .file("app/__pycache__/b.cpython-311.pyc", size: 40),
      ],
      createdBy: "/bin/sh -c pip install", compression: .zstd),
    ImageBuilder.Layer(
      [.directory("etc"), TarBuilder.Entry("etc/.wh..wh..opq"), .file("etc/y.conf", size: 10)],
      createdBy: "/bin/sh -c cleanup",
      compression: .none),
  ]

  func options() throws -> Measurer.Options {
    var options = Measurer.Options(image: "app", commit: String(repeating: "a", count: 40))
    options.forbid = [try PathPattern("**/__pycache__/**"), try PathPattern("**/site-packages/pytest/**")]
    options.require = ["/app/", "/usr/sbin/cron"]
    options.pathDepth = 2
    return options
  }

  @Test func mergesLayersWithWhiteoutsAndOpaqueDirectories() throws {
    let directory = try TemporaryDirectory()
    try ImageBuilder(Self.layers).writeOCILayout(to: directory.url)
    let m = try Measurer(try options()).measure(.ociLayout(directory: directory.url.path, tag: nil))
    // a.py deleted (100), b.py overwritten (200), x.conf under an opaque /etc (50).
    #expect(m.wastedBytes == 350)
    #expect(Set(m.wasted.map(\.path)) == ["/app/a.py", "/app/b.py", "/etc/x.conf"])
    let b = try #require(m.wasted.first { $0.path == "/app/b.py" })
    #expect((b.addedIn, b.hiddenIn, b.reason) == (0, 1, .overwritten))
    #expect(m.wasted.first { $0.path == "/etc/x.conf" }?.reason == .deleted)
    #expect(m.fileCount == 4)  // b.py, the .pyc, y.conf, pytest
    #expect(m.bytes(at: "/app") == 340)
    #expect(m.bytes(at: "/etc") == 10)
    #expect(m.bytes(at: "/") == 1_500_350)
    #expect(m.layers.map(\.compression) == ["gzip", "zstd", "none"])
    #expect(
      m.layers.map(\.createdBy) == ["/bin/sh -c #(nop) COPY . /", "/bin/sh -c pip install", "/bin/sh -c cleanup"])
    #expect(m.platform == "linux/amd64")
  }

  @Test func recordsDirectoriesToTheDepthAndLargePathsBelowIt() throws {
    let directory = try TemporaryDirectory()
    try ImageBuilder(Self.layers).writeOCILayout(to: directory.url)
    let m = try Measurer(try options()).measure(.ociLayout(directory: directory.url.path, tag: nil))
    let paths = Set(m.paths.map(\.path))
    #expect(paths.contains("/usr/lib"))  // depth 2
    #expect(paths.contains("/app/__pycache__"))  // a directory at depth 2
    #expect(paths.contains("/usr/lib/python3/site-packages/pytest"))  // deep, but over 1 MB
    #expect(!paths.contains("/etc/y.conf"))  // a small file at depth 2 is summed in /etc only
  }

  @Test func findsForbiddenAndRequiredPaths() throws {
    let directory = try TemporaryDirectory()
    try ImageBuilder(Self.layers).writeOCILayout(to: directory.url)
    let m = try Measurer(try options()).measure(.ociLayout(directory: directory.url.path, tag: nil))
    #expect(m.forbidden.map(\.pattern) == ["**/__pycache__/**", "**/site-packages/pytest/**"])
    #expect(m.forbidden.map(\.files) == [1, 1])
    #expect(m.forbidden.map(\.bytes) == [40, 1_500_000])
    #expect(m.forbidden[0].examples.first?.layer == 1)
    #expect(m.required.map(\.present) == [true, false])
    #expect(m.required.first?.bytes == 340)
  }

  @Test func everyTransportGivesTheSameMeasurement() throws {
    let builder = ImageBuilder(Self.layers)
    let directory = try TemporaryDirectory()
    try builder.writeOCILayout(to: directory.url.appendingPathComponent("layout"))
    let ociArchive = directory.url.appendingPathComponent("image.oci.tar")
    try Data(try builder.ociArchive()).write(to: ociArchive)
    let dockerArchive = directory.url.appendingPathComponent("image.docker.tar")
    try Data(try builder.dockerArchive()).write(to: dockerArchive)
    let measurer = Measurer(try options())
    let layout = try measurer.measure(
      .ociLayout(directory: directory.url.appendingPathComponent("layout").path, tag: nil))
    let archive = try measurer.measure(.ociArchive(path: ociArchive.path, tag: "latest"))
    let docker = try measurer.measure(.dockerArchive(path: dockerArchive.path, tag: nil))
    let stream = try measurer.measureStream(FileRange(file: try OpenFile(path: dockerArchive.path)))
    // The older `<id>/layer.tar` form and Docker 25's OCI form of docker save, from a
    // file and from a stream.
    var otherForms: [ImageMeasurement] = []
    for style in [ImageBuilder.DockerArchiveStyle.layerDirectories, .docker25] {
      let file = directory.url.appendingPathComponent("image.\(style).tar")
      try Data(try builder.dockerArchive(style: style)).write(to: file)
      otherForms.append(try measurer.measure(.dockerArchive(path: file.path, tag: nil)))
      otherForms.append(try measurer.measureStream(FileRange(file: try OpenFile(path: file.path))))
    }
    #expect(otherForms.allSatisfy { $0.compressedBytes == docker.compressedBytes })
    // Unverified, the docker-archive's layers are seeked over, and the estimate reads
    // its windows apart: the same figure.
    var unverified = try options()
    unverified.verify = false
    let seeked = try Measurer(unverified).measure(.dockerArchive(path: dockerArchive.path, tag: nil))
    #expect(seeked.compressedBytes == docker.compressedBytes)
    #expect(seeked.layers.map(\.compressedBytes) == docker.layers.map(\.compressedBytes))
    for other in [archive, docker, stream] + otherForms {
      #expect(other.uncompressedBytes == layout.uncompressedBytes)
      #expect(other.paths == layout.paths)
      #expect(other.wastedBytes == layout.wastedBytes)
      #expect(other.forbidden == layout.forbidden)
      #expect(other.layers.map(\.uncompressedBytes) == layout.layers.map(\.uncompressedBytes))
      #expect(other.layers.map(\.diffID) == layout.layers.map(\.diffID))
    }
    #expect(archive.compressedBytes == layout.compressedBytes)
    #expect(!layout.compressedEstimated)
    #expect(docker.compressedEstimated, "the docker-archive stores these layers as they are; gzip ones keep their size")
  }

  /// A local multi-platform layout: `--platform` picks the manifest, whether the
  /// index lists the manifests itself or through a nested index (buildah's form).
  @Test func aLocalMultiPlatformIndexIsFollowedToThePlatform() throws {
    var amd64 = ImageBuilder([ImageBuilder.Layer([.file("app/amd64.bin", size: 30_000)])])
    amd64.architecture = "amd64"
    var arm64 = ImageBuilder([ImageBuilder.Layer([.file("app/arm64.bin", size: 50_000)])])
    arm64.architecture = "arm64"
    for nested in [false, true] {
      let directory = try TemporaryDirectory()
      try ImageBuilder.writeMultiPlatformOCILayout([amd64, arm64], to: directory.url, nested: nested)
      var options = try options()
      let byDefault = try Measurer(options).measure(.ociLayout(directory: directory.url.path, tag: nil))
      #expect(byDefault.platform == "linux/amd64")
      #expect(byDefault.paths.contains { $0.path == "/app" && $0.bytes == 30_000 })
      options.platform = Platform(os: "linux", architecture: "arm64")
      let arm = try Measurer(options).measure(.ociLayout(directory: directory.url.path, tag: nil))
      #expect(arm.platform == "linux/arm64")
      #expect(arm.paths.contains { $0.path == "/app" && $0.bytes == 50_000 }, "nested: \(nested)")
      options.platform = Platform(os: "linux", architecture: "s390x")
      #expect {
        try Measurer(options).measure(.ociLayout(directory: directory.url.path, tag: nil))
      } throws: { error in
        "\(error)".contains("linux/amd64") && "\(error)".contains("linux/arm64")
      }
    }
  }

  @Test func uncompressedSizesAreTheTarStreams() throws {
    let directory = try TemporaryDirectory()
    try ImageBuilder(Self.layers).writeOCILayout(to: directory.url)
    let m = try Measurer(try options()).measure(.ociLayout(directory: directory.url.path, tag: nil))
    #expect(m.layers.map(\.uncompressedBytes) == Self.layers.map { Int64($0.tar.count) })
    #expect(m.layers[2].compressedBytes == Int64(Self.layers[2].tar.count))
  }
}
