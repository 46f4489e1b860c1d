import Analysis
import Budgets
import Model

/// `[image.NAME.packages]` caps (`torch = "2 GB"`) and `forbid_packages`.
public struct PackageRules: BudgetRule {
  public init() {}

  public func evaluate(_ context: RuleContext) -> [RuleResult] {
    let budget = context.budget
    guard !budget.packages.isEmpty || !budget.forbidPackages.isEmpty else { return [] }
    guard context.measurement.layersRead else {
      return [
        .layersNotRead(
          "packages", line: (budget.packages.first?.limit.position ?? budget.forbidPackages.first?.position)?.line)
      ]
    }
    let installed = context.measurement.packages.filter { $0.ecosystem != "none" }
    var results: [RuleResult] = []
    for cap in budget.packages {
      let matches = installed.filter { Self.names($0, cap.name) }
      let bytes = matches.reduce(0) { $0 + $1.bytes }
      let over = bytes > cap.limit.value.bytes
      results.append(
        RuleResult(
          rule: "package", subject: cap.name, status: over ? .fail : .pass, actual: bytes, limit: cap.limit.value.bytes,
          message: matches.isEmpty
            ? "package \(cap.name) is not installed"
            : "package \(cap.name) holds \(ByteSize.format(bytes))"
              + (over ? ", over its cap \(cap.limit.value)" : ", within its cap \(cap.limit.value)"),
          budgetLine: cap.limit.position.line,
          details: matches.map { "\($0.ecosystem) \($0.name) \($0.version ?? "") \($0.location ?? "")" }))
    }
    for forbidden in budget.forbidPackages {
      let matches = installed.filter { Self.names($0, forbidden.value) }
      results.append(
        matches.isEmpty
          ? RuleResult(
            rule: "forbid_packages", subject: forbidden.value, status: .pass,
            message: "package \(forbidden.value) is not installed", budgetLine: forbidden.position.line)
          : RuleResult(
            rule: "forbid_packages", subject: forbidden.value, status: .fail,
            actual: matches.reduce(0) { $0 + $1.bytes },
            message:
              "forbidden package \(forbidden.value) is installed (\(ByteSize.format(matches.reduce(0) { $0 + $1.bytes })))",
            budgetLine: forbidden.position.line,
            details: matches.map {
              "\($0.ecosystem) \($0.name) \($0.version ?? "") in layer \($0.layer.map(String.init) ?? "?")"
            }))
    }
    return results
  }

  /// Whether `spec` names the package: `pytest` in any ecosystem, `python:pytest` in
  /// one. Python names compare as PyPI does (`Typing_Extensions` is `typing-extensions`).
  static func names(_ package: PackageSize, _ spec: String) -> Bool {
    var name = Substring(spec)
    if let colon = spec.firstIndex(of: ":"), ["deb", "apk", "python", "npm"].contains(spec[..<colon]) {
      guard spec[..<colon] == package.ecosystem else { return false }
      name = spec[spec.index(after: colon)...]
    }
    guard package.ecosystem == "python" else { return package.name == name }
    func normalized<S: StringProtocol>(_ s: S) -> String {
      String(s.lowercased().map { $0 == "_" || $0 == "." ? "-" : $0 })
    }
    return normalized(package.name) == normalized(name)
  }
}

/// `explain`'s findings in `check`: warnings, or failures for the rules `deny` names;
/// acknowledged when `allow` names the finding or covers all its files.
public struct FindingsRule: BudgetRule {
  public init() {}

  public func evaluate(_ context: RuleContext) -> [RuleResult] {
    let denied = Set(context.budget.deny.map(\.value))
    return Findings.all(in: context.measurement).filter { $0.severity != .info || denied.contains($0.rule) }.map {
      finding in
      var line = context.budget.deny.first { $0.value == finding.rule }?.position.line
      let compressed = finding.compressedSaving(in: context.measurement)
      var status: RuleStatus = denied.contains(finding.rule) ? .fail : .warn
      var message =
        "\(finding.title): \(Self.saving(finding, compressed: compressed, metric: context.metric)) "
        + "(sizebudget explain tells how to remove it)"
      let files = AcknowledgedFiles(
        finding.items.map { ($0.name, $0.bytes) }, total: finding.items.count, budget: context.budget)
      let coversAll = files.all && files.bytes >= finding.bytes
      if let allowance = context.budget.allowance(forFinding: finding.rule) {
        status = .acknowledged
        line = allowance.position.line
        message = "acknowledged by allow \"\(allowance.value.text)\": " + message
      } else if coversAll {
        status = .acknowledged
        line = context.budget.allowance(forPath: finding.items[0].name)?.position.line
        message = "acknowledged by allow \(files.named) (all its files): " + message
      } else if files.count > 0 {
        message +=
          "; \(files.count) of its largest files (\(ByteSize.format(files.bytes))) acknowledged by allow \(files.named)"
      }
      return RuleResult(
        rule: "finding", subject: finding.rule, status: status,
        actual: context.metric == .compressed ? compressed : finding.saving, message: message, budgetLine: line,
        details: [finding.fix], layer: finding.layer)
    }
  }

  /// The saving in the budget's metric; a compressed budget also gets the
  /// uncompressed figure the finding measured (both matter: pull time and disk).
  public static func saving(_ finding: Finding, compressed: Int64, metric: Metric) -> String {
    guard finding.saving > 0 else { return "\(ByteSize.format(finding.bytes)) uncompressed" }
    let uncompressed = "saves \(ByteSize.format(finding.saving)) uncompressed"
    return metric == .compressed ? "\(uncompressed), ≈ \(ByteSize.format(compressed)) compressed" : uncompressed
  }
}

extension Finding {
  /// What removing it saves once compressed: an estimate (≈), at the compression
  /// ratio of the layer that holds most of it, or of the whole image.
  public func compressedSaving(in measurement: ImageMeasurement) -> Int64 {
    let layer = self.layer.flatMap { index in measurement.layers.first { $0.index == index } }
    let (compressed, uncompressed) =
      layer.map { ($0.compressedBytes, $0.uncompressedBytes) }
      ?? (measurement.compressedBytes, measurement.uncompressedBytes)
    guard uncompressed > 0 else { return saving }
    return Int64((Double(saving) * Double(compressed) / Double(uncompressed)).rounded())
  }
}
