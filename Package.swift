// swift-tools-version:6.0
import PackageDescription

// Data flows one way: TOML → Budgets → (GitHistory, ImageSource → Analysis) → Store
// → Evaluation → Formats → Notify; `SizeBudgetKit` wires them for the commands and
// `sizebudget` is a thin argument-parsing front end over it.
let package = Package(
  name: "sizebudget",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "sizebudget", targets: ["sizebudget"]),
    .executable(name: "toml-test-decoder", targets: ["toml-test-decoder"]),
    .library(name: "TOML", targets: ["TOML"]),
    .library(name: "SizeBudgetKit", targets: ["SizeBudgetKit"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    // A hand-written TOML 1.0 parser with positions; no dependencies.
    .target(name: "TOML"),
    // budgets.toml → typed model, sizes, validation with positions.

    .target(name: "Budgets", dependencies: ["TOML"]),
    // Terminal tables, human sizes, colour rules: shared by every output.
    .target(name: "Formats", dependencies: ["Budgets"]),
    // What the commands do, as library calls the CLI front end makes.
    .target(name: "SizeBudgetKit", dependencies: ["TOML", "Budgets", "Formats"]),
    .executableTarget(
      name: "sizebudget",
      dependencies: [
        "SizeBudgetKit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(name: "toml-test-decoder", dependencies: ["TOML"]),
    // `make bench`: in-process timings that Benchmarks/run.sh prints beside their peers.
    .executableTarget(
      name: "sizebudget-bench", dependencies: ["TOML", "Budgets"], path: "Benchmarks/sizebudget-bench"),
    .testTarget(name: "TOMLTests", dependencies: ["TOML"]),
    .testTarget(name: "BudgetsTests", dependencies: ["Budgets", "TOML"]),
    .testTarget(name: "SizeBudgetKitTests", dependencies: ["SizeBudgetKit"]),
    // Drives the real binaries with real files, repositories, images and servers.
    .testTarget(name: "IntegrationTests", dependencies: ["sizebudget", "toml-test-decoder"]),
  ],
  swiftLanguageModes: [.v6]
)
