import CCurl
import Endpoints
import Foundation

/// What a receiver answered.
public struct HTTPResponse: Sendable {
  public var status: Int
  /// The first bytes of the body (at most 4 KiB), for error reports.
  public var bodyPrefix: [UInt8]
  public var headers: [String: String]

  public init(status: Int, bodyPrefix: [UInt8], headers: [String: String]) {
    self.status = status
    self.bodyPrefix = bodyPrefix
    self.headers = headers
  }

  /// `Retry-After` in seconds, at most a day (a number of seconds; an HTTP date, or a
  /// number that is none, such as `inf` or `nan`, is read as 60). A receiver's header
  /// must not be able to overflow the next attempt's time.
  public var retryAfter: Double? {
    guard let value = headers["retry-after"] else { return nil }
    if let seconds = Self.number(value) { return min(max(0, seconds), 86_400) }
    return 60
  }

  /// A header's value as a finite number (`Retry-After`, a rate limit's reset time);
  /// nil for anything else. `Double("nan")` and `Double("inf")` parse, and NaN passes
  /// `min` and `max`: a wait computed from either would trap where it becomes whole
  /// seconds, or overflow the next attempt's time.
  public static func number(_ value: String?) -> Double? {
    guard let value, let number = Double(value.trimmingCharacters(in: " ")), number.isFinite else { return nil }
    return number
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
      return Result { () throws(DeliveryError) in try curl.perform("POST \(Endpoint.redacted(url))") }
    }
    try status.get()
    return HTTPResponse(status: curl.responseCode, bodyPrefix: curl.received, headers: parse(curl.responseHeaders))
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

extension HTTPClient {
  /// GET, keeping at most `limit` bytes of the body (manifests, configs, tokens).
  public static func get(
    _ url: String, headers: [String], limit: Int = 16 << 20, connectTimeout: Double = 10, timeout: Double = 60
  ) throws(DeliveryError) -> HTTPResponse {
    let curl = try CurlHandle(url: url, connectTimeout: connectTimeout, totalTimeout: timeout)
    curl.receivedLimit = limit
    curl.setList(CURLOPT_HTTPHEADER, headers)
    try curl.perform("GET \(Endpoint.redacted(url))")
    return HTTPResponse(status: curl.responseCode, bodyPrefix: curl.received, headers: parse(curl.responseHeaders))
  }

  static func parse(_ lines: [String]) -> [String: String] {
    var parsed: [String: String] = [:]
    for line in lines {
      // A redirect's headers come first; the final response's override them.
      if line.hasPrefix("HTTP/") { parsed = [:] }
      guard let colon = line.firstIndex(of: ":") else { continue }
      parsed[line[..<colon].lowercased()] = String(line[line.index(after: colon)...]).trimmingCharacters(in: " ")
    }
    return parsed
  }
}

extension HTTPClient {
  /// Any method (GET, POST, PATCH, PUT, DELETE) with an optional JSON body, keeping
  /// at most `limit` bytes of the answer: the forges' REST APIs.
  public static func request(
    _ method: String, _ url: String, body: [UInt8]? = nil, headers: [String], limit: Int = 8 << 20,
    connectTimeout: Double = 3, timeout: Double = 10
  ) throws(DeliveryError) -> HTTPResponse {
    let curl = try CurlHandle(url: url, connectTimeout: connectTimeout, totalTimeout: timeout)
    curl.receivedLimit = limit
    curl.set(CURLOPT_CUSTOMREQUEST, method)
    curl.setList(CURLOPT_HTTPHEADER, headers + ["Expect:"])
    let payload = body ?? []
    let status = payload.withUnsafeBytes { bytes -> Result<Void, DeliveryError> in
      if body != nil {
        sb_curl_setopt_pointer(curl.handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
        curl.set(CURLOPT_POSTFIELDSIZE_LARGE, bytes.count)
      }
      return Result { () throws(DeliveryError) in try curl.perform("\(method) \(Endpoint.redacted(url))") }
    }
    try status.get()
    return HTTPResponse(status: curl.responseCode, bodyPrefix: curl.received, headers: parse(curl.responseHeaders))
  }
}
