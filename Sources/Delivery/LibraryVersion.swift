import CCurl

/// The libcurl this process runs with and its TLS library, for `sizebudget --version`.
public enum CurlLibrary {
  public static var runtimeVersion: String {
    if let loadFailure { return "not loaded (\(loadFailure))" }
    // CURLVERSION_NOW is a macro Swift does not import; the fields read here are in every age.
    guard let info = sb_curl_version_info(CURLVERSION_FOURTH) else { return "unknown" }
    let version = info.pointee.version.map { String(cString: $0) } ?? "unknown"
    guard let tls = info.pointee.ssl_version else { return version }
    return "\(version) (\(String(cString: tls)))"
  }

  /// Loads libcurl on first use (see CCurl.h); nil when it is loaded, otherwise the
  /// dynamic loader's reason.
  static var loadFailure: String? {
    var reason = [CChar](repeating: 0, count: 512)
    guard sb_curl_load(&reason, reason.count) != 0 else { return nil }
    return reason.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
  }
}
