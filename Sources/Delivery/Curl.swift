import CCurl

/// libcurl is loaded and initialised once per process, before the first transfer;
/// nil when loaded, otherwise why it could not be.
private let curlLoadFailure: DeliveryError? = {
  if let reason = CurlLibrary.loadFailure {
    return DeliveryError(
      .other, "libcurl could not be loaded (\(reason)); install it (Debian: apt-get install libcurl4)")
  }
  sb_curl_global_init(Int(CURL_GLOBAL_DEFAULT))
  return nil
}()

/// Why a transfer did not complete: the receiver could not be reached, timed out, or
/// TLS failed. Whether to retry is decided by the caller.
public struct DeliveryError: Error, Sendable, CustomStringConvertible {
  public enum Kind: Sendable {
    case refused, timeout, tls, other
    /// TLS was required (credentials to send) and the server does not offer it.
    case tlsRequired
    /// The connection broke off mid-transfer (reset, nothing received).
    case dropped
  }

  /// The far end could not be reached or went away: retrying may succeed.
  public var isTransient: Bool { kind == .refused || kind == .timeout || kind == .dropped }
  public var kind: Kind
  public var message: String
  /// Whether a connection was made before the failure (a timeout after it is a
  /// server that stopped answering, not one that cannot be reached).
  public var connected = false

  public init(_ kind: Kind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  public var description: String { message }
}

/// One libcurl easy handle with the options every transfer shares: certificate
/// checks on, no signals (threads), no redirects, bounded time.
final class CurlHandle {
  let handle: UnsafeMutableRawPointer
  private var lists: [UnsafeMutablePointer<curl_slist>] = []
  /// Bytes received, capped: responses are kept only to show their start.
  var received: [UInt8] = []
  var receivedLimit = 4096
  var responseHeaders: [String] = []

  init(url: String, connectTimeout: Double, totalTimeout: Double) throws(DeliveryError) {
    if let curlLoadFailure { throw curlLoadFailure }
    guard let handle = sb_curl_easy_init() else { throw DeliveryError(.other, "cannot start libcurl") }
    self.handle = handle
    set(CURLOPT_URL, url)
    set(CURLOPT_NOSIGNAL, 1)
    set(CURLOPT_SSL_VERIFYPEER, 1)
    set(CURLOPT_SSL_VERIFYHOST, 2)
    set(CURLOPT_FOLLOWLOCATION, 0)
    set(CURLOPT_CONNECTTIMEOUT_MS, Int(connectTimeout * 1000))
    set(CURLOPT_TIMEOUT_MS, Int(totalTimeout * 1000))
    sb_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(self).toOpaque())
    sb_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
      let this = Unmanaged<CurlHandle>.fromOpaque(context!).takeUnretainedValue()
      let length = size * count
      if let data { this.keep(UnsafeRawBufferPointer(start: data, count: length)) }
      return length
    }
    sb_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, Unmanaged.passUnretained(self).toOpaque())
    sb_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
      let this = Unmanaged<CurlHandle>.fromOpaque(context!).takeUnretainedValue()
      let length = size * count
      if let data, this.responseHeaders.count < 100 {
        let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
        this.responseHeaders.append(line.trimmingCharacters(in: "\r\n"))
      }
      return length
    }
  }

  deinit {
    sb_curl_easy_cleanup(handle)
    for list in lists { sb_curl_slist_free_all(list) }
  }

  /// Keeps the start of an answer, up to `receivedLimit` bytes in all.
  func keep(_ data: UnsafeRawBufferPointer) {
    received.append(contentsOf: data.prefix(max(0, receivedLimit - received.count)))
  }

  func set(_ option: CURLoption, _ value: Int) { sb_curl_setopt_long(handle, option, value) }
  func set(_ option: CURLoption, _ value: String) { sb_curl_setopt_string(handle, option, value) }

  func setList(_ option: CURLoption, _ values: [String]) {
    var list: UnsafeMutablePointer<curl_slist>? = nil
    for value in values { list = sb_curl_slist_append(list, value) }
    if let list { lists.append(list) }
    sb_curl_setopt_list(handle, option, list)
  }

  /// Runs the transfer; errors say whether the far end was unreachable or slow.
  func perform(_ what: String) throws(DeliveryError) {
    let code = sb_curl_easy_perform(handle)
    if let error = error(code, what) { throw error }
  }

  /// What a transfer's result means to the caller; nil for success.
  func error(_ code: CURLcode, _ what: String) -> DeliveryError? {
    guard code != CURLE_OK else { return nil }
    let text = String(cString: sb_curl_easy_strerror(code))
    let kind: DeliveryError.Kind =
      switch code {
      case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: .refused
      case CURLE_OPERATION_TIMEDOUT: .timeout
      case CURLE_USE_SSL_FAILED: .tlsRequired
      case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE: .dropped
      case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
        CURLE_SSL_CACERT_BADFILE:
        .tls
      default: .other
      }
    var error = DeliveryError(kind, "\(what): \(text)")
    var connections = 0
    sb_curl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connections)
    error.connected = connections > 0
    return error
  }

  var responseCode: Int {
    var code = 0
    sb_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
    return code
  }
}

extension String {
  func trimmingCharacters(in set: String) -> String {
    var view = Substring(self)
    while let last = view.last, set.contains(last) { view = view.dropLast() }
    while let first = view.first, set.contains(first) { view = view.dropFirst() }
    return String(view)
  }
}
