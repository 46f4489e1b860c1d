// swift-tools-version:6.0
import PackageDescription

// Data flows one way: TOML → Budgets; ArchiveIO → ImageSource → Analysis (a source is
// read into a measurement) → Store; GitHistory beside them; SizeBudgetKit wires them
// for the commands and `sizebudget` is a thin argument-parsing front end over it.
let package = Package(
  name: "sizebudget",
  // Linux only, so no `platforms`: the C libraries come from Debian's -dev packages
  // and the code calls Glibc; nothing is built or tested on macOS (the macOS 13
  // claim it made was never checked).
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
    // System libraries, through their C APIs (Debian's -dev packages).
    // libgit2's headers only: the library is linked statically, by CGit2Startup.
    .systemLibrary(name: "CGit2", providers: [.apt(["libgit2-dev", "libkrb5-dev"])]),
    // SQLite and OpenSSL's libcrypto: headers only, linked statically by the targets
    // that call them (Store; ArchiveIO and CGit2Startup). As shared libraries, their
    // 5,000 symbol bindings and relocated pages were a tenth of the pre-push hook's
    // 17 ms (2.0 ms less, measured interleaved). libcurl and libpq, opened on first
    // use, bring the system's own libcrypto for TLS, and ISA-L defines a gf_mul as
    // libcrypto does: no archive's symbols are exported (ArchiveIO's
    // --exclude-libs=ALL), so each library binds to its own.
    .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
    // libdeflate: the compressed-size estimate's samples, deflated window by window.
    .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
    .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
    .systemLibrary(name: "CCrypto", providers: [.apt(["libssl-dev"])]),
    // libcurl and libpq (PostgreSQL's client library, for fleets that share one
    // database), loaded on first use: between them they bring ~30 shared libraries
    // that the pre-push hook, validate and local stores never use (headers from
    // libcurl4-openssl-dev and libpq-dev).
    .target(name: "CLazyLoad"),
    .target(name: "CCurl", dependencies: ["CLazyLoad"]),
    .target(name: "CLibPQ", dependencies: ["CLazyLoad"]),

    // The operating system's calls (the C library, process groups, signals, sockets,
    // clocks), in one place so that a port to another OS changes one module.
    .target(name: "SystemCalls"),
    // URLs judged in one place: loopback hosts, credentials, redaction for messages.
    .target(name: "Endpoints", dependencies: ["SystemCalls"]),
    // A hand-written TOML 1.0 parser with positions; no dependencies.
    .target(name: "TOML"),
    // Dockerfiles: instructions with lines, stages, ARG expansion; which line made a layer.
    .target(name: "Dockerfile"),
    // budgets.toml → typed model, sizes, globs, validation with positions.
    .target(name: "Budgets", dependencies: ["TOML", "Endpoints", "Model", "SystemCalls"]),
    // libgit2, linked statically with its dependencies' archives (Debian's -dev
    // packages ship them): seven shared libraries fewer for the dynamic loader at
    // every start, the pre-push hook's included. It also keeps libgit2 from parsing
    // the CA bundle at start-up (local history needs no TLS), by wrapping the two
    // mbedTLS calls that load it, and sets libgit2's options at initialisation
    // (startup.c). Its archives' list is also in scripts/dist/dist.sh (licences, SBOM).
    .target(
      name: "CGit2Startup", dependencies: ["CLazyLoad"],
      linkerSettings: [
        .linkedLibrary(":libgit2.a"), .linkedLibrary(":libmbedtls.a"), .linkedLibrary(":libmbedx509.a"),
        .linkedLibrary(":libmbedcrypto.a"), .linkedLibrary(":libhttp_parser.a"), .linkedLibrary(":libssh2.a"),
        .linkedLibrary(":libpcre2-8.a"), .linkedLibrary("z"),
        // (Debian 12's libgit2 1.5 uses http-parser; a later one may use llhttp.)
        // Not Kerberos (libgit2's HTTP Negotiate auth): gssapi.c opens it on first use.
        .unsafeFlags([
          "-Xlinker", "--wrap=mbedtls_x509_crt_parse_file", "-Xlinker", "--wrap=mbedtls_x509_crt_parse_path",
          // libssh2.a calls into libcrypto.a. The linker takes archives in order, and
          // SwiftPM keeps only the first -l of a library (ArchiveIO's, before
          // libssh2.a), so it is named again here, where it comes after.
          "-Xlinker", "-l:libcrypto.a",
        ]),
      ]),
    // gzip inflate through ISA-L's igzip (Debian libisal-dev), behind an opaque C API;
    // ISA-L's CRC-64s for duplicate content's fingerprints.
    .target(name: "CInflate", linkerSettings: [.linkedLibrary("isal")]),
    // libgit2: open, resolve, walk, merge-base, changed paths, commit-graph index.
    .target(name: "GitHistory", dependencies: ["CGit2", "CGit2Startup", "SystemCalls"]),
    // Bytes in: files, standard input, tar members, gzip (ISA-L) and zstd, SHA-256.
    // --exclude-libs applies to every archive of the link; ArchiveIO is in every
    // product that links one. (Release builds have it from the Swift driver too.)
    .target(
      name: "ArchiveIO", dependencies: ["CDeflate", "CInflate", "CZstd", "CCrypto", "SystemCalls"],
      linkerSettings: [
        .linkedLibrary(":libcrypto.a"), .unsafeFlags(["-Xlinker", "--exclude-libs=ALL"]),
      ]),
    // The transports: docker-archive, OCI layout, oci-archive, standard input.
    .target(name: "ImageSource", dependencies: ["ArchiveIO", "Delivery", "Endpoints", "Model", "SystemCalls"]),
    // What flows between modules, with no dependencies of its own: the measurement
    // and its parts, the diff, the check report (each image's evaluation, rule results,
    // the budget's limits, the base measurement, justifications, Dockerfile lines), the
    // verdict, inheritance, the trend, log rows, the bisect result and the weekly report.
    // Evaluation computes them (judging a report is an extension there); Formats only
    // renders them.
    .target(name: "Model"),
    // Layers → merged filesystem → a measurement: paths, waste, forbidden files.
    .target(name: "Analysis", dependencies: ["Model", "ImageSource", "ArchiveIO", "Budgets", "CZstd", "SystemCalls"]),
    // Test hooks (SIZEBUDGET_TEST_PAUSE_AT), apart from the code they stop.
    .target(name: "TestHooks"),
    // SQLite or PostgreSQL, migrations, one transaction per measurement.
    .target(
      name: "Store", dependencies: ["Analysis", "Model", "CSQLite", "CLibPQ", "TestHooks", "Endpoints", "SystemCalls"],
      linkerSettings: [.linkedLibrary(":libsqlite3.a"), .linkedLibrary("m")]),
    // Measurements shared through git notes: the note format, merge, sync with retries.
    .target(name: "Sharing", dependencies: ["GitHistory", "Store", "Analysis", "Model", "Endpoints", "SystemCalls"]),
    // What a push will do to an image, before it is built: from git and the store.
    .target(
      name: "Prediction",
      dependencies: ["Analysis", "Model", "Budgets", "Dockerfile", "GitHistory", "Store", "Evaluation"]),
    // Budgets applied to measurements: one rule per file; diffs between measurements.
    .target(name: "Evaluation", dependencies: ["Budgets", "Analysis", "Model"]),
    // HTTP(S) and SMTP through libcurl: certificate checks on, bounded time.
    .target(name: "Delivery", dependencies: ["CCurl", "Endpoints", "SystemCalls"]),
    // Webhook events: the outbox, Standard Webhooks signatures, retries.
    .target(name: "Notify", dependencies: ["Budgets", "Store", "Delivery", "CCrypto", "Endpoints", "SystemCalls"]),
    // Pull-request comments and commit statuses on GitHub, GitLab and Gitea, through the outbox.
    .target(name: "Forge", dependencies: ["Budgets", "Store", "Delivery", "ArchiveIO", "Endpoints"]),
    // Terminal tables, human sizes, colour rules, the outputs people read.
    .target(
      name: "Formats",
      dependencies: ["Budgets", "Analysis", "Model", "ImageSource", "Evaluation", "SystemCalls", "Prediction"]),
    // The static dashboard: pages, SVG charts and treemaps, its stylesheet and script.
    .target(name: "Site", dependencies: ["Budgets", "Analysis", "Model", "Evaluation", "Formats", "SystemCalls"]),
    // What the commands do, as library calls the CLI front end makes.
    .target(
      name: "SizeBudgetKit",
      dependencies: [
        "TOML", "Budgets", "GitHistory", "ImageSource", "Analysis", "Model", "Store", "Evaluation", "Formats", "Notify",
        "Delivery", "Sharing", "Endpoints", "SystemCalls", "Forge", "Site", "Dockerfile", "Prediction", "TestHooks",
      ]),
    .executableTarget(
      name: "sizebudget",
      dependencies: [
        "SizeBudgetKit", "SystemCalls", "Budgets",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(name: "toml-test-decoder", dependencies: ["TOML"]),
    // `make bench`: in-process timings that Benchmarks/run.sh prints beside their peers.
    .executableTarget(
      name: "sizebudget-bench", dependencies: ["TOML", "Budgets", "Analysis", "Model"],
      path: "Benchmarks/sizebudget-bench"),

    // Helpers the test targets share: tar and image writers, a CLI runner, git repos.
    .target(name: "TestSupport", dependencies: ["ArchiveIO"], path: "Tests/TestSupport"),
    .testTarget(name: "TOMLTests", dependencies: ["TOML", "TestSupport"]),
    .testTarget(name: "BudgetsTests", dependencies: ["Budgets", "SystemCalls", "TOML", "TestSupport"]),
    .testTarget(name: "GitHistoryTests", dependencies: ["GitHistory", "TestSupport"]),
    .testTarget(name: "ArchiveIOTests", dependencies: ["ArchiveIO", "TestSupport"]),
    .testTarget(
      name: "AnalysisTests",
      dependencies: ["Analysis", "Model", "ImageSource", "ArchiveIO", "Budgets", "Dockerfile", "TestSupport"]),
    .testTarget(name: "StoreTests", dependencies: ["Store", "Analysis", "Model", "TestSupport"]),
    .testTarget(
      name: "EvaluationTests",
      dependencies: ["Evaluation", "Analysis", "Model", "Budgets", "ImageSource", "TestSupport"]),
    .testTarget(
      name: "FormatsTests",
      dependencies: ["Formats", "Analysis", "Model", "Budgets", "Evaluation", "Site", "ImageSource", "TestSupport"]),
    .testTarget(name: "DockerfileTests", dependencies: ["Dockerfile", "ImageSource", "TestSupport"]),
    .testTarget(name: "DeliveryTests", dependencies: ["Delivery", "Endpoints", "SystemCalls", "TestSupport"]),
    .testTarget(name: "SystemCallsTests", dependencies: ["SystemCalls"]),
    .testTarget(name: "ForgeTests", dependencies: ["Forge", "Budgets", "Store", "TestSupport"]),
    .testTarget(name: "SizeBudgetKitTests", dependencies: ["SizeBudgetKit"]),
    .testTarget(
      name: "PredictionTests",
      dependencies: ["Prediction", "Dockerfile", "GitHistory", "Store", "Analysis", "Model", "TestSupport"]),
    .testTarget(name: "SharingTests", dependencies: ["Sharing", "Store", "Analysis", "Model"]),
    // Drives the real binaries with real files, repositories, images and servers.
    .testTarget(name: "IntegrationTests", dependencies: ["sizebudget", "toml-test-decoder", "TestSupport"]),
  ],
  swiftLanguageModes: [.v6]
)
