import ArchiveIO
import Foundation

/// Decodes a small JSON file of an image, naming it in the error.
func decodeJSON<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], _ what: String) throws(ImageSourceError) -> T {
  do {
    return try JSONDecoder().decode(type, from: Data(bytes))
  } catch let DecodingError.dataCorrupted(context) {
    throw ImageSourceError("\(what) is not valid JSON: \(context.debugDescription)")
  } catch let DecodingError.keyNotFound(key, context) {
    let place = context.codingPath.isEmpty ? "" : " at \(jsonPath(context.codingPath))"
    throw ImageSourceError("\(what) has no \"\(key.stringValue)\"\(place)")
  } catch let DecodingError.typeMismatch(_, context) {
    throw ImageSourceError("\(what) has a value of the wrong type at \(jsonPath(context.codingPath))")
  } catch let DecodingError.valueNotFound(_, context) {
    throw ImageSourceError("\(what) has null at \(jsonPath(context.codingPath)), where a value is needed")
  } catch {
    throw ImageSourceError("\(what) cannot be read as an image's JSON")
  }
}

/// `[0].Config`, as a person finds it in the file; "the top" for the whole document.
private func jsonPath(_ path: [any CodingKey]) -> String {
  guard !path.isEmpty else { return "the top" }
  var text = ""
  for key in path {
    if let index = key.intValue {
      text += "[\(index)]"
    } else {
      text += (text.isEmpty ? "" : ".") + key.stringValue
    }
  }
  return text
}

/// `sha256:<64 hex>` → `blobs/sha256/<hex>`; anything else is refused, so a digest can
/// never name a path outside the layout.
func blobPath(_ digest: String, in what: String) throws(ImageSourceError) -> String {
  let parts = digest.split(separator: ":", maxSplits: 1)
  guard parts.count == 2, parts[0] == "sha256", parts[1].count == 64,
    parts[1].allSatisfy({ $0.isHexDigit && !$0.isUppercase })
  else {
    throw ImageSourceError("\(what) names a malformed digest \"\(digest)\" (expected sha256: and 64 hex digits)")
  }
  return "blobs/sha256/\(parts[1])"
}

/// Checks bytes read whole (a manifest, a config) against the digest that names them.
func verifyDigest(_ bytes: [UInt8], _ expected: String, _ what: String) throws(ImageSourceError) {
  let actual = SHA256.digest(bytes)
  guard actual == expected else {
    throw ImageSourceError(
      "\(what): digest mismatch: expected \(expected), the bytes hash to \(actual); the image is corrupt")
  }
}
