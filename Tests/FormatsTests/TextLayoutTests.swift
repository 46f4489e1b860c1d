import Analysis
import Budgets
import Evaluation
import Model
import Testing

@testable import Formats

/// What text output leaves out when there is nothing to say, and what it never cuts.
@Suite struct TextLayoutTests {
  /// A "what grew" heading with nothing under it reads as a failure to show what grew.
  @Test func nothingGrewHasNoWhatGrewHeading() {
    let same = EstimateLabelTests.measurement(100_000_000, estimated: false)
    let diff = MeasurementDiff.between(same, same)
    #expect(CheckText.whatGrew(diff, since: String(repeating: "a", count: 40), terminal: .plain).isEmpty)

    var grown = same
    grown.layers.append(
      LayerMeasurement(
        index: 1, digest: nil, diffID: "sha256:1", mediaType: nil, compression: "gzip", compressedBytes: 5_000,
        compressedEstimated: false, uncompressedBytes: 10_000, fileCount: 1, createdBy: "RUN pip install x"))
    let lines = CheckText.whatGrew(
      MeasurementDiff.between(same, grown), since: String(repeating: "a", count: 40), terminal: .plain)
    #expect(lines.first?.contains("what grew since") == true, "\(lines)")
    #expect(lines.count > 1)
  }

  /// Too wide for the line: the subject gives way; the verdict is never cut.
  @Test func aNarrowTableCutsTheSubjectNeverTheVerdict() {
    let verdict = "within budget, warning: finding"
    var table = TextTable([
      .init("commit"), .init("size", .right), .init("status", fit: .keep), .init("subject", fit: .free),
    ])
    table.add(["0123456789ab", "40 kB", verdict, "pip install of the whole requirements file"])
    let narrow = table.render(width: 70)
    #expect(narrow.contains(verdict), "\(narrow)")
    #expect(narrow.contains("…"), "the subject is cut: \(narrow)")
    #expect(narrow.split(separator: "\n").allSatisfy { $0.count <= 70 }, "\(narrow)")

    // With a short subject, nothing else may give way: the verdict stays whole.
    var short = TextTable([.init("commit"), .init("status", fit: .keep), .init("subject", fit: .free)])
    short.add(["0123456789ab", verdict, "pip"])
    #expect(short.render(width: 30).contains(verdict))
  }

  @Test func aListColumnDropsWholeItemsSoNoFigureIsCut() {
    var table = TextTable([.init("component"), .init("uncompressed", .right), .init("largest", fit: .list)])
    table.add(["Debian packages (120)", "412 MB", "gcc-12 36.2 MB, cpp-12 32.1 MB, libperl5.36 24.9 MB, perl 18 MB"])
    let narrow = table.render(width: 60)
    #expect(narrow.contains("gcc-12 36.2 MB, …"), "\(narrow)")
    #expect(!narrow.contains("32.1"), "an item that does not fit goes whole: \(narrow)")
    #expect(narrow.split(separator: "\n").allSatisfy { $0.count <= 60 }, "\(narrow)")
    #expect(table.render(width: 200).contains("perl 18 MB"), "a wide terminal shows every item")
  }

  /// A table still too wide once cut moves its `movesUnder` columns (the rightmost
  /// first) under each row, whole and wrapped between words; a wide one is unchanged.
  @Test func columnsThatMoveUnderLeaveTheRowWholeRatherThanCut() throws {
    let status = "within budget (measured at 0123456789ab, nothing in context changed since)"
    var table = TextTable([
      .init("commit"), .init("size", .right), .init("status", fit: .keep, movesUnder: true),
      .init("subject", fit: .free, movesUnder: true),
    ])
    table.add(["0123456789ab", "40 kB", status, "docs: how to read the report"])
    let wide = table.render(width: 200)
    #expect(wide.split(separator: "\n").count == 2, "\(wide)")
    #expect(wide == table.render(width: nil))
    let narrow = table.render(width: 40)
    let lines = narrow.split(separator: "\n").map(String.init)
    #expect(lines.allSatisfy { $0.count <= 40 }, "\(narrow)")
    try #require(lines.count > 2, "nothing moved under the row: \(narrow)")
    #expect(lines[0] == "commit         size", "only the columns left are titled: \(narrow)")
    #expect(lines[1] == "0123456789ab  40 kB")
    #expect(lines[2].hasPrefix("  within budget"), "\(narrow)")
    let words = lines.dropFirst(2).joined(separator: " ").split(separator: " ").joined(separator: " ")
    #expect(words == status + " · docs: how to read the report", "nothing cut: \(narrow)")
  }
}
