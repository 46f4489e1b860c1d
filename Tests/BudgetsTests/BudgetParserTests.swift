import Budgets
import TestSupport
import Testing

@Suite struct BudgetParserTests {
  static let example = """
    [defaults]
    metric = "compressed"
    base = "main"
    max_growth = "+5%"

    [image.api]
    owner = "mailto:platform-team@example.com"
    source = "docker-archive:build/api.tar"
    context = ["api/", "sdk/", "docker/api.Dockerfile"]
    build = "make image-api"
    max = "450 MB"
    warn = "420 MB"
    max_growth = "+20 MB"
    max_layer = "200 MB"
    max_wasted = "10 MB"
    forbid = ["**/site-packages/pytest/**", "/app/tests/**", "**/__pycache__/**", "/usr/bin/gcc*"]
    require = ["/app/sdk/", "/usr/sbin/cron"]

    [image.api.paths]
    "/usr/local/lib/python3.12/site-packages" = "300 MB"

    [image.web]
    max = "1 GiB"

    [notify]
    webhook = "https://hooks.example.com/sizebudget"
    secret_env = "SIZEBUDGET_WEBHOOK_SECRET"
    on = ["violation", "bisect"]

    [report]
    to = ["platform-team@example.com"]
    from = "sizebudget@example.com"
    smtp = "smtp://localhost:25"
    """

  @Test func readsTheDesignExample() throws {
    let budgets = try BudgetParser.parse(Self.example)
    #expect(budgets.images.map(\.name) == ["api", "web"])
    let api = try #require(budgets.image(named: "api"))
    #expect(api.max?.value == ByteSize(450_000_000))
    #expect(api.max?.position.line == 11)
    #expect(api.warn?.value == ByteSize(420_000_000))
    #expect(api.maxGrowth?.value == .bytes(ByteSize(20_000_000)))
    #expect(api.maxLayer?.value == ByteSize(200_000_000))
    #expect(api.maxWasted?.value == ByteSize(10_000_000))
    #expect(
      api.forbid.map(\.value.text) == [
        "**/site-packages/pytest/**", "/app/tests/**", "**/__pycache__/**", "/usr/bin/gcc*",
      ])
    #expect(api.require.map(\.value) == ["/app/sdk/", "/usr/sbin/cron"])
    #expect(api.context == ["api/", "sdk/", "docker/api.Dockerfile"])
    #expect(api.build == "make image-api")
    #expect(api.source == "docker-archive:build/api.tar")
    #expect(api.owner == "mailto:platform-team@example.com")
    #expect(api.paths.map(\.path) == ["/usr/local/lib/python3.12/site-packages"])
    #expect(api.paths.first?.limit.value == ByteSize(300_000_000))
    let web = try #require(budgets.image(named: "web"))
    #expect(web.max?.value == ByteSize(1 << 30))
    #expect(web.maxGrowth?.value == .percent(5), "inherits [defaults] max_growth")
    #expect(web.metric == .compressed)
    #expect(budgets.notify?.webhooks.map(\.value) == ["https://hooks.example.com/sizebudget"])
    #expect(budgets.notify?.secretEnv == "SIZEBUDGET_WEBHOOK_SECRET")
    #expect(budgets.notify?.on == [.violation, .bisect])
    #expect(budgets.report?.to == ["platform-team@example.com"])
    #expect(budgets.report?.smtp == "smtp://localhost:25")
  }

  /// Distinct mistakes, each with the exact message and position
  /// (`BudgetMistakes.all`, shared with the command line's tests).
  @Test(arguments: BudgetMistakes.all)
  func reportsEachMistakeWithItsPosition(input: String, expected: String) {
    #expect(throws: BudgetError.self) { try BudgetParser.parse(input) }
    do {
      _ = try BudgetParser.parse(input)
    } catch {
      #expect(error.description == expected)
    }
  }

  @Test func allowTakesFindingNamesAndPathPatterns() throws {
    let budgets = try BudgetParser.parse(
      "[image.api]\nallow = [\"finding:unstripped\", \"/opt/venv/**/*.so\"]\n")
    let allow = try #require(budgets.image(named: "api")).allow
    #expect(allow.map(\.value.text) == ["finding:unstripped", "/opt/venv/**/*.so"])
    #expect(allow.first?.value == .finding("unstripped"))
    #expect(allow.first?.position.line == 2)
  }

  @Test func allowMistakesAreReportedWithPositions() {
    let cases: [(String, String)] = [
      (
        "[image.api]\nallow = [\"finding:unstriped\"]",
        "budgets.toml:2:10: allow: unknown finding \"unstriped\": did you mean \"finding:unstripped\"? use finding: and one of "
      ),
      (
        "[image.api]\nallow = [\"opt/venv\"]",
        "budgets.toml:2:10: allow: \"opt/venv\" is neither finding:NAME nor a path pattern in the image like \"/opt/venv/**/*.so\""
      ),
      (
        "[image.api]\ndeny = [\"pip-cache\"]\nallow = [\"finding:pip-cache\"]",
        "budgets.toml:3:10: allow: finding:pip-cache is also in deny: a finding is either acknowledged or fails the check, keep one"
      ),
    ]
    for (input, expected) in cases {
      do {
        _ = try BudgetParser.parse(input)
        Issue.record("no error for \(input)")
      } catch {
        #expect(error.description.hasPrefix(expected), "\(error.description)")
      }
    }
  }

  /// A `/` followed by a combining mark is one Character: split by Character, these
  /// paths had no `..` part and were taken, though the file system climbs out of the
  /// repository with them. Split by byte, as the kernel splits them, they are refused.
  @Test(arguments: [
    ("context = [\"../\u{301}x/\"]", "context path"), ("dockerfile = \"../\u{301}x/Dockerfile\"", "dockerfile"),
    ("build_context = \"../\u{301}x\"", "build_context"),
  ])
  func refusesAPathThatClimbsOutBehindACombiningMark(line: String, key: String) {
    do {
      _ = try BudgetParser.parse("[image.api]\n\(line)\n")
      Issue.record("no error for \(line)")
    } catch {
      #expect(error.description.contains("budgets.toml:2:"), "\(error.description)")
      #expect(error.description.contains("\(key) \"") && error.description.contains("relative to the repository root"))
    }
  }

  @Test func dockerfileAndTargetKeepTheirPositions() throws {
    let budgets = try BudgetParser.parse("[image.api]\ndockerfile = \"docker/api.Dockerfile\"\ntarget = \"runtime\"\n")
    let image = try #require(budgets.images.first)
    #expect(image.dockerfile?.value == "docker/api.Dockerfile")
    #expect(image.dockerfile?.position.line == 2)
    #expect(image.target?.value == "runtime")
    #expect(image.target?.position.line == 3)
  }

  /// `base_image` as people write it in a FROM, and the SOURCE forms read by manifest.
  @Test(arguments: [
    "python:3.11-slim", "python", "python@sha256:\(String(repeating: "ab", count: 32))",
    "python:3.11-slim@sha256:\(String(repeating: "0f", count: 32))", "registry.example/ns/name:tag",
    "localhost:5000/team/base", "127.0.0.1:5000/test/base:latest", "[::1]:5000/base:1", "library/python:3.11",
    "docker://registry.example.com/python:3.11-slim", "oci:build/base.oci", "oci-archive:base.tar:base",
    "docker-archive:build/base.tar",
  ])
  func baseImageTakesTheFormsPeopleWrite(reference: String) throws {
    let budgets = try BudgetParser.parse("[image.api]\nbase_image = \"\(reference)\"\n")
    #expect(budgets.images.first?.baseImage?.value == reference)
  }

  /// Docker's normalisation: Docker Hub and its `library/`, `latest` when untagged.
  @Test func dockerReferencesAreNormalisedAsDockerDoes() throws {
    let cases = [
      ("python:3.11-slim", "docker.io/library/python:3.11-slim"),
      ("docker.io/library/python:3.11-slim", "docker.io/library/python:3.11-slim"),
      ("index.docker.io/library/python:3.11-slim", "docker.io/library/python:3.11-slim"),
      ("python", "docker.io/library/python:latest"),
      ("bitnami/redis:7", "docker.io/bitnami/redis:7"),
      ("ghcr.io/org/app", "ghcr.io/org/app:latest"),
      ("localhost/test/base:latest", "localhost/test/base:latest"),
      ("127.0.0.1:5000/test/base", "127.0.0.1:5000/test/base:latest"),
      (
        "localhost:5000/base@sha256:\(String(repeating: "ab", count: 32))",
        "localhost:5000/base@sha256:\(String(repeating: "ab", count: 32))"
      ),
    ]
    for (written, normalised) in cases {
      #expect(try DockerReference(parsing: written).description == normalised, "\(written)")
      #expect(DockerReference.normalised(written) == normalised)
    }
    #expect(try DockerReference(parsing: "python:3.11-slim").namesRegistry == false)
    #expect(try DockerReference(parsing: "localhost/base").namesRegistry == true)
    // Not a Docker reference: kept as written.
    #expect(DockerReference.normalised("oci:build/base.oci") == "oci:build/base.oci")
  }

  @Test func hookPredictDefaultsToWarnAndKeepsItsLine() throws {
    #expect(try BudgetParser.parse("[image.api]\n").hook.predict == .warn)
    let budgets = try BudgetParser.parse("[image.api]\n\n[hook]\npredict = \"refuse\"\n")
    #expect(budgets.hook.predict == .refuse)
    #expect(budgets.hook.predictLine == 4)
    #expect(try BudgetParser.parse("[hook]\npredict = \"off\"\n").hook.predict == .off)
  }

  @Test func buildTimeoutIsADurationWithItsPosition() throws {
    let budgets = try BudgetParser.parse("[image.api]\nbuild = \"make\"\nbuild_timeout = \"1.5h\"\n")
    let timeout = try #require(budgets.images.first?.buildTimeout)
    #expect(timeout.value == 5400)
    #expect(timeout.position.line == 3)
    #expect(Seconds.parse("90s") == 90 && Seconds.parse("45 m") == 2700 && Seconds.parse("2H") == 7200)
    for bad in ["", "s", "10", "-5m", "1e3s", "8d", "nan s", "inf h", "5 minutes"] {
      #expect(Seconds.parse(bad) == nil, "\(bad)")
    }
  }

  @Test func reportsEveryProblemAtOnceInFileOrder() {
    let input = """
      [image.api]
      max = 450
      wran = "400 MB"
      [notify]
      webhook = "ftp://x"
      """
    do {
      _ = try BudgetParser.parse(input)
      Issue.record("expected problems")
    } catch {
      #expect(error.problems.map(\.position.line) == [2, 3, 5])
      #expect(error.problems[1].message == "unknown key \"wran\" in [image.api]: did you mean \"warn\"?")
    }
  }
}
