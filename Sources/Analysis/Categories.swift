import Budgets
import Model

/// Kinds of files that rarely belong in a runtime image, counted in every measurement
/// so that `explain` can speak of them later without the image.
public enum FileCategories {
  public struct Category: Sendable {
    public var id: String
    var include: [String]
    var exclude: [String]
    /// Files smaller than this are not counted (model weights: only the big ones).
    var minimumFileSize: Int64 = 0
  }

  /// Application directories only: package managers' own test and doc folders are
  /// the packages' business.
  static let packaged = ["**/site-packages/**", "**/dist-packages/**", "**/node_modules/**", "/usr/**"]
  static let testPaths = ["**/tests/", "**/test/", "**/conftest.py"]
  static let docPaths = ["**/docs/", "**/doc/"]
  /// Bytecode, tool caches and coverage data are their own categories' (and the
  /// bytecode finding's), wherever they are.
  static let bytecode = ["**/__pycache__/", "**/*.pyc"]
  static let toolCaches = ["**/.pytest_cache/", "**/.mypy_cache/", "**/.ruff_cache/", "**/.tox/"]
  static let coverageData = ["**/.coverage", "**/.coverage.*", "**/htmlcov/"]
  static let generated = bytecode + toolCaches + coverageData

  public static let all: [Category] = [
    Category(id: "pip-cache", include: ["/root/.cache/pip/", "/home/*/.cache/pip/"], exclude: []),
    Category(id: "apt-cache", include: ["/var/cache/apt/archives/*.deb"], exclude: []),
    Category(id: "apt-lists", include: ["/var/lib/apt/lists/"], exclude: ["/var/lib/apt/lists/lock"]),
    Category(
      id: "npm-cache",
      include: ["/root/.npm/", "/home/*/.npm/", "**/.yarn/cache/", "/usr/local/share/.cache/yarn/", "**/.pnpm-store/"],
      exclude: []),
    Category(id: "apk-cache", include: ["/var/cache/apk/"], exclude: []),
    // The distribution compiles its own Python's bytecode at install time, on purpose.
    Category(id: "pycache", include: bytecode, exclude: ["/usr/**"]),
    Category(id: "tool-caches", include: toolCaches, exclude: []),
    Category(id: "coverage-data", include: coverageData, exclude: []),
    // tests, docs and repository-files add up to one finding: each file in one of them
    // only (tests first), or the finding would count it twice.
    Category(id: "tests", include: testPaths, exclude: packaged + generated),
    Category(id: "docs", include: docPaths, exclude: packaged + testPaths + generated),
    // What `COPY . .` brings besides the application: the repository's own build and
    // CI files and helper scripts. (/etc is left alone: init scripts live there.)
    Category(
      id: "repository-files",
      include: [
        "**/scripts/", "**/.git/", "**/.github/", "**/.gitlab-ci.yml", "**/Dockerfile", "**/Dockerfile.*",
        "**/*.Dockerfile", "**/docker-compose*.yml", "**/compose*.yaml", "**/.dockerignore", "**/.gitignore",
      ],
      exclude: packaged + ["/etc/**"] + testPaths + docPaths + generated),
    Category(id: "headers", include: ["/usr/include/", "/usr/local/include/"], exclude: []),
    Category(
      id: "gpu",
      include: [
        "**/nvidia/", "**/cuda/", "**/libcuda*", "**/libcudnn*", "**/libcublas*", "**/libcufft*", "**/libnccl*",
        "**/libnvrtc*", "**/libcusparse*",
      ], exclude: []),
    debugSymbols, locales, manPages, systemDocs, modelWeights,
  ]

  /// Debug symbols as files, and what Debian's slim images leave out on purpose
  /// (dpkg path-exclude): locales, man pages, documentation. The copyright files stay:
  /// licences must ship with the binaries, and so does the C.UTF-8 locale.
  static let debugSymbols = Category(
    id: "debug-symbols", include: ["/usr/lib/debug/", "**/*.debug", "**/*.dSYM/"], exclude: [])
  static let locales = Category(
    id: "locales", include: ["/usr/share/locale/", "/usr/lib/locale/", "/usr/share/i18n/"],
    exclude: ["/usr/lib/locale/C.utf8/", "/usr/lib/locale/C.UTF-8/", "/usr/share/locale/locale.alias"])
  static let manPages = Category(
    id: "man-pages", include: ["/usr/share/man/", "/usr/local/share/man/", "/usr/share/info/"], exclude: [])
  static let systemDocs = Category(
    id: "system-docs", include: ["/usr/share/doc/", "/usr/local/share/doc/", "/usr/share/gtk-doc/"],
    exclude: ["/usr/share/doc/*/copyright", "/usr/local/share/doc/*/copyright"])

  /// Model weights and datasets: big, nearly incompressible (floats and already
  /// compressed columns), and needed by the service only once loaded. Only files of
  /// 10 MB or more count: a small lookup table belongs with the code.
  static let modelWeights = Category(
    id: "model-weights",
    include: [
      "**/*.safetensors", "**/*.pt", "**/*.pth", "**/*.ckpt", "**/*.onnx", "**/*.gguf", "**/*.ggml", "**/*.h5",
      "**/*.keras", "**/*.tflite", "**/*.npy", "**/*.npz", "**/*.joblib", "**/*.parquet", "**/*.arrow",
      "**/*.feather", "**/*.tfrecord", "**/pytorch_model*.bin", "**/.cache/huggingface/", "**/.cache/torch/",
    ],
    exclude: [], minimumFileSize: 10_000_000)

  /// For each category, the matching files of the final filesystem.
  static func measure(_ tree: FilesystemTree) -> [PatternMatch] {
    let categories = all + ToolCategories.all
    // Every category's patterns in one list (a category holds their indices), screened
    // together: each file's components are looked up once, not once per pattern.
    var patterns: [PathPattern] = []
    func compile(_ texts: [String]) -> [Int] {
      texts.compactMap { try? PathPattern($0) }.map { pattern in
        patterns.append(pattern)
        return patterns.count - 1
      }
    }
    let compiled = categories.map { (include: compile($0.include), exclude: compile($0.exclude)) }
    let screen = PathPatternScreen(patterns)
    var results = categories.map { PatternMatch(pattern: $0.id, files: 0, bytes: 0, examples: []) }
    tree.forEachFileNames { components, node in
      let traits = screen.traits(of: components)
      func matches(_ pattern: Int) -> Bool {
        screen.mayMatch(pattern, traits) && patterns[pattern].matches(components: components)
      }
      for (index, category) in compiled.enumerated()
      where node.size >= categories[index].minimumFileSize && category.include.contains(where: matches)
        && !category.exclude.contains(where: matches)
      {
        results[index].count(.init(path: "/" + components.joined(separator: "/"), bytes: node.size, layer: node.layer))
      }
    }
    return results.filter { $0.files > 0 }.map { match in
      var match = match
      match.keepLargestExamples()
      return match
    }
  }
}
