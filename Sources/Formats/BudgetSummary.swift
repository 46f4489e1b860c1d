import Budgets
import Model

/// What `sizebudget validate` prints: the budgets as the tool understood them.
public enum BudgetSummary {
  public static func render(_ budgets: BudgetFile, terminal: TerminalStyle = .plain) -> String {
    var out: [String] = []
    let count = budgets.images.count
    out.append(
      terminal.apply(.good, "\(budgets.path): valid")
        + ", \(counted(count, "image")) (sizes in decimal units: 1 MB = 1,000,000 bytes)")
    out.append("")
    if budgets.images.isEmpty {
      out.append("No [image.NAME] tables: nothing is budgeted yet.")
    } else {
      out.append(imageTable(budgets.images).render(terminal))
      for image in budgets.images {
        out.append("")
        out.append(contentsOf: details(image, terminal: terminal))
      }
    }
    out.append("")
    out.append(contentsOf: settings(budgets))
    return out.joined(separator: "\n")
  }

  private static func imageTable(_ images: [ImageBudget]) -> TextTable {
    var table = TextTable([
      .init("image"), .init("metric"), .init("max", .right), .init("warn", .right), .init("max growth", .right),
      .init("max layer", .right), .init("max wasted", .right), .init("forbid", .right), .init("paths", .right),
    ])
    for image in images {
      table.add([
        image.name, image.metric.rawValue, text(image.max), text(image.warn),
        image.maxGrowth.map { "\($0.value)" } ?? "-",
        text(image.maxLayer), text(image.maxWasted), String(image.forbid.count), String(image.paths.count),
      ])
    }
    return table
  }

  private static func details(_ image: ImageBudget, terminal: TerminalStyle) -> [String] {
    var lines = [terminal.apply(.bold, image.name)]
    func line(_ label: String, _ value: String) { lines.append("  \(label.padding(9)) \(value)") }
    if let owner = image.owner { line("owner", owner) }
    line("source", image.source ?? "(none: give SOURCE to measure)")
    line("base", "merge-base with \(image.base); paths to depth \(image.pathDepth)")
    if !image.context.isEmpty { line("context", image.context.joined(separator: ", ")) }
    if let build = image.build { line("build", build) }
    if let dockerfile = image.dockerfile?.value {
      let stage = image.target.map { " (stage \($0.value))" } ?? ""
      let context = image.buildContextDirectory.isEmpty ? "the repository root" : image.buildContextDirectory + "/"
      line("layers", "named by the lines of \(dockerfile)\(stage); build context \(context)")
    }
    // How growth is judged: what counts, what is noise, where the base's layers end.
    let tolerance = image.tolerance.map { ", tolerance \($0.value)" } ?? ""
    // Normalised as Docker does (python:3.12 → docker.io/library/python:3.12), as
    // every other output names the base; a local source as written.
    let baseImage = image.baseImage.map { ", base image \(DockerReference.normalisedImageName($0.value))" } ?? ""
    let judged = image.growthOf == .own ? "own layers only (growth_of = own)" : "the whole image"
    line("growth", "judged on \(judged)\(tolerance)\(baseImage)")
    line(
      "loose",
      image.looseAfter == 0
        ? "not checked (loose_after = 0)"
        : "warns after \(image.looseAfter) measured commits \(image.headroomPercent)% under max")
    if !image.forbid.isEmpty { line("forbid", image.forbid.map(\.value.text).joined(separator: ", ")) }
    if !image.require.isEmpty { line("require", image.require.map(\.value).joined(separator: ", ")) }
    if !image.allow.isEmpty { line("allow", image.allow.map(\.value.text).joined(separator: ", ")) }
    for cap in image.paths { line("path", "\(cap.path) ≤ \(cap.limit.value)") }
    return lines
  }

  private static func settings(_ budgets: BudgetFile) -> [String] {
    var lines: [String] = []
    let defaults = budgets.defaults
    lines.append(
      "defaults: metric \(defaults.metric.rawValue), base \(defaults.base), max growth "
        + (defaults.maxGrowth.map { "\($0.value)" } ?? "none") + ", path depth \(defaults.pathDepth)")
    if let notify = budgets.notify {
      let secret = notify.secretEnv.map { "signed with $\($0)" } ?? "unsigned (no secret_env)"
      lines.append(
        "notify:   \(notify.webhooks.map(\.value).joined(separator: ", ")), \(secret), on "
          + notify.on.map(\.rawValue).joined(separator: ", "))
    } else {
      lines.append("notify:   off (no [notify])")
    }
    if let report = budgets.report {
      lines.append("report:   to \(report.to.joined(separator: ", ")) via \(report.smtp ?? "sendmail or --output")")
    } else {
      lines.append("report:   off (no [report])")
    }
    lines.append("hook:     predict \(budgets.hook.predict.rawValue)" + hookMeaning(budgets.hook.predict))
    return lines
  }

  /// What `[hook] predict` does to a push, as validate says it.
  private static func hookMeaning(_ mode: HookSettings.PredictMode) -> String {
    switch mode {
    case .refuse: " (a push predicted to break max or growth by more than the uncertainty is refused)"
    case .warn: " (predicted breaks are printed; the push goes on)"
    case .off: " (only measured commits are judged)"
    }
  }

  /// `validate --format json`: the budgets as understood, in bytes, and the notes.
  public static func json(_ budgets: BudgetFile, notes: [String]) -> String {
    struct Image: Encodable {
      var name: String
      var metric: String
      var max, warn, maxLayer, maxWasted, tolerance: Int64?
      var maxGrowth: String?
      var growthOf: String
      var baseImage, dockerfile, target: String?
      var buildContext: String
      var headroom, looseAfter: Int
      var base: String
      var source, owner, build: String?
      var context, forbid, require, allow, deny: [String]
      var paths: [String: Int64]
    }
    struct Document: Encodable {
      let schema = "sizebudget.validate/v1"
      var path: String
      var valid = true
      var defaultMetric: String
      var hookPredict: String
      var images: [Image]
      var notes: [String]
    }
    let images = budgets.images.map { image in
      Image(
        name: image.name, metric: image.metric.rawValue, max: image.max?.value.bytes, warn: image.warn?.value.bytes,
        maxLayer: image.maxLayer?.value.bytes, maxWasted: image.maxWasted?.value.bytes,
        tolerance: image.tolerance?.value.bytes, maxGrowth: image.maxGrowth.map { "\($0.value)" },
        growthOf: image.growthOf.rawValue, baseImage: image.baseImage?.value, dockerfile: image.dockerfile?.value,
        target: image.target?.value, buildContext: image.buildContextDirectory, headroom: image.headroomPercent,
        looseAfter: image.looseAfter, base: image.base,
        source: image.source, owner: image.owner, build: image.build, context: image.context,
        forbid: image.forbid.map(\.value.text), require: image.require.map(\.value),
        allow: image.allow.map(\.value.text), deny: image.deny.map(\.value),
        paths: Dictionary(image.paths.map { ($0.path, $0.limit.value.bytes) }, uniquingKeysWith: { first, _ in first }))
    }
    return encodeJSON(
      Document(
        path: budgets.path, defaultMetric: budgets.defaults.metric.rawValue,
        hookPredict: budgets.hook.predict.rawValue, images: images, notes: notes))
  }

  private static func text(_ size: Located<ByteSize>?) -> String { size.map { "\($0.value)" } ?? "-" }
}

extension String {
  func padding(_ width: Int) -> String {
    self + String(repeating: " ", count: max(0, width - count))
  }
}
