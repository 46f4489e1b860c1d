import Analysis
import Model

/// Package managers' download caches and indexes, left behind by an install.
public struct CacheRule: FindingRule {
  public let name: String
  let category: String
  let title: String
  let fix: String

  public static let pip = CacheRule(
    name: "pip-cache", category: "pip-cache", title: "pip's download cache",
    fix: "pip install --no-cache-dir, or RUN --mount=type=cache,target=/root/.cache/pip")
  public static let aptCache = CacheRule(
    name: "apt-cache", category: "apt-cache", title: "Downloaded .deb archives",
    fix: "apt-get clean in the same RUN as apt-get install (or a cache mount on /var/cache/apt)")
  public static let aptLists = CacheRule(
    name: "apt-lists", category: "apt-lists", title: "apt package lists",
    fix: "rm -rf /var/lib/apt/lists/* in the same RUN as apt-get update && apt-get install")
  public static let npm = CacheRule(
    name: "npm-cache", category: "npm-cache", title: "npm/yarn/pnpm caches",
    fix: "npm ci --omit=dev && npm cache clean --force in one RUN, or a cache mount")
  public static let apk = CacheRule(
    name: "apk-cache", category: "apk-cache", title: "apk's cache", fix: "apk add --no-cache")

  public func findings(in measurement: ImageMeasurement) -> [Finding] {
    Findings.fromCategory(category, rule: name, title: title, fix: fix, in: measurement)
  }
}
