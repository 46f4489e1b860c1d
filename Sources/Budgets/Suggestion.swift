/// "Did you mean …?" for mistyped keys and units.
public enum Suggestion {
  /// The candidate nearest to `word` by edit distance, if it is near enough to be a typo.
  public static func closest(to word: some StringProtocol, among candidates: [String], caseInsensitive: Bool = false)
    -> String?
  {
    let target = caseInsensitive ? word.lowercased() : String(word)
    var best: (candidate: String, distance: Int)? = nil
    for candidate in candidates {
      let distance = editDistance(target, caseInsensitive ? candidate.lowercased() : candidate)
      if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
    }
    guard let best else { return nil }
    let limit = max(1, min(3, target.count / 3))
    return best.distance <= limit ? best.candidate : nil
  }

  /// Levenshtein distance, with a transposition counted as one edit.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars)
    let b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous2 = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          current[j] = min(current[j], previous2[j - 2] + 1)
        }
      }
      (previous2, previous, current) = (previous, current, previous2)
    }
    return previous[b.count]
  }
}
