import Budgets

/// commits/OID.html: per image measured at the commit, the verdict `check` gives and
/// the diffs against the previous measured commit and against the base.
public enum CommitPage {
  public static func render(_ sections: [SiteCommitSection]) -> String {
    guard let first = sections.first?.point else { return Page.render(title: "commit", prefix: "../", body: "") }
    var body = """
      <p><a href="../index.html">All images</a></p>
      <h1><code>\(first.commit.prefix(12))</code> \(HTML.escape(first.subject))</h1>
      <p class="muted" id="commit-meta">\(first.commit) · \(HTML.escape(first.author)) · \(HTML.date(first.time)) UTC</p>

      """
    for section in sections {
      let status = section.status?.rawValue ?? "unknown"
      body += "<section class=\"image-section\" data-image=\"\(HTML.escape(section.image))\">\n"
      body +=
        "<h2><a href=\"../\(HTML.imageFile(section.image))\">\(HTML.escape(section.image))</a> \(Page.statusBadge(status))</h2>\n"
      body +=
        "<p>Compressed <b>\(ByteSize.format(section.point.compressed))</b> (\(HTML.exact(section.point.compressed)) bytes), "
        + "uncompressed <b>\(ByteSize.format(section.point.uncompressed))</b> (\(HTML.exact(section.point.uncompressed)) bytes).</p>\n"
      body += "<h3>Verdict (sizebudget check)</h3>\n<pre class=\"verdict\">\(HTML.escape(section.verdict))</pre>\n"
      if let previous = section.previous, let diff = section.diffPrevious {
        body +=
          "<h3>Against the previous measured commit, <a href=\"\(previous.commit).html\"><code>\(previous.commit.prefix(12))</code></a></h3>\n"
          + "<pre class=\"diff-previous\">\(HTML.escape(diff))</pre>\n"
      } else {
        body += "<p class=\"muted\">The first measured commit of this image on the branch.</p>\n"
      }
      if let label = section.baseLabel, let diff = section.diffBase {
        body +=
          "<h3>Against the base, \(HTML.escape(label))</h3>\n<pre class=\"diff-base\">\(HTML.escape(diff))</pre>\n"
      }
      body += "</section>\n"
    }
    return Page.render(title: "\(first.commit.prefix(12)): sizebudget", prefix: "../", body: body)
  }
}
