import Foundation
import Model

// The package databases of an image, parsed from their bytes as a layer holds
// them. The bytes come from an untrusted image: every parser ends in a value
// (what it could read), never a trap, in time linear in the input.

/// `/var/lib/dpkg/status`: the packages whose status is "install ok installed".
enum DebianStatus {
  struct Package {
    var name: String
    var version: String?
    var architecture: String?
  }

  static func installed(_ bytes: [UInt8]) -> [Package] {
    String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n\n").compactMap { stanza in
      var fields: [String: String] = [:]
      for line in stanza.split(separator: "\n") where !line.hasPrefix(" ") {
        guard let colon = line.firstIndex(of: ":") else { continue }
        fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      }
      // An empty `Package:` names nothing (found by `make fuzz`).
      guard let name = fields["Package"], !name.isEmpty, fields["Status"]?.hasSuffix("installed") == true,
        fields["Status"]?.contains("not-installed") == false
      else { return nil }
      return Package(name: name, version: fields["Version"], architecture: fields["Architecture"])
    }
  }
}

/// `*.dist-info`: name and version, and the files of RECORD.
enum PythonDistribution {
  /// From METADATA's Name and Version when present, else from the directory name.
  static func nameAndVersion(distInfo: String, metadata: [UInt8]?) -> (String, String?) {
    if let metadata {
      var name: String? = nil
      var version: String? = nil
      for line in String(decoding: metadata, as: UTF8.self).split(
        omittingEmptySubsequences: false, whereSeparator: \.isNewline)
      {
        if line.isEmpty { break }  // the headers end at the first blank line
        if line.hasPrefix("Name: ") { name = String(line.dropFirst(6)) }
        if line.hasPrefix("Version: ") { version = String(line.dropFirst(9)) }
      }
      if let name { return (name.lowercased().replacingOccurrences(of: "_", with: "-"), version) }
    }
    let stem = distInfo.dropLast(".dist-info".count)
    guard let dash = stem.firstIndex(of: "-") else { return (String(stem).lowercased(), nil) }
    return (
      String(stem[..<dash]).lowercased().replacingOccurrences(of: "_", with: "-"),
      String(stem[stem.index(after: dash)...])
    )
  }

  /// The first column of RECORD (CSV, with CR LF line ends as pip writes it, which
  /// Swift sees as one Character: hence `isNewline`; a quoted path may hold commas).
  static func recordPaths(_ bytes: [UInt8]) -> [String] {
    // Split as bytes, not Characters (a RECORD line per file: issue 16's CPU per file).
    bytes.split(whereSeparator: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }).compactMap { line in
      if line.first == UInt8(ascii: "\"") {
        let rest = line.dropFirst()
        guard let end = rest.firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return String(decoding: rest[..<end], as: UTF8.self)
      }
      return String(decoding: line.prefix { $0 != UInt8(ascii: ",") }, as: UTF8.self)
    }.filter { !$0.isEmpty }
  }
}

/// `/lib/apk/db/installed`: one block per package; `F:` a directory, `R:` a file in it.
enum AlpineInstalled {
  struct Package {
    var name: String
    var version: String?
    var files: [String]
  }

  static func packages(_ bytes: [UInt8]) -> [Package] {
    String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n\n").compactMap { block in
      var package = Package(name: "", version: nil, files: [])
      var directory = ""
      for line in block.split(separator: "\n") where line.count > 2 {
        let value = String(line.dropFirst(2))
        switch line.prefix(2) {
        case "P:": package.name = value
        case "V:": package.version = value
        case "F:": directory = value
        case "R:": package.files.append("/" + directory + "/" + value)
        default: break
        }
      }
      return package.name.isEmpty ? nil : package
    }
  }
}

/// `node_modules/NAME/package.json`: its name and version, when they are strings.
enum NpmManifest {
  static func nameAndVersion(_ bytes: [UInt8]) -> (name: String?, version: String?) {
    let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
    return (object?["name"] as? String, object?["version"] as? String)
  }
}
