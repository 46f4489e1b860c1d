import Analysis
import Foundation
import Model
import Store
import TestSupport
import Testing

/// A measurement is read in one read transaction: a reader racing a writer that
/// re-measures the same (commit, image) sees the old measurement or the new one,
/// whole, never totals without their layers (issue 13, item 8).
@Suite struct ConcurrentReadTests {
  /// A measurement whose layers sum to its totals, with enough rows that a read and
  /// a write take long enough to overlap.
  static func measurement(generation: Int64) -> ImageMeasurement {
    var sample = MeasurementStoreTests.sample(bytes: 0)
    sample.layers = (0..<40).map { index in
      LayerMeasurement(
        index: index, digest: "sha256:l\(index)-\(generation)", diffID: "sha256:d\(index)-\(generation)",
        mediaType: nil, compression: "gzip", compressedBytes: 1000 + generation, compressedEstimated: false,
        uncompressedBytes: 3000 + generation, fileCount: 1, createdBy: "RUN step \(index)")
    }
    sample.paths = (0..<200).map { PathSize(path: "/app/dir\($0)", bytes: 10, files: 1) }
    sample.compressedBytes = sample.layers.reduce(0) { $0 + $1.compressedBytes }
    sample.uncompressedBytes = sample.layers.reduce(0) { $0 + $1.uncompressedBytes }
    sample.measuredAt = "2026-11-25T10:00:\(String(format: "%02d", generation % 60))Z"
    return sample
  }

  /// Runs a writer that re-saves the measurement while this thread reads it; returns
  /// what the reads found wrong.
  static func race(_ location: String, seconds: Double = 3) throws -> [String] {
    let commit = measurement(generation: 0).commit
    try MeasurementStore(path: location).save(measurement(generation: 0))
    let done = Flag()
    let writerFailure = Box()
    let writer = Thread {
      do {
        let store = try MeasurementStore(path: location)
        var generation: Int64 = 1
        while !done.isSet {
          try store.save(measurement(generation: generation))
          generation += 1
        }
      } catch {
        writerFailure.set("writer: \(error)")
      }
    }
    writer.start()
    defer { done.set() }
    let store = try MeasurementStore(path: location)
    var problems: [String] = []
    let deadline = Date().addingTimeInterval(seconds)
    var reads = 0
    while Date() < deadline && problems.count < 5 {
      reads += 1
      guard let read = try store.measurement(image: "api", commit: commit) else {
        problems.append("read \(reads): no measurement at all")
        continue
      }
      let layers = read.layers.reduce(0) { $0 + $1.compressedBytes }
      if read.layers.count != 40 || layers != read.compressedBytes || read.paths.count != 200 {
        problems.append(
          "read \(reads): \(read.layers.count) layers summing to \(layers) for a total of \(read.compressedBytes), "
            + "\(read.paths.count) paths")
      }
    }
    done.set()
    while writer.isExecuting { Thread.sleep(forTimeInterval: 0.01) }
    return problems + (writerFailure.value.map { [$0] } ?? [])
  }

  @Test func sqliteReadsAreWholeWhileAWriterReplaces() throws {
    let directory = try TemporaryDirectory()
    let problems = try Self.race(directory.url.appendingPathComponent("s.sqlite").path)
    #expect(problems.isEmpty, "\(problems)")
  }

  @Test func postgresReadsAreWholeWhileAWriterReplaces() throws {
    let server = try LocalPostgres.shared.get()
    let problems = try Self.race(try server.createDatabase())
    #expect(problems.isEmpty, "\(problems)")
  }
}

final class Flag: @unchecked Sendable {
  private let lock = NSLock()
  private var value = false
  var isSet: Bool { lock.withLock { value } }
  func set() { lock.withLock { value = true } }
}

final class Box: @unchecked Sendable {
  private let lock = NSLock()
  private var text: String?
  var value: String? { lock.withLock { text } }
  func set(_ new: String) { lock.withLock { text = new } }
}
