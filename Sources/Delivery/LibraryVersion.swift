import CCurl

/// The libcurl this process runs with and its TLS library, for `sizebudget --version`.
public enum CurlLibrary {
  public static var runtimeVersion: String {
    // CURLVERSION_NOW is a macro Swift does not import; the fields read here are in every age.
    guard let info = curl_version_info(CURLVERSION_FOURTH) else { return "unknown" }
    let version = info.pointee.version.map { String(cString: $0) } ?? "unknown"
    guard let tls = info.pointee.ssl_version else { return version }
    return "\(version) (\(String(cString: tls)))"
  }
}
