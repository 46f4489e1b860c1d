import Analysis
import Model
import Sharing
import Store
import Testing

@Suite struct NoteDocumentTests {
  static func measurement(image: String = "api", at time: String, host: String = "ci-1", bytes: Int64 = 1000)
    -> ImageMeasurement
  {
    var m = ImageMeasurement(
      image: image, commit: String(repeating: "c", count: 40), source: "oci:x", platform: "linux/amd64",
      manifestDigest: "sha256:m", configDigest: nil, compressedBytes: bytes, compressedEstimated: false,
      uncompressedBytes: bytes * 2, wastedBytes: 5, fileCount: 3, pathDepth: 4, toolVersion: "t", measuredAt: time,
      host: host,
      layers: [
        LayerMeasurement(
          index: 0, digest: "sha256:l", diffID: "sha256:d", mediaType: nil, compression: "gzip",
          compressedBytes: bytes, compressedEstimated: false, uncompressedBytes: bytes * 2, fileCount: 3,
          createdBy: "RUN x")
      ],
      paths: [PathSize(path: "/usr", bytes: bytes, files: 3)],
      wasted: [WastedFile(path: "/tmp/x", bytes: 5, addedIn: 0, hiddenIn: 1, reason: .deleted)],
      forbidden: [
        PatternMatch(pattern: "/tmp/**", files: 1, bytes: 5, examples: [.init(path: "/tmp/x", bytes: 5, layer: 0)])
      ],
      required: [RequiredPath(path: "/usr/", present: true, bytes: bytes)])
    m.packages = [
      PackageSize(ecosystem: "deb", name: "libc6", version: "2.36", location: nil, bytes: 9, files: 1, layer: 0)
    ]
    return m
  }

  @Test func aNoteReadsBackAsWritten() throws {
    let record = CommitRecord(
      oid: String(repeating: "c", count: 40), subject: "s", authorName: "a", authorEmail: "a@x", time: 7,
      sizeBudgetReasons: ["vendor update"])
    let document = NoteDocument(commit: record, images: ["api": Self.measurement(at: "2026-11-25T10:00:00Z")])
    let bytes = document.encoded()
    #expect(String(decoding: bytes, as: UTF8.self).contains("\"diff_id\":\"sha256:d\""))
    let read = try NoteDocument.decode(bytes, commit: record.oid)
    #expect(read == document)
    #expect(read.commitRecord(oid: record.oid) == record)
    #expect(read.encoded() == bytes, "the same content is the same blob")
  }

  @Test func mergeIsAUnionWhereTheNewerWinsWhicheverSideMerges() {
    let old = Self.measurement(at: "2026-11-25T10:00:00Z", bytes: 1)
    let new = Self.measurement(at: "2026-11-25T11:00:00Z", bytes: 2)
    let web = Self.measurement(image: "web", at: "2026-11-25T09:00:00Z")
    let ours = NoteDocument(commit: nil, images: ["api": old, "web": web])
    let theirs = NoteDocument(commit: nil, images: ["api": new])
    let merged = NoteDocument.merge(ours, theirs)
    // The newer wins, carrying the spread between the two builds of the commit.
    var spread = new
    spread.noise = MeasurementNoise(compressedBytes: 1, uncompressedBytes: 2, layers: [])
    #expect(merged.images["api"] == spread)
    #expect(merged.images["web"] == web)
    #expect(NoteDocument.merge(theirs, ours) == merged)
    // The same second on two hosts: both orders agree.
    let a = Self.measurement(at: "2026-11-25T12:00:00Z", host: "ci-1", bytes: 3)
    let b = Self.measurement(at: "2026-11-25T12:00:00Z", host: "ci-2", bytes: 4)
    let left = NoteDocument.merge(.init(commit: nil, images: ["api": a]), .init(commit: nil, images: ["api": b]))
    let right = NoteDocument.merge(.init(commit: nil, images: ["api": b]), .init(commit: nil, images: ["api": a]))
    #expect(left == right)
    var bSpread = b
    bSpread.noise = MeasurementNoise(compressedBytes: 1, uncompressedBytes: 2, layers: [])
    #expect(left.images["api"] == bSpread)
  }

  /// Measurements made before measured_at had milliseconds compare by time with the
  /// newer ones, not as strings ("…:07Z" would sort after "…:07.412Z").
  @Test func wholeSecondsAndMillisecondsCompareByTime() {
    let older = Self.measurement(at: "2026-11-25T12:00:07Z")
    let newer = Self.measurement(at: "2026-11-25T12:00:07.412Z", host: "ci-2")
    #expect(NoteDocument.prefers(newer, over: older))
    #expect(!NoteDocument.prefers(older, over: newer))
    #expect(NoteDocument.replaces(newer, stored: older))
    #expect(!NoteDocument.replaces(older, stored: newer))
    let later = Self.measurement(at: "2026-11-25T12:00:08Z")
    #expect(NoteDocument.prefers(later, over: newer))
  }

  @Test func notesKeepTheirSizeBounded() {
    var big = Self.measurement(at: "2026-11-25T10:00:00Z")
    big.paths = (0..<2000).map { PathSize(path: "/usr/lib/deep/a\($0)/b", bytes: Int64($0), files: 1) }
    big.paths += [PathSize(path: "/usr", bytes: 1, files: 1), PathSize(path: "/budgeted/x/y/z", bytes: 0, files: 0)]
    big.wasted = (0..<100).map { WastedFile(path: "/w\($0)", bytes: 1, addedIn: 0, hiddenIn: 1, reason: .deleted) }
    let trimmed = NoteDocument.trimmed(big, keepPaths: ["/budgeted/x/y/z"])
    #expect(trimmed.paths.count == NoteDocument.pathLimit)
    #expect(trimmed.paths.contains { $0.path == "/usr" })
    #expect(trimmed.paths.contains { $0.path == "/budgeted/x/y/z" }, "a budgeted path is kept however small")
    #expect(trimmed.paths.contains { $0.path == "/usr/lib/deep/a1999/b" }, "the largest are kept")
    #expect(!trimmed.paths.contains { $0.path == "/usr/lib/deep/a0/b" })
    #expect(trimmed.wasted.count == NoteDocument.wastedLimit)
    #expect(NoteDocument(commit: nil, images: ["api": trimmed]).encoded().count < 64_000)
  }

  @Test func foreignAndFutureNotesAreClearErrors() {
    #expect(throws: SharingError.self) { try NoteDocument.decode(Array("hello".utf8), commit: "abc") }
    do {
      _ = try NoteDocument.decode(Array(#"{"schema":"sizebudget.note/v2","images":{}}"#.utf8), commit: "abc")
      Issue.record("a v2 note was read")
    } catch {
      #expect(error.message.contains("upgrade sizebudget"))
    }
  }
}
