import Endpoints
import SystemCalls
import TOML

/// budgets.toml → `BudgetFile`. Reads the whole file and reports every problem at
/// once, each with its line and column, rather than stopping at the first.
public enum BudgetParser {
  public static func parse(_ bytes: [UInt8], path: String) throws(BudgetError) -> BudgetFile {
    let root: TOMLTable
    do {
      root = try TOMLDocument.parse(bytes)
    } catch {
      throw BudgetError(problems: [BudgetProblem(file: path, position: error.position, message: error.message)])
    }
    let reader = BudgetReader(file: path)
    let budgets = reader.readFile(root)
    if !reader.problems.isEmpty {
      throw BudgetError(problems: reader.problems.sorted { $0.position < $1.position })
    }
    return budgets
  }

  public static func parse(_ text: String, path: String = "budgets.toml") throws(BudgetError) -> BudgetFile {
    try parse(Array(text.utf8), path: path)
  }
}

/// Walks the TOML tree section by section; each accessor reports a wrong type or a
/// bad value and returns nil, so reading goes on and collects everything.
final class BudgetReader {
  let file: String
  private(set) var problems: [BudgetProblem] = []

  init(file: String) { self.file = file }

  static let topKeys = ["defaults", "image", "notify", "report", "hook"]
  static let hookKeys = ["predict"]
  static let defaultKeys = [
    "metric", "base", "max_growth", "growth_of", "path_depth", "store", "headroom", "loose_after",
  ]
  static let imageKeys = [
    "owner", "source", "context", "build", "build_timeout", "metric", "base", "path_depth", "max", "warn", "max_growth",
    "max_layer",
    "max_wasted", "forbid", "require", "paths", "packages", "forbid_packages", "deny", "allow", "dockerfile", "target",
    "growth_of", "base_image", "tolerance", "headroom", "loose_after", "build_context",
  ]
  static let findingRules = FindingNames.all
  static let notifyKeys = [
    "webhook", "secret_env", "on", "headers", "body", "allow_insecure", "github", "gitlab", "gitea",
  ]
  static let forgeKeys = [
    "token_env", "api", "repository", "comment", "status", "context", "report_url", "allow_insecure",
  ]
  static let reportKeys = ["to", "from", "smtp", "user_env", "password_env"]
  /// Keys people reach for to write a secret inline; they get a pointed message.
  static let secretKeys = ["secret", "token", "password", "api_key", "key", "user", "username"]

  func readFile(_ root: TOMLTable) -> BudgetFile {
    var budgets = BudgetFile(path: file)
    for entry in root.entries where entry.key == "defaults" {
      if let table = table(entry, "[defaults]") { budgets.defaults = readDefaults(table) }
    }
    for entry in root.entries {
      switch entry.key {
      case "defaults": break
      case "image":
        if let images = table(entry, "[image.NAME]") { budgets.images = readImages(images, defaults: budgets.defaults) }
      case "notify":
        if let table = table(entry, "[notify]") { budgets.notify = readNotify(table) }
      case "report":
        if let table = table(entry, "[report]") { budgets.report = readReport(table) }
      case "hook":
        if let table = table(entry, "[hook]") { budgets.hook = readHook(table) }
      default: unknownKey(entry, in: "the top level", known: Self.topKeys)
      }
    }
    return budgets
  }

  // MARK: Sections

  private func readDefaults(_ table: TOMLTable) -> Defaults {
    var defaults = Defaults()
    for entry in table.entries {
      switch entry.key {
      case "metric": if let metric = metric(entry) { defaults.metric = metric }
      case "base":
        if let base = string(entry) {
          defaults.base = base.value
          defaults.basePosition = base.position
        }
      case "max_growth": defaults.maxGrowth = growth(entry)
      case "growth_of": if let growthOf = growthOf(entry) { defaults.growthOf = growthOf }
      case "path_depth": if let depth = pathDepth(entry) { defaults.pathDepth = depth }
      case "store": defaults.store = storeURL(entry)
      case "headroom": if let percent = headroom(entry) { defaults.headroomPercent = percent }
      case "loose_after": if let count = looseAfter(entry) { defaults.looseAfter = count }
      default: unknownKey(entry, in: "[defaults]", known: Self.defaultKeys)
      }
    }
    return defaults
  }

  private func readImages(_ images: TOMLTable, defaults: Defaults) -> [ImageBudget] {
    images.entries.compactMap { entry in
      if !isValidImageName(entry.key) {
        report(
          "image name \"\(entry.key)\" may hold only letters, digits, '.', '_' and '-'", at: entry.keyPosition)
      }
      guard case .table(let table) = entry.node.value else {
        report(
          "image.\(entry.key) must be a table: write [image.\(entry.key)] and its budgets below it, "
            + "got \(describe(entry.node.value))", at: entry.node.position)
        return nil
      }
      return readImage(entry.key, table, at: entry.node.position, defaults: defaults)
    }
  }

  private func readImage(_ name: String, _ table: TOMLTable, at position: TOMLPosition, defaults: Defaults)
    -> ImageBudget
  {
    var image = ImageBudget(name: name, position: position, defaults: defaults)
    let section = "[image.\(name)]"
    for entry in table.entries {
      switch entry.key {
      case "owner": image.owner = string(entry)?.value
      case "source":
        if let source = source(entry) {
          image.source = source.value
          image.sourcePosition = source.position
        }
      case "context": image.context = relativePaths(entry).map(\.value)
      case "build": image.build = string(entry)?.value
      case "dockerfile": image.dockerfile = dockerfilePath(entry)
      case "target": image.target = stageName(entry)
      case "build_context": image.buildContext = buildContext(entry)
      case "build_timeout": image.buildTimeout = seconds(entry)
      case "metric": if let metric = metric(entry) { image.metric = metric }
      case "base":
        if let base = string(entry) {
          image.base = base.value
          image.basePosition = base.position
        }
      case "path_depth": if let depth = pathDepth(entry) { image.pathDepth = depth }
      case "max": image.max = size(entry)
      case "warn": image.warn = size(entry)
      case "max_growth": image.maxGrowth = growth(entry)
      case "growth_of": if let growthOf = growthOf(entry) { image.growthOf = growthOf }
      case "tolerance": image.tolerance = size(entry)
      case "headroom": if let percent = headroom(entry) { image.headroomPercent = percent }
      case "loose_after": if let count = looseAfter(entry) { image.looseAfter = count }
      case "base_image": image.baseImage = baseImage(entry)
      case "max_layer": image.maxLayer = size(entry)
      case "max_wasted": image.maxWasted = size(entry)
      case "forbid": image.forbid = patterns(entry)
      case "require": image.require = absolutePaths(entry)
      case "paths": image.paths = pathCaps(entry, section: "[image.\(name).paths]")
      case "packages": image.packages = packageCaps(entry, section: "[image.\(name).packages]")
      case "forbid_packages": image.forbidPackages = strings(entry, example: "[\"pytest\", \"gcc-12\"]")
      case "deny": image.deny = findingNames(entry)
      case "allow": image.allow = allowances(entry)
      default: unknownKey(entry, in: section, known: Self.imageKeys)
      }
    }
    if let warn = image.warn, let max = image.max, warn.value >= max.value {
      report(
        "warn (\(warn.value)) must be below max (\(max.value)), or it never warns before failing", at: warn.position)
    }
    for allowed in image.allow {
      guard case .finding(let name) = allowed.value, image.deny.contains(where: { $0.value == name }) else { continue }
      report(
        "allow: finding:\(name) is also in deny: a finding is either acknowledged or fails the check, keep one",
        at: allowed.position)
    }
    return image
  }

  private func readNotify(_ table: TOMLTable) -> NotifySettings {
    var notify = NotifySettings()
    for entry in table.entries where entry.key == "allow_insecure" {
      notify.allowInsecure = boolean(entry) ?? false
    }
    for entry in table.entries {
      switch entry.key {
      case "webhook":
        notify.webhooks = stringOrStrings(entry).filter { webhookURL($0, allowInsecure: notify.allowInsecure) }
      case "secret_env": notify.secretEnv = environmentName(entry)
      case "on": notify.on = events(entry)
      case "headers": notify.headers = headers(entry)
      case "body": notify.body = string(entry)?.value
      case "allow_insecure": break
      case "github", "gitlab", "gitea":
        if let forge = self.table(entry, "[notify.\(entry.key)]") {
          notify.forges.append(readForge(ForgeSettings.Kind(rawValue: entry.key)!, forge))
        }
      case _ where Self.secretKeys.contains(entry.key): secretInFile(entry, instead: "secret_env")
      default: unknownKey(entry, in: "[notify]", known: Self.notifyKeys)
      }
    }
    if notify.webhooks.isEmpty && table["webhook"] == nil && notify.forges.isEmpty {
      report(
        "[notify] needs a webhook = \"https://…\" to post to, or a [notify.github], [notify.gitlab] or "
          + "[notify.gitea] table",
        at: table.entries.first?.keyPosition ?? .init(line: 1, column: 1))
    }
    return notify
  }

  private func readForge(_ kind: ForgeSettings.Kind, _ table: TOMLTable) -> ForgeSettings {
    var forge = ForgeSettings(kind: kind)
    let section = "[notify.\(kind.rawValue)]"
    for entry in table.entries where entry.key == "allow_insecure" { forge.allowInsecure = boolean(entry) ?? false }
    for entry in table.entries {
      switch entry.key {
      case "token_env": forge.tokenEnv = environmentName(entry)
      case "api":
        if let url = string(entry, example: "\"https://github.example.com/api/v3\""),
          forgeURL(url, allowInsecure: forge.allowInsecure, section: section)
        {
          forge.api = url.value.hasSuffix("/") ? String(url.value.dropLast()) : url.value
        }
      case "repository":
        if let name = string(entry, example: "\"owner/name\"") {
          if name.value.isEmpty || name.value.hasPrefix("/") || name.value.hasSuffix("/") || name.value.contains(" ") {
            report(
              "repository must be \"owner/name\" (GitLab: \"group/project\" or the project id), got \"\(name.value)\"",
              at: name.position)
          } else {
            forge.repository = name.value
          }
        }
      case "comment": forge.comment = boolean(entry) ?? true
      case "status": forge.status = boolean(entry) ?? true
      case "context": if let context = string(entry, example: "\"sizebudget\"") { forge.context = context.value }
      case "report_url":
        forge.reportURL = string(entry, example: "\"https://ci.example.com/${CI_JOB_ID}/report.html\"")?.value
      case "allow_insecure": break
      case _ where Self.secretKeys.contains(entry.key): secretInFile(entry, instead: "token_env")
      default: unknownKey(entry, in: section, known: Self.forgeKeys)
      }
    }
    return forge
  }

  private func forgeURL(_ url: Located<String>, allowInsecure: Bool, section: String) -> Bool {
    guard let parsed = Endpoint(url.value), parsed.scheme == "https" || parsed.scheme == "http" else {
      report("api \"\(url.value)\" in \(section) must be an https:// URL", at: url.position)
      return false
    }
    if parsed.userInfo != nil {
      report(
        "api \"\(url.value)\" in \(section) must not hold credentials: name the token's variable with token_env",
        at: url.position)
      return false
    }
    if parsed.scheme == "http" && !parsed.isLoopback && !allowInsecure {
      report(
        "api \"\(url.value)\" uses plain http:// to a host that is not loopback: use https://, "
          + "or set allow_insecure = true in \(section) if you accept that", at: url.position)
      return false
    }
    return true
  }

  private func readReport(_ table: TOMLTable) -> ReportSettings {
    var settings = ReportSettings()
    for entry in table.entries {
      switch entry.key {
      case "to": settings.to = stringOrStrings(entry).filter { emailAddress($0) }.map(\.value)
      case "from": settings.from = string(entry).flatMap { emailAddress($0) ? $0.value : nil }
      case "smtp": settings.smtp = smtpURL(entry)
      case "user_env": settings.userEnv = environmentName(entry)
      case "password_env": settings.passwordEnv = environmentName(entry)
      case _ where Self.secretKeys.contains(entry.key):
        secretInFile(entry, instead: entry.key.hasPrefix("user") ? "user_env" : "password_env")
      default: unknownKey(entry, in: "[report]", known: Self.reportKeys)
      }
    }
    return settings
  }

  private func readHook(_ table: TOMLTable) -> HookSettings {
    var settings = HookSettings()
    for entry in table.entries {
      switch entry.key {
      case "predict":
        guard let text = string(entry, example: "\"warn\"") else { continue }
        guard let mode = HookSettings.PredictMode(rawValue: text.value) else {
          let modes = HookSettings.PredictMode.allCases.map(\.rawValue)
          let hint = Suggestion.closest(to: text.value, among: modes).map { "did you mean \"\($0)\"? " } ?? ""
          report(
            "predict \"\(text.value)\" is unknown: \(hint)use \"refuse\", \"warn\" or \"off\"", at: text.position)
          continue
        }
        settings.predict = mode
        settings.predictLine = text.position.line
      default: unknownKey(entry, in: "[hook]", known: Self.hookKeys)
      }
    }
    return settings
  }

  // MARK: Typed values

  func report(_ message: String, at position: TOMLPosition) {
    problems.append(BudgetProblem(file: file, position: position, message: message))
  }

  private func table(_ entry: TOMLTable.Entry, _ form: String) -> TOMLTable? {
    guard case .table(let table) = entry.node.value else {
      report("\(entry.key) must be a table (\(form)), got \(describe(entry.node.value))", at: entry.node.position)
      return nil
    }
    return table
  }

  private func string(_ entry: TOMLTable.Entry, example: String = "\"…\"") -> Located<String>? {
    guard case .string(let text) = entry.node.value else {
      report(
        "\(entry.key) must be a string like \(example), got \(describe(entry.node.value))", at: entry.node.position)
      return nil
    }
    return Located(text, at: entry.node.position)
  }

  private func boolean(_ entry: TOMLTable.Entry) -> Bool? {
    guard case .boolean(let flag) = entry.node.value else {
      report("\(entry.key) must be true or false, got \(describe(entry.node.value))", at: entry.node.position)
      return nil
    }
    return flag
  }

  private func size(_ entry: TOMLTable.Entry) -> Located<ByteSize>? {
    guard case .string(let text) = entry.node.value else {
      let hint =
        if case .integer(let number) = entry.node.value {
          " (write \"\(number) MB\", or \"\(number) B\" for bytes)"
        } else { "" }
      report(
        "\(entry.key) must be a size like \"450 MB\", got \(describe(entry.node.value))\(hint)", at: entry.node.position
      )
      return nil
    }
    switch ByteSize.parse(text) {
    case .success(let size): return Located(size, at: entry.node.position)
    case .failure(let error):
      report("\(entry.key): \(error.message)", at: entry.node.position)
      return nil
    }
  }

  private func growth(_ entry: TOMLTable.Entry) -> Located<Growth>? {
    guard let text = string(entry, example: "\"+5%\" or \"+20 MB\"") else { return nil }
    switch Growth.parse(text.value) {
    case .success(let growth): return Located(growth, at: text.position)
    case .failure(let error):
      report("\(entry.key): \(error.message)", at: text.position)
      return nil
    }
  }

  private func metric(_ entry: TOMLTable.Entry) -> Metric? {
    guard let text = string(entry, example: "\"compressed\"") else { return nil }
    guard let metric = Metric(rawValue: text.value) else {
      let hint =
        Suggestion.closest(to: text.value, among: Metric.allCases.map(\.rawValue)).map { "did you mean \"\($0)\"? " }
        ?? ""
      report("metric \"\(text.value)\" is unknown: \(hint)use \"compressed\" or \"uncompressed\"", at: text.position)
      return nil
    }
    return metric
  }

  private func growthOf(_ entry: TOMLTable.Entry) -> GrowthOf? {
    guard let text = string(entry, example: "\"own\"") else { return nil }
    guard let value = GrowthOf(rawValue: text.value) else {
      let hint =
        Suggestion.closest(to: text.value, among: GrowthOf.allCases.map(\.rawValue)).map { "did you mean \"\($0)\"? " }
        ?? ""
      report(
        "growth_of \"\(text.value)\" is unknown: \(hint)use \"own\" (the image's own layers) or \"total\" (the default)",
        at: text.position)
      return nil
    }
    return value
  }

  private func seconds(_ entry: TOMLTable.Entry) -> Located<Double>? {
    guard let text = string(entry, example: "\"45m\""), let seconds = Seconds.parse(text.value) else {
      if case .string(let text) = entry.node.value {
        report("\(entry.key) must be \(Seconds.help), got \"\(text)\"", at: entry.node.position)
      }
      return nil
    }
    return Located(seconds, at: text.position)
  }

  /// `headroom = "10%"`: a whole percentage from 1 to 1000.
  private func headroom(_ entry: TOMLTable.Entry) -> Int? {
    guard let text = string(entry, example: "\"10%\"") else { return nil }
    let digits = text.value.trimmingWhitespace()
    guard digits.hasSuffix("%"), let percent = Int(digits.dropLast().trimmingWhitespace()), (1...1000).contains(percent)
    else {
      report(
        "headroom must be a whole percentage from 1% to 1000%, like \"10%\", got \"\(text.value)\"", at: text.position)
      return nil
    }
    return percent
  }

  /// `loose_after = 20`: a count of measured commits; 0 turns the warning off.
  private func looseAfter(_ entry: TOMLTable.Entry) -> Int? {
    guard case .integer(let count) = entry.node.value, (0...10_000).contains(count) else {
      report(
        "loose_after must be a number of measured commits from 0 (never warn) to 10000, got "
          + describe(entry.node.value), at: entry.node.position)
      return nil
    }
    return Int(count)
  }

  private func pathDepth(_ entry: TOMLTable.Entry) -> Int? {
    guard case .integer(let depth) = entry.node.value, (1...32).contains(depth) else {
      report("path_depth must be an integer from 1 to 32, got \(describe(entry.node.value))", at: entry.node.position)
      return nil
    }
    return Int(depth)
  }

  private func strings(_ entry: TOMLTable.Entry, example: String) -> [Located<String>] {
    guard case .array(let nodes) = entry.node.value else {
      report(
        "\(entry.key) must be an array of strings like \(example), got \(describe(entry.node.value))",
        at: entry.node.position)
      return []
    }
    return nodes.compactMap { node in
      guard case .string(let text) = node.value else {
        report("\(entry.key) must hold only strings, got \(describe(node.value))", at: node.position)
        return nil
      }
      return Located(text, at: node.position)
    }
  }

  private func stringOrStrings(_ entry: TOMLTable.Entry) -> [Located<String>] {
    if case .string(let text) = entry.node.value { return [Located(text, at: entry.node.position)] }
    return strings(entry, example: "[\"…\", \"…\"]")
  }

  // MARK: Checked strings

  private func source(_ entry: TOMLTable.Entry) -> Located<String>? {
    guard let text = string(entry, example: "\"docker-archive:build/api.tar\"") else { return nil }
    guard
      text.value == "-"
        || DockerReference.sourceSchemes.contains(where: { text.value.hasPrefix($0) && text.value.count > $0.count })
    else {
      report(
        "source \"\(text.value)\" names no transport: use docker-archive:PATH, oci:DIR[:TAG], oci-archive:PATH, "
          + "docker://HOST/REPO:TAG or docker-daemon:REF", at: text.position)
      return nil
    }
    return text
  }

  /// `base_image`: an image read by manifest only, so a SOURCE of a file or a
  /// registry, or a Docker reference as written in a FROM (`python:3.11-slim`,
  /// `registry.example.com/team/base:1.0`, `name@sha256:…`), normalised as Docker does.
  private func baseImage(_ entry: TOMLTable.Entry) -> Located<String>? {
    guard let text = string(entry, example: "\"python:3.11-slim\"") else { return nil }
    let forms =
      "a reference as in FROM (\"python:3.11-slim\", \"registry.example.com/team/base:1.0\", "
      + "\"NAME@sha256:…\") or oci:DIR[:TAG], oci-archive:PATH, docker-archive:PATH, docker://HOST/REPO:TAG"
    if text.value == "-" || text.value.hasPrefix("docker-daemon:") {
      report(
        "base_image \"\(text.value)\" is a stream, but the base is read by manifest only: write \(forms)",
        at: text.position)
      return nil
    }
    let files = ["docker-archive:", "oci:", "oci-archive:"]
    if let transport = files.first(where: { text.value.hasPrefix($0) }) {
      guard text.value.count > transport.count else {
        report("base_image \"\(text.value)\" names no path after \(transport)", at: text.position)
        return nil
      }
      return text
    }
    // `user:secret@host/…` must not be repeated in messages (nor kept in measurements).
    if text.value.split(separator: "@", omittingEmptySubsequences: false).dropFirst().contains(where: {
      !$0.hasPrefix("sha256:")
    }) {
      report(
        "base_image must not carry a user or password (an '@' belongs only before sha256:): set "
          + "SIZEBUDGET_REGISTRY_USER and SIZEBUDGET_REGISTRY_PASSWORD in the environment, or docker login",
        at: text.position)
      return nil
    }
    let registry = text.value.hasPrefix("docker://")
    do {
      let reference = try DockerReference(parsing: String(text.value.dropFirst(registry ? "docker://".count : 0)))
      // docker:// names its registry, as a measured SOURCE does.
      if registry && !reference.namesRegistry {
        report(
          "base_image \"\(text.value)\" names no registry host after docker://: write docker://HOST[:PORT]/REPO:TAG, "
            + "or the reference without docker:// (\"\(text.value.dropFirst("docker://".count))\" is \(reference))",
          at: text.position)
        return nil
      }
    } catch {
      report("base_image \"\(text.value)\": \(error.message); write \(forms)", at: text.position)
      return nil
    }
    return text
  }

  private func relativePaths(_ entry: TOMLTable.Entry) -> [Located<String>] {
    strings(entry, example: "[\"api/\", \"docker/api.Dockerfile\"]").filter { path in
      if path.value.hasPrefix("/") || path.value.slashSeparated().contains("..") || path.value.isEmpty {
        report(
          "context path \"\(path.value)\" must be relative to the repository root, like \"api/\"", at: path.position)
        return false
      }
      return true
    }
  }

  /// `dockerfile = "docker/api.Dockerfile"`: a file in the repository, so that every
  /// commit's Dockerfile can be read beside its measurement.
  private func dockerfilePath(_ entry: TOMLTable.Entry) -> Located<String>? {
    guard let path = string(entry, example: "\"docker/api.Dockerfile\"") else { return nil }
    let parts = path.value.slashSeparated()
    guard !path.value.hasPrefix("/"), !parts.contains(".."), !parts.isEmpty, !path.value.hasSuffix("/") else {
      report(
        "dockerfile \"\(path.value)\" must be a file's path relative to the repository root, like \"docker/api.Dockerfile\"",
        at: path.position)
      return nil
    }
    return path
  }

  /// `build_context = "app"`: a directory relative to the repository root ("." is the root).
  private func buildContext(_ entry: TOMLTable.Entry) -> Located<String>? {
    guard let path = string(entry, example: "\"app\"") else { return nil }
    guard !path.value.hasPrefix("/"), !path.value.slashSeparated().contains("..") else {
      report(
        "build_context \"\(path.value)\" must be a directory relative to the repository root, like \"app\" or \".\"",
        at: path.position)
      return nil
    }
    return path
  }

  /// `target = "runtime"`: a stage name as `docker build --target` takes it.
  private func stageName(_ entry: TOMLTable.Entry) -> Located<String>? {
    guard let name = string(entry, example: "\"runtime\"") else { return nil }
    let valid =
      name.value.first.map { $0.isLetter } == true
      && name.value.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }
    guard valid else {
      report(
        "target \"\(name.value)\" is not a stage name: a stage is named by FROM … AS NAME (letters, digits, -, _, .)",
        at: name.position)
      return nil
    }
    return name
  }

  private func absolutePaths(_ entry: TOMLTable.Entry) -> [Located<String>] {
    strings(entry, example: "[\"/app/sdk/\"]").filter { path in
      if !path.value.hasPrefix("/") {
        report(
          "\(entry.key) path \"\(path.value)\" must be an absolute path in the image, like \"/\(path.value)\"",
          at: path.position)
        return false
      }
      return true
    }
  }

  private func patterns(_ entry: TOMLTable.Entry) -> [Located<PathPattern>] {
    strings(entry, example: "[\"**/__pycache__/**\", \"/usr/bin/gcc*\"]").compactMap { text in
      do throws(SizeSyntaxError) {
        return Located(try PathPattern(text.value), at: text.position)
      } catch {
        report("forbid pattern \(error.message)", at: text.position)
        return nil
      }
    }
  }

  private func pathCaps(_ entry: TOMLTable.Entry, section: String) -> [(path: String, limit: Located<ByteSize>)] {
    guard let table = table(entry, section) else { return [] }
    return table.entries.compactMap { cap in
      guard cap.key.hasPrefix("/") else {
        report(
          "\(section): \"\(cap.key)\" must be an absolute path in the image, like \"/\(cap.key)\"", at: cap.keyPosition)
        return nil
      }
      guard let limit = size(cap) else { return nil }
      return (Self.capPath(cap.key), limit)
    }
  }

  /// A path cap's key as the budget reads it: "/usr/lib/" caps "/usr/lib".
  static func capPath(_ key: String) -> String {
    key.count > 1 && key.hasSuffix("/") ? String(key.dropLast()) : key
  }

  private func packageCaps(_ entry: TOMLTable.Entry, section: String) -> [(name: String, limit: Located<ByteSize>)] {
    guard let table = table(entry, section) else { return [] }
    return table.entries.compactMap { cap in size(cap).map { (cap.key, $0) } }
  }

  /// `allow = ["finding:unstripped", "/opt/venv/**/*.so"]`.
  private func allowances(_ entry: TOMLTable.Entry) -> [Located<Allowance>] {
    strings(entry, example: "[\"finding:unstripped\", \"/opt/venv/**/*.so\"]").compactMap { text in
      if text.value.hasPrefix("finding:") {
        let name = String(text.value.dropFirst("finding:".count))
        guard Self.findingRules.contains(name) else {
          let hint =
            Suggestion.closest(to: name, among: Self.findingRules).map { "did you mean \"finding:\($0)\"? " } ?? ""
          report(
            "allow: unknown finding \"\(name)\": \(hint)use finding: and one of \(Self.findingRules.joined(separator: ", "))",
            at: text.position)
          return nil
        }
        return Located(.finding(name), at: text.position)
      }
      guard text.value.hasPrefix("/") || text.value.hasPrefix("**") else {
        report(
          "allow: \"\(text.value)\" is neither finding:NAME nor a path pattern in the image like \"/opt/venv/**/*.so\"",
          at: text.position)
        return nil
      }
      do throws(SizeSyntaxError) {
        return Located(.path(try PathPattern(text.value)), at: text.position)
      } catch {
        report("allow pattern \(error.message)", at: text.position)
        return nil
      }
    }
  }

  private func findingNames(_ entry: TOMLTable.Entry) -> [Located<String>] {
    strings(entry, example: "[\"build-tools\", \"pip-cache\"]").filter { name in
      guard Self.findingRules.contains(name.value) else {
        let hint = Suggestion.closest(to: name.value, among: Self.findingRules).map { "did you mean \"\($0)\"? " } ?? ""
        report(
          "deny: unknown finding \"\(name.value)\": \(hint)use one of \(Self.findingRules.joined(separator: ", "))",
          at: name.position)
        return false
      }
      return true
    }
  }

  private func events(_ entry: TOMLTable.Entry) -> [EventKind] {
    strings(entry, example: "[\"violation\", \"bisect\"]").compactMap { text in
      guard let kind = EventKind(rawValue: text.value) else {
        let names = EventKind.allCases.map(\.rawValue)
        let hint = Suggestion.closest(to: text.value, among: names).map { "did you mean \"\($0)\"? " } ?? ""
        report(
          "unknown event \"\(text.value)\": \(hint)use \(names.map { "\"\($0)\"" }.joined(separator: ", "))",
          at: text.position)
        return nil
      }
      return kind
    }
  }

  private func headers(_ entry: TOMLTable.Entry) -> [(name: String, value: String)] {
    guard let table = table(entry, "[notify.headers]") else { return [] }
    return table.entries.compactMap { header in
      guard let value = string(header, example: "\"Bearer ${GITHUB_TOKEN}\"") else { return nil }
      return (header.key, value.value)
    }
  }

  private func environmentName(_ entry: TOMLTable.Entry) -> String? {
    guard let name = string(entry, example: "\"SIZEBUDGET_WEBHOOK_SECRET\"") else { return nil }
    let valid =
      !name.value.isEmpty
      && name.value.utf8.allSatisfy {
        $0 == UInt8(ascii: "_") || ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122)
      }
      && !(name.value.utf8.first! >= 48 && name.value.utf8.first! <= 57)
    guard valid else {
      report(
        "\(entry.key) must name an environment variable (like \"SIZEBUDGET_WEBHOOK_SECRET\"), not hold its value",
        at: name.position)
      return nil
    }
    return name.value
  }

  private func webhookURL(_ url: Located<String>, allowInsecure: Bool) -> Bool {
    guard let parsed = Endpoint(url.value), parsed.scheme == "https" || parsed.scheme == "http" else {
      report("webhook \"\(url.value)\" must be an http:// or https:// URL", at: url.position)
      return false
    }
    if parsed.authority.contains("$") {
      report(
        "webhook \"\(url.value)\": ${NAME} from the environment may stand in the path and query, not in the host",
        at: url.position)
      return false
    }
    if let secret = SecretNames.variables(in: url.value).first(where: SecretNames.looksSecret) {
      report(
        "webhook \"\(url.value)\": ${\(secret)} looks like a secret, and a URL is stored in the outbox and shown "
          + "by notify --list; pass it in a header instead: headers = { Authorization = \"Bearer ${\(secret)}\" }",
        at: url.position)
      return false
    }
    if parsed.scheme == "http" && !parsed.isLoopback && !allowInsecure {
      report(
        "webhook \"\(url.value)\" uses plain http:// to a host that is not loopback: use https://, "
          + "or set allow_insecure = true in [notify] if you accept that", at: url.position)
      return false
    }
    return true
  }

  /// The shared store: a `postgres://` URL without a password (PGPASSWORD holds it).
  private func storeURL(_ entry: TOMLTable.Entry) -> String? {
    guard let text = string(entry, example: "\"postgres://ci@db.internal/sizebudget\"") else { return nil }
    guard let url = Endpoint(text.value), url.scheme == "postgres" || url.scheme == "postgresql" else {
      report(
        "store must be a postgres://[USER@]HOST[:PORT]/DATABASE URL (a SQLite store is per clone and needs no setting), "
          + "got \"\(text.value)\"", at: text.position)
      return nil
    }
    let lowered = text.value.lowercased()
    if url.hasPassword || lowered.contains("?password=") || lowered.contains("&password=") {
      report(
        "store must not carry a password: set PGPASSWORD in the environment (or use ~/.pgpass) instead",
        at: text.position)
      return nil
    }
    return text.value
  }

  private func smtpURL(_ entry: TOMLTable.Entry) -> String? {
    guard let text = string(entry, example: "\"smtp://localhost:25\"") else { return nil }
    guard let url = Endpoint(text.value), url.scheme == "smtp" || url.scheme == "smtps" else {
      report("smtp must be an smtp://HOST[:PORT] or smtps://HOST[:PORT] URL, got \"\(text.value)\"", at: text.position)
      return nil
    }
    if url.userInfo != nil {
      report(
        "smtp must not carry a user or password: name their environment variables with user_env and password_env",
        at: text.position)
      return nil
    }
    return text.value
  }

  private func emailAddress(_ address: Located<String>) -> Bool {
    let parts = address.value.split(separator: "@", omittingEmptySubsequences: false)
    let valid =
      parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
      && !address.value.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," })
    if !valid { report("\"\(address.value)\" is not an email address like \"team@example.com\"", at: address.position) }
    return valid
  }

  private func isValidImageName(_ name: String) -> Bool {
    !name.isEmpty
      && name.unicodeScalars.allSatisfy {
        ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "._-".unicodeScalars.contains($0)
      }
  }

  // MARK: Key problems

  private func unknownKey(_ entry: TOMLTable.Entry, in section: String, known: [String]) {
    if let suggestion = Suggestion.closest(to: entry.key, among: known) {
      report("unknown key \"\(entry.key)\" in \(section): did you mean \"\(suggestion)\"?", at: entry.keyPosition)
    } else {
      report(
        "unknown key \"\(entry.key)\" in \(section); known keys: \(known.joined(separator: ", "))",
        at: entry.keyPosition)
    }
  }

  private func secretInFile(_ entry: TOMLTable.Entry, instead: String) {
    report(
      "\(entry.key) must not be written in budgets.toml, which is committed: put it in an environment variable "
        + "and name that variable with \(instead)", at: entry.keyPosition)
  }

  private func describe(_ value: TOMLValue) -> String {
    switch value {
    case .string(let text): "the string \"\(text)\""
    case .integer(let number): "the integer \(number)"
    case .float(let number): "the float \(number)"
    case .boolean(let flag): "the boolean \(flag)"
    case .array: "an array"
    case .table: "a table"
    default: value.typeNameWithArticle
    }
  }
}
