import Evaluation
import Forge
import Foundation
import Store

/// `sizebudget comment --from report.json`: the fork pattern's privileged half posts a
/// report the untrusted job saved, with no checkout of its code and no store of its own
/// but a temporary one for the outbox.
public enum CommentCommand {
  public static func run(from path: String, config: String?, store: String?) throws(CommandError) -> (String, Int32) {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw .usage("cannot read \(path): save it with `sizebudget check --format json > \(path)`")
    }
    guard let document = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
      document["schema"] as? String == "sizebudget.check/v1", let commit = document["commit"] as? String,
      let comment = document["comment"] as? String, let marker = document["marker"] as? String,
      let summary = document["summary"] as? String, let status = document["status"] as? String
    else {
      throw .usage(
        "\(path) is not a report of `sizebudget check --format json` (schema sizebudget.check/v1 with comment, "
          + "marker and summary): make it with this version of sizebudget")
    }
    // The report comes from an untrusted job: its marker may only name sizebudget's own
    // comments, and the comment must carry it (or it would never be found again).
    guard marker.hasPrefix("<!-- sizebudget:"), marker.hasSuffix(" -->"), !marker.contains("\n"),
      comment.hasPrefix(marker), summary.count <= 140
    else {
      throw .usage("\(path) has a comment or marker that `sizebudget check --format json` does not write")
    }
    let report = ForgeComments.Report(
      commit: commit, marker: marker, summary: summary,
      state: ForgeComments.state(ImageStatus(rawValue: status) ?? .error), comment: { _, _ in comment })
    let environment = ProcessInfo.processInfo.environment
    let workspace = Workspace.discover()
    let settings = try workspace.loadBudgetsIfPresent(override: config)?.notify?.forges ?? []
    let (jobs, lines) = ForgeComments.jobs(
      report, settings: settings, environment: environment, findPullRequest: true)
    guard !jobs.isEmpty else {
      throw .usage(
        (lines + [
          "sizebudget comment: no forge to post to: run it in GitHub, GitLab or Gitea CI, or add [notify.github] (or gitlab, gitea) to budgets.toml"
        ])
        .joined(separator: "\n"))
    }
    let measurements = try openOutbox(store)
    let delivered = ForgeComments.deliver(jobs, store: measurements, environment: environment)
    return ((lines + delivered.lines).joined(separator: "\n"), delivered.complete ? 0 : 1)
  }

  /// The store's outbox when there is a store (a repository, --store, SIZEBUDGET_STORE);
  /// else a temporary one: the privileged job has no checkout, and retries happen now.
  static func openOutbox(_ store: String?) throws(CommandError) -> MeasurementStore {
    let workspace = Workspace.discover()
    let path =
      (try? workspace.storePath(override: store))
      ?? FileManager.default.temporaryDirectory.appendingPathComponent("sizebudget-comment-\(getpid()).sqlite").path
    do {
      return try MeasurementStore(path: path)
    } catch {
      throw .from(error)
    }
  }
}
