import Analysis
import Foundation
import Model
import Store
import TestSupport
import Testing

@Suite struct MeasurementStoreTests {
  static func sample(commit: String = String(repeating: "c", count: 40), bytes: Int64 = 1000) -> ImageMeasurement {
    ImageMeasurement(
      image: "api", commit: commit, source: "oci:x", platform: "linux/amd64", manifestDigest: "sha256:m",
      configDigest: nil, compressedBytes: bytes, compressedEstimated: false, uncompressedBytes: bytes * 3,
      wastedBytes: 7, fileCount: 2, pathDepth: 4, toolVersion: "test", measuredAt: "2026-11-25T10:00:00Z",
      host: "ci",
      layers: [
        LayerMeasurement(
          index: 0, digest: "sha256:l0", diffID: "sha256:d0", mediaType: nil, compression: "gzip",
          compressedBytes: bytes, compressedEstimated: false, uncompressedBytes: bytes * 3, fileCount: 2,
          createdBy: "COPY . /")
      ],
      paths: [PathSize(path: "/", bytes: bytes * 3, files: 2), PathSize(path: "/app", bytes: bytes, files: 1)],
      wasted: [WastedFile(path: "/tmp/x", bytes: 7, addedIn: 0, hiddenIn: 0, reason: .deleted)],
      forbidden: [
        PatternMatch(pattern: "**/x", files: 1, bytes: 7, examples: [.init(path: "/tmp/x", bytes: 7, layer: 0)])
      ],
      required: [RequiredPath(path: "/app/", present: true, bytes: bytes)])
  }

  @Test func savesAndLoadsEveryPart() throws {
    let directory = try TemporaryDirectory()
    let store = try MeasurementStore(path: directory.url.appendingPathComponent("s.sqlite").path)
    let sample = Self.sample()
    #expect(try store.save(sample) == .inserted)
    #expect(try store.measurement(image: "api", commit: sample.commit) == sample)
    #expect(try store.measurement(image: "web", commit: sample.commit) == nil)
    #expect(try store.integrityCheck() == "ok")
  }

  @Test func replacingSaysWhatItReplaced() throws {
    let directory = try TemporaryDirectory()
    let path = directory.url.appendingPathComponent("s.sqlite").path
    let store = try MeasurementStore(path: path)
    try store.save(Self.sample(bytes: 1000))
    var newer = Self.sample(bytes: 2000)
    newer.measuredAt = "2026-11-25T11:00:00Z"
    #expect(try store.save(newer) == .replaced(previousMeasuredAt: "2026-11-25T10:00:00Z"))
    #expect(try store.measurement(image: "api", commit: newer.commit)?.compressedBytes == 2000)
    #expect(try store.summaries().count == 1)
    // The same commit measured 1000 bytes apart: the spread is kept as the build's noise.
    var reopened = try #require(try MeasurementStore(path: path).measurement(image: "api", commit: newer.commit))
    #expect(reopened.noise?.compressedBytes == 1000)
    // Reopening migrates nothing twice and keeps the data.
    reopened.noise = nil
    #expect(reopened == newer)
  }

  /// `measuredNoise`, the one query per commit the noise walk asks: whether the image
  /// was measured there, and the noise recorded with it, read back as written.
  static func measuredNoiseReadsBack(_ location: String) throws {
    let store = try MeasurementStore(path: location)
    let noisy = String(repeating: "a", count: 40)
    let steady = String(repeating: "b", count: 40)
    let unmeasured = String(repeating: "d", count: 40)
    // The same commit measured twice, 1000 bytes apart compressed (3000 uncompressed).
    try store.save(Self.sample(commit: noisy, bytes: 1000))
    var again = Self.sample(commit: noisy, bytes: 2000)
    again.measuredAt = "2026-11-25T11:00:00Z"
    try store.save(again)
    try store.save(Self.sample(commit: steady, bytes: 5000))
    let withNoise = try store.measuredNoise(image: "api", commit: noisy)
    #expect(withNoise.measured)
    #expect(withNoise.noise?.compressedBytes == 1000, "\(String(describing: withNoise.noise))")
    #expect(withNoise.noise?.uncompressedBytes == 3000, "\(String(describing: withNoise.noise))")
    #expect(withNoise.noise == (try store.measurement(image: "api", commit: noisy))?.noise)
    let without = try store.measuredNoise(image: "api", commit: steady)
    #expect(without.measured && without.noise == nil, "\(without)")
    let none = try store.measuredNoise(image: "api", commit: unmeasured)
    #expect(!none.measured && none.noise == nil, "\(none)")
    // Another image at a measured commit is not measured.
    #expect(try !store.measuredNoise(image: "web", commit: noisy).measured)
    // Asked again (the statement is prepared once), the answers are the same.
    #expect(try store.measuredNoise(image: "api", commit: noisy).noise == withNoise.noise)
    #expect(try !store.measuredNoise(image: "api", commit: unmeasured).measured)
  }

  @Test func measuredNoiseInSQLite() throws {
    let directory = try TemporaryDirectory()
    try Self.measuredNoiseReadsBack(directory.url.appendingPathComponent("s.sqlite").path)
  }

  @Test func measuredNoiseInPostgres() throws {
    let server = try LocalPostgres.shared.get()
    try Self.measuredNoiseReadsBack(try server.createDatabase())
  }

  @Test func reusesEstimatesByDiffID() throws {
    let directory = try TemporaryDirectory()
    let store = try MeasurementStore(path: directory.url.appendingPathComponent("s.sqlite").path)
    var sample = Self.sample()
    sample.layers[0].compressedEstimated = true
    sample.layers[0].compressedBytes = 4242
    try store.save(sample)
    let tarBytes = sample.layers[0].uncompressedBytes
    #expect(
      try store.knownEstimates(for: [("sha256:d0", tarBytes), ("sha256:other", 10)]) == [
        "sha256:d0": KnownEstimate(compressedBytes: 4242, tarBytes: tarBytes)
      ])
    // Another measurement records an estimate of the same diff id made of a tar of
    // another size (a config naming another layer's diff id): the one of the layer's
    // size is found whichever was recorded first; with none of its size, or no size
    // given, another is returned (the measurer uses none of another size, but names
    // it in its refusal).
    var other = Self.sample()
    other.commit = String(repeating: "e", count: 40)
    other.layers[0].compressedEstimated = true
    other.layers[0].compressedBytes = 99
    other.layers[0].uncompressedBytes = tarBytes + 512
    try store.save(other)
    #expect(try store.knownEstimates(for: [("sha256:d0", tarBytes)])["sha256:d0"]?.compressedBytes == 4242)
    #expect(try store.knownEstimates(for: [("sha256:d0", tarBytes + 512)])["sha256:d0"]?.compressedBytes == 99)
    #expect(try store.knownEstimates(for: [("sha256:d0", 1)])["sha256:d0"] != nil)
    #expect(try store.knownEstimates(for: [("sha256:d0", nil)])["sha256:d0"] != nil)
  }

  @Test func anUnwritableLocationIsAClearError() throws {
    let error = try #require(throws: StoreError.self) { try MeasurementStore(path: "/nonexistent/dir/s.sqlite") }
    #expect(error.message.contains("cannot open the store /nonexistent/dir/s.sqlite"))
  }
}
