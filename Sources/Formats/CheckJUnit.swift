import Evaluation

/// `check --format junit`: one test case per image and rule, so GitLab, Jenkins and
/// other CI systems show budgets beside tests.
public enum CheckJUnit {
  public static func render(_ report: CheckReport) -> String {
    var cases: [String] = []
    var failures = 0
    var skipped = 0
    for image in report.images {
      for result in image.results {
        let name = result.subject.map { "\(result.rule) \($0)" } ?? result.rule
        // Growth split into base image and own layers, as every output words it.
        let split = GrowthSplitText.lines(for: result, in: image, rebuilt: true)
        var body = ""
        switch result.status {
        case .fail:
          failures += 1
          body =
            "<failure message=\"\(escape(result.message))\" type=\"\(result.rule)\">\(escape(([result.message] + split + result.details).joined(separator: "\n")))</failure>"
        case .unknown:
          skipped += 1
          body = "<skipped message=\"\(escape(result.message))\"/>"
        case .warn, .justified, .acknowledged:
          body = "<system-out>\(escape(([result.message] + split).joined(separator: "\n")))</system-out>"
        case .pass:
          if !split.isEmpty {
            body = "<system-out>\(escape(([result.message] + split).joined(separator: "\n")))</system-out>"
          }
        }
        cases.append(
          "    <testcase classname=\"sizebudget.\(escape(image.image))\" name=\"\(escape(name))\">\(body)</testcase>")
      }
    }
    for missing in report.missing {
      failures += 1
      cases.append(
        "    <testcase classname=\"sizebudget.\(escape(missing.image))\" name=\"measured\"><failure message=\"no measurement at \(missing.commit.prefix(12))\" type=\"missing\">\(escape(missing.command))</failure></testcase>"
      )
    }
    return """
      <?xml version="1.0" encoding="UTF-8"?>
      <testsuites name="sizebudget" tests="\(cases.count)" failures="\(failures)" skipped="\(skipped)">
        <testsuite name="sizebudget check \(report.commit.prefix(12))" tests="\(cases.count)" failures="\(failures)" skipped="\(skipped)">
      \(cases.joined(separator: "\n"))
        </testsuite>
      </testsuites>
      """
  }

  static func escape(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      case "\n", "\t", "\r": out.unicodeScalars.append(scalar)
      case _ where scalar.value < 0x20: out += "?"  // not allowed in XML 1.0
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
