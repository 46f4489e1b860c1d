import Evaluation

/// `check --format github`: workflow commands that become annotations on the run and
/// on the Dockerfile line of the layer a result points at (`[image.X] dockerfile`),
/// else on the budgets.toml line that set the limit. Works for pull requests from
/// forks too, where no token may comment.
public enum GitHubActions {
  public static func render(_ report: CheckReport) -> String {
    var lines: [String] = []
    for image in report.images {
      // A base image rebuilt upstream is said even when no rule fails because of it.
      if let rebuilt = image.growthSplit?.baseLine {
        lines.append("::notice title=\(property("sizebudget: \(image.image) base image"))::\(data(rebuilt))")
      }
      for result in image.results {
        let command: String
        switch result.status {
        case .fail: command = "error"
        case .warn, .unknown: command = "warning"
        case .justified, .acknowledged: command = "notice"
        case .pass: continue
        }
        var properties = ["title=\(property("sizebudget: \(image.image) \(result.rule)"))"]
        var body = [result.message]
        // Said for every layer, matched or not, so an unmatched one reads as such.
        if let layer = result.layer, image.sources != nil { body.append(CheckLocations.layer(layer, image.sources)) }
        if let location = CheckLocations.dockerfileLine(of: result, in: image) {
          properties.insert("file=\(property(location.file)),line=\(location.line)", at: 0)
          if let line = result.budgetLine { body.append("limit set at \(report.budgetsRepositoryPath):\(line)") }
        } else if let line = result.budgetLine {
          properties.insert("file=\(property(report.budgetsRepositoryPath)),line=\(line)", at: 0)
        }
        // The base's rebuild is its own notice above; the split is the growth's.
        body += GrowthSplitText.lines(for: result, in: image, rebuilt: false)
        body += result.details.prefix(10)
        lines.append("::\(command) \(properties.joined(separator: ","))::\(data(body.joined(separator: "\n")))")
      }
    }
    for missing in report.missing {
      lines.append(
        "::error title=\(property("sizebudget: \(missing.image) not measured"))::\(data("no measurement at \(missing.commit.prefix(12)); run: \(missing.command)"))"
      )
    }
    lines.append(CheckText.render(report, terminal: .plain))
    return lines.joined(separator: "\n")
  }

  /// Escaping of a command's message (GitHub's toolkit: %, CR, LF).
  static func data(_ text: String) -> String {
    text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
      .replacingOccurrences(of: "\n", with: "%0A")
  }

  /// Escaping of a property value: also ':' and ','.
  static func property(_ text: String) -> String {
    data(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
  }
}
