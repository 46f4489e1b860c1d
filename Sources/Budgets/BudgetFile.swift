import SystemCalls
import TOML

/// A value from budgets.toml with where it was written, so that a report can say
/// which line set the budget that broke.
public struct Located<Value: Sendable>: Sendable {
  public var value: Value
  public var position: TOMLPosition

  public init(_ value: Value, at position: TOMLPosition) {
    self.value = value
    self.position = position
  }
}

extension Located: Equatable where Value: Equatable {}

/// What `max_growth` judges: the whole image's growth (`total`, the default, so that
/// nothing grows unseen), or only the image's own layers (`own`: a base image
/// rebuilt upstream is reported, not failed).
public enum GrowthOf: String, Sendable, CaseIterable {
  case own, total
}

/// `[defaults]`: what every image inherits unless it says otherwise.
public struct Defaults: Sendable {
  public var metric: Metric = .compressed
  /// What growth is measured against: the merge-base of HEAD with this revision.
  public var base: String = "main"
  /// Where `base` is set, for validate's check that it resolves (nil: the default).
  public var basePosition: TOMLPosition? = nil
  public var maxGrowth: Located<Growth>? = nil
  public var growthOf: GrowthOf = .total
  /// How deep per-path sizes are recorded (`/usr/local/lib/python3.12` is depth 4).
  public var pathDepth: Int = 4
  /// A shared PostgreSQL store (`postgres://…`) for every clone, instead of each
  /// clone's `.git/sizebudget.sqlite`.
  public var store: String? = nil
  /// `headroom = "10%"`: the room `budgets tighten` leaves above a measured size, and
  /// how far under its budget an image must stay for check to say it is loose.
  public var headroomPercent: Int = 10
  /// `loose_after = 20`: check warns when an image stayed more than the headroom under
  /// its max for this many measured commits in a row on the base branch (0: never).
  public var looseAfter: Int = 20

  public init() {}
}

/// `[image.NAME]`: one image's budget.
public struct ImageBudget: Sendable {
  public var name: String
  public var position: TOMLPosition
  public var owner: String? = nil
  /// Default SOURCE for `measure` (`docker-archive:build/api.tar`).
  public var source: String? = nil
  /// Where `source` is set, for validate's check that a local file exists.
  public var sourcePosition: TOMLPosition? = nil
  /// Paths in the repository that can change this image; bisect skips other commits.
  public var context: [String] = []
  /// How bisect builds a commit that has no measurement.
  public var build: String? = nil
  /// The Dockerfile that builds the image, relative to the repository root, and the
  /// stage built (`--target`; nil: the last): layers are named by its lines.
  public var dockerfile: Located<String>? = nil
  public var target: Located<String>? = nil
  /// `build_context = "app"`: the directory the build sends (`docker build … app`),
  /// relative to the repository root; "" is the root. COPY and ADD sources and
  /// `.dockerignore` are read from it.
  public var buildContext: Located<String>? = nil
  /// How long one bisect build may run before its process group is killed.
  public var buildTimeout: Located<Double>? = nil
  public var metric: Metric
  public var base: String
  /// Where `base` is set (in the image or `[defaults]`); nil when it is the default.
  public var basePosition: TOMLPosition?
  public var pathDepth: Int
  public var max: Located<ByteSize>? = nil
  public var warn: Located<ByteSize>? = nil
  public var maxGrowth: Located<Growth>? = nil
  public var growthOf: GrowthOf = .total
  /// `tolerance = "50 kB"`: growth up to this much is taken as build noise, like the
  /// spread observed between two measurements of one commit.
  public var tolerance: Located<ByteSize>? = nil
  /// `base_image = "python:3.11-slim"`: the image built FROM, read by manifest at
  /// measure time when the builder left no base annotations.
  public var baseImage: Located<String>? = nil
  public var maxLayer: Located<ByteSize>? = nil
  public var maxWasted: Located<ByteSize>? = nil
  public var forbid: [Located<PathPattern>] = []
  /// Paths that must stay in the image: guards against slimming too far.
  public var require: [Located<String>] = []
  /// `[image.NAME.paths]`: caps on the bytes under a directory, in file order.
  public var paths: [(path: String, limit: Located<ByteSize>)] = []
  /// `[image.NAME.packages]`: caps on a package's bytes (`torch = "2 GB"`).
  public var packages: [(name: String, limit: Located<ByteSize>)] = []
  /// Packages that must not be installed (`pytest`, `gcc-12`).
  public var forbidPackages: [Located<String>] = []
  /// `explain` findings that fail `check` instead of warning (`build-tools`, `pip-cache`).
  public var deny: [Located<String>] = []
  /// What the team has acknowledged: `finding:NAME` for a whole finding, or a path
  /// pattern for the files it names (in findings and forbid matches). Acknowledged
  /// results are shown as such and do not break the budget.
  public var allow: [Located<Allowance>] = []
  /// `headroom` and `loose_after`, as in `[defaults]`.
  public var headroomPercent: Int
  public var looseAfter: Int

  /// The build context's directory in the repository ("" for the root, else without a
  /// trailing `/`): `build_context` when set; else the directory of a Dockerfile named
  /// `Dockerfile` or `Containerfile` (the layout `init` writes: app/Dockerfile built
  /// with `docker build app`); else the root, where a named Dockerfile
  /// (`docker/api.Dockerfile`) is usually built from with `-f`.
  public var buildContextDirectory: String {
    if let set = buildContext?.value { return Self.trimmedDirectory(set) }
    guard let path = dockerfile?.value else { return "" }
    let parts = path.slashSeparated()
    guard parts.count > 1, ["Dockerfile", "Containerfile"].contains(parts.last!) else { return "" }
    return parts.dropLast().joined(separator: "/")
  }

  /// `./app/` → `app`, `.` → "".
  static func trimmedDirectory(_ path: String) -> String {
    path.slashSeparated().filter { $0 != "." }.joined(separator: "/")
  }

  public init(name: String, position: TOMLPosition, defaults: Defaults) {
    self.name = name
    self.position = position
    self.metric = defaults.metric
    self.base = defaults.base
    self.basePosition = defaults.basePosition
    self.pathDepth = defaults.pathDepth
    self.maxGrowth = defaults.maxGrowth
    self.growthOf = defaults.growthOf
    self.headroomPercent = defaults.headroomPercent
    self.looseAfter = defaults.looseAfter
  }
}

/// The kinds of event `[notify] on` may name.
public enum EventKind: String, Sendable, CaseIterable {
  case violation, check, bisect, report
}

/// `[notify]`: where findings are posted.
public struct NotifySettings: Sendable {
  public var webhooks: [Located<String>] = []
  /// The name of the environment variable that holds the signing secret.
  public var secretEnv: String? = nil
  public var on: [EventKind] = [.violation, .bisect]
  /// Extra headers; `${NAME}` in a value is replaced from the environment when sent.
  public var headers: [(name: String, value: String)] = []
  /// A body template for receivers that want their own shape (`{"body": {{comment}}}`).
  public var body: String? = nil
  public var allowInsecure: Bool = false
  /// `[notify.github]`, `[notify.gitlab]`, `[notify.gitea]`: the built-in forge delivery.
  public var forges: [ForgeSettings] = []

  public init() {}
}

/// `[notify.github]` and its kin: a sticky pull-request comment and a commit status,
/// posted through the forge's REST API. Every key is optional: what is not set is
/// read from the CI environment (docs/ci.md).
public struct ForgeSettings: Sendable, Equatable {
  public enum Kind: String, Sendable, CaseIterable { case github, gitlab, gitea }
  public var kind: Kind
  /// The environment variable that holds the token (never the token itself).
  public var tokenEnv: String? = nil
  /// The REST API's base URL, for GitHub Enterprise and self-hosted GitLab and Gitea.
  public var api: String? = nil
  /// `owner/name` (GitLab: the project's path or numeric id).
  public var repository: String? = nil
  /// Post the comment and the commit status (each can be turned off).
  public var comment = true
  public var status = true
  /// The commit status's name (its `context`), which branch protection requires.
  public var context = "sizebudget"
  /// Where the full report is (a CI artifact); `${NAME}` from the environment. Linked
  /// from a comment that had to be shortened.
  public var reportURL: String? = nil
  public var allowInsecure = false

  public init(kind: Kind) { self.kind = kind }
}

/// `[report]`: the weekly email.
public struct ReportSettings: Sendable {
  public var to: [String] = []
  public var from: String? = nil
  public var smtp: String? = nil
  public var userEnv: String? = nil
  public var passwordEnv: String? = nil

  public init() {}
}

/// `[hook]`: what the pre-push hook does with pushed commits that have no measurement.
public struct HookSettings: Sendable {
  /// `refuse`: a push whose predicted size breaks `max` or a growth rule by more than
  /// the prediction's uncertainty is refused; `warn` (the default): predicted breaks
  /// are printed and the push goes on; `off`: only measured commits are judged.
  public enum PredictMode: String, Sendable, CaseIterable {
    case refuse, warn, off
  }

  public var predict: PredictMode = .warn
  /// Where budgets.toml sets it, for messages.
  public var predictLine: Int? = nil

  public init() {}
}

/// budgets.toml, understood.
public struct BudgetFile: Sendable {
  public var path: String
  public var defaults = Defaults()
  /// In the order the file declares them.
  public var images: [ImageBudget] = []
  public var notify: NotifySettings? = nil
  public var report: ReportSettings? = nil
  public var hook = HookSettings()

  public init(path: String) { self.path = path }

  public func image(named name: String) -> ImageBudget? { images.first { $0.name == name } }
}

/// One entry of `allow`.
public enum Allowance: Sendable, Equatable {
  /// `finding:unstripped`: every result of that finding.
  case finding(String)
  /// `/opt/venv/**/*.so`: the files matching it.
  case path(PathPattern)

  public var text: String {
    switch self {
    case .finding(let name): "finding:\(name)"
    case .path(let pattern): pattern.text
    }
  }
}

/// The rules of `sizebudget explain`, by the names `deny` uses.
public enum FindingNames {
  public static let all = [
    "build-tools", "pip-cache", "apt-cache", "apt-lists", "npm-cache", "apk-cache", "dev-dependencies",
    "tests-and-docs", "bytecode", "unstripped", "waste", "gpu-libraries", "headers", "package-managers",
    "duplicate-content", "debug-symbols", "docs-and-locales", "model-weights",
  ]
}
