import Budgets
import SystemCalls
import Testing

/// The screen only turns away paths a pattern cannot match: every path a pattern
/// matches passes it, and paths without the names and name starts and ends a pattern
/// needs do not.
@Suite struct PathPatternScreenTests {
  static let patterns = [
    "**/__pycache__/**", "**/*.pyc", "/usr/bin/gcc*", "/a/?.txt", "**/*.dSYM/", "**/lib*.so.*", "**/libcuda*",
    "/home/*/.cache/pip/", "**/docker-compose*.yml", "/usr/**/gcc", "**/*", "/srv/*/x*y", "**/a*a",
    "/*.txt", "/us?/**", "**/ü*.pyc", "**/???", "/é/**",
  ]
  static let paths = [
    "/srv/app/__pycache__/main.cpython-311.pyc", "/srv/app/main.py", "/usr/bin/gcc-12", "/usr/bin/g++",
    "/usr/local/bin/gcc", "/a/b.txt", "/a/bb.txt", "/x/Foo.dSYM/Contents/Info.plist", "/x/Foo.dSYM",
    "/x/dSYM/y", "/usr/lib/libz.so.1", "/usr/lib/libz.so", "/opt/nvidia/libcudart.so.12",
    "/usr/lib/libcuda.so.1", "/home/me/.cache/pip/http/x", "/home/.cache/pip/x", "/srv/docker-compose.yml",
    "/srv/docker-compose.prod.yml", "/srv/compose.yml", "/usr/gcc", "/usr/lib/x/gcc", "/srv/q/xy", "/srv/q/x",
    "/srv/q/y", "/a", "/aa", "/aba", "/é/ü.pyc", "/", "/notes.txt", "/x/notes.txt", "/usr/x",
    "/é/üb.pyc", "/é/u.pyc", "/abc",
  ]

  @Test func everyMatchPassesTheScreen() throws {
    let patterns = try Self.patterns.map { try PathPattern($0) }
    let screen = PathPatternScreen(patterns)
    var matched = 0
    var turnedAway = 0
    for path in Self.paths {
      let components = path.slashSeparated()
      let traits = screen.traits(of: components)
      for (index, pattern) in patterns.enumerated() {
        if pattern.matches(components: components) {
          matched += 1
          #expect(screen.mayMatch(index, traits), "\(pattern) matches \(path) but the screen turned it away")
        } else if !screen.mayMatch(index, traits) {
          turnedAway += 1
        }
      }
    }
    // The pairs that match (as many as a regular-expression model of the patterns
    // finds in the lists above), and the screen does turn most of the others away.
    #expect(matched == 78)
    #expect(turnedAway > 300)
  }

  /// Past the first 64 names and ends (the categories need 86 names): those patterns
  /// are screened too, and what they match passes.
  @Test func manyPatternsAreAllScreened() throws {
    let patterns = try (0..<100).flatMap { [try PathPattern("**/n\($0)/**"), try PathPattern("**/*.e\($0)")] }
    let screen = PathPatternScreen(patterns)
    for index in [0, 70, 99] {
      let traits = screen.traits(of: "/a/n\(index)/b.e\(index)".slashSeparated())
      #expect(screen.mayMatch(2 * index, traits) && screen.mayMatch(2 * index + 1, traits))
      let other = screen.traits(of: "/a/n\(index + 1)/b.e\(index + 1)".slashSeparated())
      #expect(!screen.mayMatch(2 * index, other) && !screen.mayMatch(2 * index + 1, other))
    }
  }

  @Test(arguments: [
    ("**/*.pyc", "/srv/app/main.py"),
    ("/usr/bin/gcc*", "/usr/bin/g++"),
    ("**/*.dSYM/", "/x/dSYM/y"),
    ("**/*.dSYM/", "/x/Foo.dSYMs/y"),
    ("**/lib*.so.*", "/usr/lib/z.so.1"),
    ("**/docker-compose*.yml", "/srv/compose.yml"),
    ("**/docker-compose*.yml", "/srv/docker-compose.yaml"),
    ("**/a*a", "/a"),
    ("**/__pycache__/**", "/srv/app/main.pyc"),
  ])
  func pathsWithoutWhatAPatternNeedsAreTurnedAway(pattern: String, path: String) throws {
    let screen = PathPatternScreen([try PathPattern(pattern)])
    #expect(!screen.mayMatch(0, screen.traits(of: path.slashSeparated())))
  }

  @Test func globAffixesAreTheBytesAroundTheWildcards() throws {
    let affixes = try PathPattern("/usr/lib*/**/x?y*.so").globAffixes
    #expect(affixes.map { String(decoding: $0.prefix, as: UTF8.self) } == ["lib", "x"])
    #expect(affixes.map { String(decoding: $0.suffix, as: UTF8.self) } == ["", ".so"])
    #expect(affixes.map(\.isLast) == [false, true])
    #expect(try PathPattern("/srv/*/x").globAffixes.isEmpty)
  }
}
