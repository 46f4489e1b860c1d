/// Parses TOML 1.0 documents.
///
/// ```swift
/// let root = try TOMLDocument.parse("[image.api]\nmax = \"450 MB\"\n")
/// let max = root["image"]  // TOMLNode, with .value and .position (line, column)
/// ```
///
/// Every key and value keeps its line and column so that a later check (a budget
/// that names an unknown image, a size with a typo) can point at it. Invalid input
/// throws a `TOMLError` with the position and what was expected; no input crashes
/// or hangs the parser.
public enum TOMLDocument {
  /// Parses UTF-8 bytes into the root table.
  public static func parse(_ bytes: [UInt8]) throws(TOMLError) -> TOMLTable {
    do {
      return try bytes.withUnsafeBufferPointer { buffer in
        var parser = Parser(bytes: buffer)
        return try parser.parseDocument()
      }
    } catch let error as TOMLError {
      throw error
    } catch {
      fatalError("unreachable: the parser throws only TOMLError")
    }
  }

  /// Parses a string into the root table.
  public static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
    try parse(Array(text.utf8))
  }
}
