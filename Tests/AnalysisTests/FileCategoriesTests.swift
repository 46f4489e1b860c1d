import Testing

@testable import Analysis

/// The category walk over a final filesystem: files a later layer deleted are not
/// counted, names with and without the globs' fixed starts and ends, and examples
/// named by their whole paths.
@Suite struct FileCategoriesTests {
  static func tree() throws -> FilesystemTree {
    let files: [(layer: Int, path: String, size: Int64, kind: LayerScan.EntryKind)] = [
      (0, "/usr/lib/python3/__pycache__/os.cpython-311.pyc", 10, .file),
      (0, "/srv/app/__pycache__/main.cpython-311.pyc", 20, .file),
      (0, "/srv/app/old.pyc", 30, .file),
      (0, "/srv/app/main.py", 40, .file),
      (0, "/srv/app/tests/test_main.py", 50, .file),
      (0, "/srv/Foo.dSYM/Contents/Resources/DWARF/Foo", 60, .file),
      (0, "/srv/Foo.dSYMs/x", 70, .file),
      (0, "/opt/nvidia/lib/libcudnn.so.9", 80, .file),
      (0, "/srv/ünïcode/docker-compose.prod.yml", 90, .file),
      (1, "/srv/app/old.pyc", 0, .whiteout),
      (1, "/srv/app/lib/x.debug", 100, .file),
    ]
    let tree = FilesystemTree()
    for layer in 0...1 {
      let writer = try LayerEntries.Writer()
      for file in files where file.layer == layer {
        writer.append(LayerScan.Entry(path: file.path, size: file.size, kind: file.kind))
      }
      try tree.apply(try writer.finish(), layer: layer)
    }
    return tree
  }

  @Test func countsTheFinalFilesystemsFilesByCategory() throws {
    let found = Dictionary(
      uniqueKeysWithValues: FileCategories.measure(try Self.tree()).map { ($0.pattern, $0) })
    // /usr's own bytecode is the distribution's; old.pyc was deleted by layer 1.
    #expect(found["pycache"]?.files == 1)
    #expect(found["pycache"]?.examples.map(\.path) == ["/srv/app/__pycache__/main.cpython-311.pyc"])
    #expect(found["tests"]?.examples.map(\.path) == ["/srv/app/tests/test_main.py"])
    // Under a *.dSYM directory, not under *.dSYMs; and *.debug files.
    #expect(found["debug-symbols"]?.files == 2)
    #expect(found["debug-symbols"]?.bytes == 160)
    #expect(found["gpu"]?.examples.map(\.path) == ["/opt/nvidia/lib/libcudnn.so.9"])
    #expect(found["repository-files"]?.examples.map(\.path) == ["/srv/ünïcode/docker-compose.prod.yml"])
  }

  @Test func theWalkByNamesVisitsWhatThePathWalkDoes() throws {
    let tree = try Self.tree()
    var paths: [String] = []
    tree.forEachFile { path, _ in paths.append(path) }
    var named: [String] = []
    tree.forEachFileNames { names, _ in named.append("/" + names.joined(separator: "/")) }
    #expect(named == paths)
    #expect(paths.count == 9)
    #expect(!paths.contains("/srv/app/old.pyc"))
  }
}
