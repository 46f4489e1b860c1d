import CCurl

/// What a receiver answered.
public struct HTTPResponse: Sendable {
  public var status: Int
  /// The first bytes of the body (at most 4 KiB), for error reports.
  public var bodyPrefix: [UInt8]
  public var headers: [String: String]

  /// `Retry-After` in seconds (a number of seconds; an HTTP date is read as 60).
  public var retryAfter: Double? {
    guard let value = headers["retry-after"] else { return nil }
    if let seconds = Double(value.trimmingCharacters(in: " ")) { return max(0, seconds) }
    return 60
  }
}

/// POSTs bodies over HTTP(S) through libcurl. Certificate checks are always on.
public enum HTTPClient {
  public static func post(
    _ url: String, body: [UInt8], headers: [String], connectTimeout: Double = 3, timeout: Double = 10
  ) throws(DeliveryError) -> HTTPResponse {
    let curl = try CurlHandle(url: url, connectTimeout: connectTimeout, totalTimeout: timeout)
    curl.set(CURLOPT_POST, 1)
    // Expect: 100-continue would add a round trip for nothing.
    curl.setList(CURLOPT_HTTPHEADER, headers + ["Expect:"])
    let status = body.withUnsafeBytes { bytes -> Result<Void, DeliveryError> in
      sb_curl_setopt_pointer(curl.handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
      curl.set(CURLOPT_POSTFIELDSIZE_LARGE, bytes.count)
      return Result { () throws(DeliveryError) in try curl.perform("POST \(redacted(url))") }
    }
    try status.get()
    var parsed: [String: String] = [:]
    for line in curl.responseHeaders {
      guard let colon = line.firstIndex(of: ":") else { continue }
      parsed[line[..<colon].lowercased()] = String(line[line.index(after: colon)...]).trimmingCharacters(in: " ")
    }
    return HTTPResponse(status: curl.responseCode, bodyPrefix: curl.received, headers: parsed)
  }

  /// The URL without credentials or query (tokens hide there), for messages.
  public static func redacted(_ url: String) -> String {
    var text = Substring(url)
    if let query = text.firstIndex(of: "?") { text = text[..<query] }
    if let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") {
      text = text[..<scheme.upperBound] + text[text.index(after: at)...]
    }
    return String(text)
  }
}

extension Substring {
  func range(of needle: String) -> Range<Substring.Index>? {
    var index = startIndex
    while index < endIndex {
      if self[index...].hasPrefix(needle) { return index..<self.index(index, offsetBy: needle.count) }
      index = self.index(after: index)
    }
    return nil
  }
}
