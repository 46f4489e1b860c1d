import Analysis
import Budgets

/// `allow` in an image's budget: what the team has looked at and keeps. A result it
/// covers becomes `acknowledged` (shown, never dropped); a partly covered one keeps
/// its status and says how much is acknowledged.
extension ImageBudget {
  /// The `allow` entry that acknowledges a whole finding.
  func allowance(forFinding name: String) -> Located<Allowance>? {
    allow.first { $0.value == .finding(name) }
  }

  /// The `allow` entry whose pattern covers a path of the image.
  func allowance(forPath path: String) -> Located<Allowance>? {
    guard path.hasPrefix("/") else { return nil }
    return allow.first {
      guard case .path(let pattern) = $0.value else { return false }
      return pattern.matches(path)
    }
  }
}

/// Which of a list of files (a finding's items, a forbid match's examples) `allow`
/// covers.
struct AcknowledgedFiles {
  var count = 0
  var bytes: Int64 = 0
  /// The patterns that covered them, as written.
  var patterns: [String] = []
  /// Every listed file is covered, and the list is complete.
  var all = false

  init(_ files: [(path: String, bytes: Int64)], total: Int, budget: ImageBudget) {
    for file in files {
      guard let allowance = budget.allowance(forPath: file.path) else { continue }
      count += 1
      bytes += file.bytes
      if !patterns.contains(allowance.value.text) { patterns.append(allowance.value.text) }
    }
    all = count > 0 && count == files.count && files.count >= total
  }

  /// `allow "/opt/venv/**/*.so"`.
  var named: String { patterns.map { "\"\($0)\"" }.joined(separator: ", ") }
}
