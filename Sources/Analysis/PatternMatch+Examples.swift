import Model

extension PatternMatch {
  /// Counts a matching file, keeping as examples only the largest (by size, then
  /// path) `exampleLimit`: a pattern that matches 100,000 files holds a few dozen
  /// examples at a time, not all of them.
  mutating func count(_ example: Example) {
    files += 1
    bytes += example.bytes
    keepExample(example)
  }

  /// Adds an example, dropping the smaller ones whenever four times the limit are held.
  mutating func keepExample(_ example: Example) {
    examples.append(example)
    if examples.count >= 4 * Self.exampleLimit { keepLargestExamples() }
  }

  /// The examples sorted largest first (ties by path), at most `exampleLimit`.
  mutating func keepLargestExamples() {
    examples = Array(examples.sorted { ($0.bytes, $1.path) > ($1.bytes, $0.path) }.prefix(Self.exampleLimit))
  }
}
