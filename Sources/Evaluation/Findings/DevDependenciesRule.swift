import Analysis
import Model

/// Test, lint and type-checking tools installed into the runtime.
public struct DevDependenciesRule: FindingRule {
  public let name = "dev-dependencies"
  /// Tools that only development and CI need, and what only they pull in.
  static let python: Set<String> = [
    "pytest", "pytest-cov", "pytest-mock", "pytest-asyncio", "pytest-xdist", "coverage", "mypy", "mypy-extensions",
    "black", "ruff", "flake8", "pylint", "isort", "tox", "nox", "pre-commit", "hypothesis", "ipython", "ipdb",
    "debugpy", "pluggy", "iniconfig", "pathspec", "pyflakes", "pycodestyle", "bandit", "httpx",
  ]
  static let npm: Set<String> = [
    "eslint", "jest", "typescript", "prettier", "ts-node", "ts-jest", "mocha", "chai", "nodemon", "webpack",
    "webpack-cli", "@babel/core", "vitest",
  ]

  public init() {}

  public func findings(in measurement: ImageMeasurement) -> [Finding] {
    let dev = measurement.packages.filter { package in
      (package.ecosystem == "python" && Self.python.contains(package.name))
        || (package.ecosystem == "npm" && (Self.npm.contains(package.name) || package.name.hasPrefix("@types/")))
    }.sorted { $0.bytes > $1.bytes }
    let bytes = dev.reduce(0) { $0 + $1.bytes }
    guard bytes > 0 else { return [] }
    let (layer, createdBy) = Findings.layer(of: dev.map { ($0.layer, $0.bytes) }, in: measurement)
    return [
      Finding(
        rule: name, title: "Development and test dependencies in the runtime (\(dev.count) packages)",
        severity: max(.medium, Finding.Severity.of(bytes)), bytes: bytes, saving: bytes, layer: layer,
        createdBy: createdBy,
        fix: "Install only the runtime requirements in the image (requirements.txt, not requirements-dev.txt; "
          + "npm ci --omit=dev); run tests in a separate build stage.",
        items: dev.prefix(10).map { Finding.Item(name: "\($0.name) \($0.version ?? "")", bytes: $0.bytes) })
    ]
  }
}
