import Dockerfile
import Foundation
import GitHistory
import TestSupport
import Testing

@testable import Prediction

/// The parts a prediction is made of, against real repositories and real files.
@Suite struct PredictionPartsTests {
  /// git's own `%(objectsize:disk)` is the validator: loose objects first, then after
  /// `git gc` the packed ones (a blob stored as a delta has no size of its own).
  @Test func storedSizesAreWhatGitSaysOnDisk() throws {
    let repo = try GitRepository()
    var text = ""
    for line in 0..<20_000 { text += "line \(line) of a file that compresses well\n" }
    try repo.commit("big", files: ["app/data.txt": text, "app/small.txt": "hello\n"])
    let blobs = try ["app/data.txt", "app/small.txt"].map {
      try repo.git(["rev-parse", "HEAD:\($0)"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }
    let repository = try Repository(discovering: repo.path)
    func disk() throws -> [Int64] {
      let output = try repo.git(
        ["cat-file", "--batch-check=%(objectsize:disk)"], input: blobs.joined(separator: "\n") + "\n")
      return output.split(separator: "\n").map { Int64($0)! }
    }
    let loose = StoredSizes(repository)
    #expect(blobs.map { loose.zlibSize(of: ObjectID(hex: $0)!) } == (try disk()))
    try repo.git(["gc", "-q", "--aggressive"])
    let packed = StoredSizes(repository)
    let sizes = blobs.map { packed.zlibSize(of: ObjectID(hex: $0)!) }
    #expect(sizes.compactMap { $0 }.count == 2)
    // git's figure includes the entry header (2–3 bytes) that ours leaves out.
    for (ours, git) in zip(sizes, try disk()) {
      let ours = try #require(ours)
      #expect(git - ours >= 0 && git - ours <= 4, "\(ours) vs \(git)")
    }
    #expect(sizes[0]! < 200_000 && sizes[0]! > 1_000)
  }

  @Test func blobChangesListAddedGrownAndRemovedFilesWithHeaderSizes() throws {
    let repo = try GitRepository()
    let first = try repo.commit("one", files: ["a.txt": "aaaa", "b.txt": "bbbbbbbb", "docs/x.md": "x"])
    try FileManager.default.removeItem(at: repo.url.appendingPathComponent("b.txt"))
    let second = try repo.commit("two", files: ["a.txt": String(repeating: "a", count: 100), "c.bin": "cc"])
    let repository = try Repository(discovering: repo.path)
    let changes = try repository.blobChanges(from: ObjectID(hex: first)!, to: ObjectID(hex: second)!)
      .sorted { $0.path < $1.path }
    #expect(changes.map(\.path) == ["a.txt", "b.txt", "c.bin"])
    #expect(changes.map(\.oldSize) == [4, 8, 0])
    #expect(changes.map(\.newSize) == [100, 0, 2])
    #expect(changes[1].newBlob == nil && changes[2].oldBlob == nil)
  }

  func copy(_ line: String, _ dockerfile: String = "FROM scratch\nWORKDIR /srv\n") throws -> [ContextCopy] {
    let parsed = try DockerfileParser.parse(dockerfile + line + "\n")
    return parsed.stages.last!.contextCopies(globalArguments: parsed.globalArguments)
  }

  @Test func copiesPlaceFilesWhereTheBuilderPutsThem() throws {
    func land(_ path: String, _ line: String) throws -> String? {
      let files = ContextFiles(context: [], copies: try copy(line), dockerfilePath: "Dockerfile")
      return files.place(path)?.imagePath
    }
    #expect(try land("app/model.bin", "COPY app/ /app") == "/app/model.bin")
    #expect(try land("app/sub/x.py", "COPY app /app/") == "/app/sub/x.py")
    #expect(try land("requirements.txt", "COPY requirements.txt /tmp/req.txt") == "/tmp/req.txt")
    #expect(try land("requirements.txt", "COPY requirements.txt ./") == "/srv/requirements.txt")
    #expect(try land("src/a.py", "COPY . .") == "/srv/src/a.py")
    #expect(try land("main.py", "COPY *.py /app/") == "/app/main.py")
    #expect(try land("docs/a.md", "COPY app/ /app") == nil)
    #expect(try land("app/x", "COPY --from=build /out/ /app") == nil)
    #expect(try land("app/x", "COPY [\"app/\", \"/opt/app\"]") == "/opt/app/x")
    let withArg = try copy("COPY app/ ${DEST}", "FROM scratch\nARG DEST=/opt/api\n")
    #expect(ContextFiles.landing(of: "app/x", source: "app/", copy: withArg[0]) == "/opt/api/x")
  }

  @Test func dockerignoreKeepsFilesFromEveryCopy() throws {
    var files = ContextFiles(context: [], copies: try copy("COPY . /srv"), dockerfilePath: "Dockerfile")
    files.ignore = DockerIgnore.rules("# comment\n.git\n*.tar\nbuild/\n**/*.pyc\ndocs/*.md\n!docs/keep.md\n")
    #expect(files.place("app/main.py")?.imagePath == "/srv/app/main.py")
    #expect(files.place("image.tar") == nil)
    #expect(files.place("sub/image.tar") != nil)  // anchored at the root, as the builder has it
    #expect(files.place("build/out/x.bin") == nil)
    #expect(files.place("app/__pycache__/m.pyc") == nil)
    #expect(files.place("docs/a.md") == nil)
    #expect(files.place("docs/keep.md") != nil)
  }

  @Test func contextLimitsWhatCountsWithoutADockerfile() {
    let files = ContextFiles(context: ["api/", "docker/api.Dockerfile"], copies: nil, dockerfilePath: nil)
    #expect(files.place("api/main.py")?.source == "in context api/")
    #expect(files.place("docker/api.Dockerfile") != nil)
    #expect(files.place("docs/readme.md") == nil)
    #expect(files.place("apiary/x") == nil)
  }

  @Test func dependencyFilesNameTheirPackages() {
    func names(_ path: String, _ text: String) -> [String] {
      DependencyFiles.packages(in: path, Array(text.utf8)).map { "\($0.ecosystem):\($0.name)@\($0.version ?? "-")" }
        .sorted()
    }
    #expect(
      names("requirements-prod.txt", "# c\nflask==3.0.0\nRequests[socks]>=2 ; python_version>'3'\n-r base.txt\n")
        == ["python:Requests@-", "python:flask@3.0.0"])
    #expect(
      names("poetry.lock", "[[package]]\nname = \"torch\"\nversion = \"2.5.1\"\n\n[package.dependencies]\nx = \"1\"\n")
        == ["python:torch@2.5.1"])
    #expect(
      names("Pipfile.lock", #"{"default": {"six": {"version": "==1.16.0"}}, "develop": {"pytest": {}}}"#)
        == ["python:six@1.16.0"])
    #expect(
      names("package-lock.json", #"{"packages": {"": {}, "node_modules/@types/node": {"version": "20.1.0"}}}"#)
        == ["npm:@types/node@20.1.0"])
    #expect(
      names(
        "pnpm-lock.yaml",
        "lockfileVersion: '9.0'\npackages:\n  lodash@4.17.21:\n    resolution: x\n  '@babel/core@7.0.0':\n")
        == ["npm:@babel/core@7.0.0", "npm:lodash@4.17.21"])
    #expect(
      names(
        "yarn.lock",
        "# yarn\n\"left-pad@^1.0.0\", left-pad@^1.3:\n  version \"1.3.0\"\n\n\"@scope/x@npm:1\":\n  version: 1.0.2\n")
        == ["npm:@scope/x@1.0.2", "npm:left-pad@1.3.0"])
    #expect(names("README.md", "flask==1") == [])
  }

  @Test func systemInstallsInRunLines() {
    let apt = SystemInstalls.packages(
      in: "apt-get update && apt-get install -y --no-install-recommends build-essential curl=7.88 \\\n  git && rm -rf x"
    )
    #expect(apt.map(\.name).sorted() == ["build-essential", "curl", "git"])
    #expect(apt.first { $0.name == "curl" }?.version == "7.88")
    #expect(apt.allSatisfy { $0.ecosystem == "deb" })
    let apk = SystemInstalls.packages(in: "apk add --no-cache --virtual .deps gcc musl-dev")
    #expect(apk.map(\.name).sorted() == ["gcc", "musl-dev"])
    #expect(SystemInstalls.packages(in: "pip install torch").isEmpty)
  }
}
