import Budgets
import Testing

@Suite struct PathPatternTests {
  @Test(arguments: [
    ("**/__pycache__/**", "/srv/app/__pycache__/main.cpython-311.pyc", true),
    ("**/__pycache__/**", "/srv/app/main.py", false),
    ("__pycache__/", "/a/b/__pycache__/x.pyc", true),
    ("/usr/bin/gcc*", "/usr/bin/gcc-12", true),
    ("/usr/bin/gcc*", "/usr/bin/g++", false),
    ("/usr/bin/gcc*", "/usr/local/bin/gcc", false),
    ("/srv/tests/**", "/srv/tests/test_api.py", true),
    ("/srv/tests/**", "/srv/testsuite/x", false),
    ("**/site-packages/pytest/**", "/opt/venv/lib/python3.11/site-packages/pytest/__init__.py", true),
    ("/usr/**/gcc", "/usr/gcc", true),
    ("/usr/**/gcc", "/usr/lib/x/gcc", true),
    ("/a/?.txt", "/a/b.txt", true),
    ("/a/?.txt", "/a/bb.txt", false),
    ("*.pyc", "/deep/down/x.pyc", true),
    ("/root/.cache/pip/", "/root/.cache/pip/http/x", true),
  ])
  func matches(pattern: String, path: String, expected: Bool) throws {
    #expect(try PathPattern(pattern).matches(path) == expected)
  }

  @Test func literalPrefixNamesTheFixedDirectories() throws {
    #expect(try PathPattern("/srv/tests/**").literalPrefix == "/srv/tests")
    #expect(try PathPattern("**/x").literalPrefix == "")
  }

  @Test func rejectsMalformedPatterns() {
    #expect(throws: SizeSyntaxError.self) { try PathPattern("") }
    #expect(throws: SizeSyntaxError.self) { try PathPattern("/usr/**gcc") }
  }
}
