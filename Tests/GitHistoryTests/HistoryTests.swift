import Foundation
import GitHistory
import TestSupport
import Testing

@Suite struct HistoryTests {
  /// main: a - b - m(b, s) - c, with s on a side branch from a.
  func repository() throws -> (GitRepository, [String: String]) {
    let repo = try GitRepository()
    var ids: [String: String] = [:]
    ids["a"] = try repo.commit("a", files: ["api/a.txt": "a"])
    try repo.git(["checkout", "-q", "-b", "side"])
    ids["s"] = try repo.commit("s", files: ["docs/s.md": "s"])
    try repo.git(["checkout", "-q", "main"])
    ids["b"] = try repo.commit("b\n\nSize-Budget: torch is needed", files: ["api/b.txt": "b"])
    try repo.git(["merge", "-q", "--no-ff", "-m", "m", "side"])
    ids["m"] = try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    ids["c"] = try repo.commit("c", files: ["api/a.txt": "changed", "README": "r"])
    return (repo, ids)
  }

  func walk(_ repository: Repository, _ range: String, firstParent: Bool = false, index: Bool) throws -> [String] {
    var seen: [String] = []
    let resolved = try repository.resolveRange(range)
    if index {
      try HistoryIndex(repository).walk(resolved, firstParent: firstParent) {
        seen.append($0.hex)
        return true
      }
    } else {
      try repository.walk(resolved, firstParent: firstParent) {
        seen.append($0.hex)
        return true
      }
    }
    return seen
  }

  @Test func resolvesRevisionsAndRanges() throws {
    let (repo, ids) = try repository()
    let repository = try Repository(discovering: repo.url.appendingPathComponent("api").path)
    #expect(try repository.resolveCommit("HEAD~1") == ids["m"])
    #expect(try repository.resolveCommit(String(ids["a"]!.prefix(8))) == ids["a"])
    let range = try repository.resolveRange("side..main")
    #expect(range.exclude.map(\.hex) == [ids["s"]!])
    let symmetric = try repository.resolveRange("side...main")
    #expect(symmetric.exclude.map(\.hex) == [ids["s"]!])
    #expect(throws: GitError.self) { try repository.resolveCommit("no-such") }
    #expect(try repository.mergeBase(ObjectID(hex: ids["s"]!)!, ObjectID(hex: ids["b"]!)!)?.hex == ids["a"])
  }

  @Test func walksTopologicallyAndByFirstParent() throws {
    let (repo, ids) = try repository()
    let repository = try Repository(discovering: repo.path)
    let all = try walk(repository, "HEAD", index: false)
    #expect(all.count == 5)
    #expect(all.first == ids["c"] && all.last == ids["a"])
    #expect(
      try walk(repository, "HEAD", firstParent: true, index: false) == [ids["c"]!, ids["m"]!, ids["b"]!, ids["a"]!])
    #expect(try walk(repository, "side..HEAD", index: false) == [ids["c"]!, ids["m"]!, ids["b"]!])
  }

  @Test func theCommitGraphIndexWalksLikeLibgit2() throws {
    let (repo, ids) = try repository()
    let repository = try Repository(discovering: repo.path)
    let index = HistoryIndex(repository)
    try index.rebuild()
    #expect(
      FileManager.default.fileExists(atPath: repo.url.appendingPathComponent(".git/sizebudget/commit-graph").path))
    for range in ["HEAD", "side..HEAD", "HEAD~2", "side...HEAD"] {
      let plain = try walk(repository, range, index: false)
      let fast = try walk(repository, range, index: true)
      #expect(Set(fast) == Set(plain), "\(range)")
      #expect(fast.first == plain.first, "\(range)")
      try expectTopological(fast, repository)
    }
    #expect(
      try walk(repository, "HEAD", firstParent: true, index: true) == [ids["c"]!, ids["m"]!, ids["b"]!, ids["a"]!])
    // Commits made after the graph was written are walked through libgit2 first.
    let d = try repo.commit("d")
    let after = try walk(Repository(discovering: repo.path), "HEAD", index: true)
    #expect(after.first == d)
    #expect(after.count == 6)
  }

  /// Issue 13 item 3: a side branch merged after the graph was written is walked
  /// through libgit2; `--first-parent` must still leave its commits out.
  @Test func firstParentLeavesOutASideBranchNewerThanTheGraph() throws {
    let (repo, ids) = try repository()
    try HistoryIndex(Repository(discovering: repo.path)).rebuild()
    try repo.git(["checkout", "-q", "-b", "feature"])
    let f1 = try repo.commit("f1", files: ["api/f1.txt": "1"])
    let f2 = try repo.commit("f2", files: ["api/f2.txt": "2"])
    try repo.git(["checkout", "-q", "main"])
    let d = try repo.commit("d", files: ["api/d.txt": "d"])
    try repo.git(["merge", "-q", "--no-ff", "-m", "merge feature", "feature"])
    let merge = try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    let repository = try Repository(discovering: repo.path)
    let expected = [merge, d, ids["c"]!, ids["m"]!, ids["b"]!, ids["a"]!]
    #expect(try walk(repository, "HEAD", firstParent: true, index: false) == expected)
    let fast = try walk(repository, "HEAD", firstParent: true, index: true)
    #expect(fast == expected)
    #expect(!fast.contains(f1) && !fast.contains(f2))
    // A range that ends inside the new commits stops there too.
    #expect(try walk(repository, "\(d)..HEAD", firstParent: true, index: true) == [merge])
    // All commits, not first-parent only, still include the side branch.
    #expect(Set(try walk(repository, "HEAD", index: true)).isSuperset(of: [f1, f2, merge, d]))
  }

  /// Every commit comes before its parents.
  func expectTopological(_ order: [String], _ repository: Repository) throws {
    let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
    for id in order {
      for parent in try repository.commit(ObjectID(hex: id)!).parents {
        if let parentPosition = position[parent.hex] { #expect(parentPosition > position[id]!) }
      }
    }
  }

  @Test func readsCommitsTrailersAndChangedPaths() throws {
    let (repo, ids) = try repository()
    let repository = try Repository(discovering: repo.path)
    let b = try repository.commit(ObjectID(hex: ids["b"]!)!)
    #expect(b.subject == "b")
    #expect(b.authorName == "Test Author")
    #expect(b.sizeBudgetReasons == ["torch is needed"])
    #expect(try repository.changedPaths(ObjectID(hex: ids["c"]!)!).sorted() == ["README", "api/a.txt"])
    #expect(try repository.changedPaths(ObjectID(hex: ids["a"]!)!) == ["api/a.txt"])
    #expect(repository.isAncestor(ObjectID(hex: ids["a"]!)!, of: ObjectID(hex: ids["c"]!)!))
    #expect(!repository.isAncestor(ObjectID(hex: ids["c"]!)!, of: ObjectID(hex: ids["a"]!)!))
    #expect(repository.currentBranch() == "main")
  }

  @Test func aRangeDiffNamesEveryPathChangedAndFiltersByContext() throws {
    let repo = try GitRepository()
    let first = try repo.commit("one", files: ["api/a.py": "a\n", "docs/x.md": "x\n"])
    try repo.commit("two", files: ["docs/x.md": "y\n", "budgets.toml": "[image.api]\n"])
    let third = try repo.commit("three", files: ["api/b.py": "b\n"])
    let repository = try Repository(discovering: repo.url.path)
    let (from, to) = (ObjectID(hex: first)!, ObjectID(hex: third)!)
    #expect(try repository.changedPaths(from: from, to: to).sorted() == ["api/b.py", "budgets.toml", "docs/x.md"])
    #expect(try repository.contextChanges(from: from, to: to, context: ["api/"]) == ["api/b.py"])
    #expect(try repository.contextChanges(from: from, to: to, context: ["docs"]) == ["docs/x.md"])
    #expect(try repository.contextChanges(from: to, to: to, context: []) == [])
  }

  @Test func outsideARepositoryIsAClearError() throws {
    let directory = try TemporaryDirectory()
    let error = try #require(throws: GitError.self) { try Repository(discovering: directory.url.path) }
    #expect(error.message.contains("is not inside a git repository"))
  }
}
