/// A unified diff (`diff -u`, as git prints it) between two versions of a file whose
/// edits change lines in place and never add or remove one, as `budgets tighten`
/// does. Three lines of context, hunks joined when their context meets.
public enum UnifiedDiff {
  public static let context = 3

  public static func render(old: String, new: String, path: String) -> String {
    let before = lines(old)
    let after = lines(new)
    precondition(before.count == after.count, "UnifiedDiff handles in-place line edits only")
    let changed = before.indices.filter { before[$0] != after[$0] }
    guard !changed.isEmpty else { return "" }
    var hunks: [ClosedRange<Int>] = []
    for line in changed {
      let range = max(0, line - context)...min(before.count - 1, line + context)
      if let last = hunks.last, range.lowerBound <= last.upperBound + 1 {
        hunks[hunks.count - 1] = last.lowerBound...range.upperBound
      } else {
        hunks.append(range)
      }
    }
    var output = ["--- a/\(path)", "+++ b/\(path)"]
    for hunk in hunks {
      output.append("@@ -\(hunk.lowerBound + 1),\(hunk.count) +\(hunk.lowerBound + 1),\(hunk.count) @@")
      // A run of changed lines shows all its old lines, then all its new ones.
      var removed: [String] = []
      var added: [String] = []
      for line in hunk {
        if before[line] == after[line] {
          output += removed + added
          (removed, added) = ([], [])
          output.append(" " + before[line])
        } else {
          removed.append("-" + before[line])
          added.append("+" + after[line])
        }
      }
      output += removed + added
    }
    return output.joined(separator: "\n") + "\n"
  }

  /// The file's lines without their terminators; a final newline ends the last line.
  private static func lines(_ text: String) -> [String] {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    return lines
  }
}
