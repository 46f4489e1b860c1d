import CCurl
import Endpoints

/// A GET whose body the caller reads as it arrives, on its own thread: each `read`
/// runs libcurl (its multi interface) until the body's next bytes are in the caller's
/// buffer, so a reader streams gigabytes through in bounded memory, and a slow reader
/// slows the download. Between the network and the reader there are only libcurl's
/// receive buffer, a spill of at most one write callback's bytes, and what libcurl
/// holds back while receiving is paused: when the caller's buffer is full, it pauses
/// until the next `read`.
///
/// It replaced a thread that wrote the body into a socket pair for the reader: two
/// kernel copies of every byte and a system call per 16 KiB, on two cores that the
/// inflating and the parsing of the same blob need (issue 16's registry row).
public final class DownloadStream {
  public struct Outcome: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var error: DeliveryError?
    /// The body of a non-2xx answer (never returned by `read`), at most 4 KiB.
    public var errorBody: [UInt8]
  }

  /// How the transfer ended; set when `read` has returned 0 (or earlier, when
  /// resuming a paused transfer failed: `read` then returns what it had and 0 next).
  public private(set) var outcome: Outcome?
  private let curl: CurlHandle
  private let multi: UnsafeMutableRawPointer
  private let receiver: Receiver
  private let what: String

  /// Connects on the first `read`, not here. `stallTimeout`: how long the body may
  /// stop arriving while the reader waits for it before the transfer fails (a
  /// registry that hangs mid-blob would otherwise hold a measure for the whole
  /// `timeout`, an hour); time the reader spends elsewhere, paused, does not count.
  public init(
    _ url: String, headers: [String], connectTimeout: Double = 10, timeout: Double = 3600, stallTimeout: Int = 60
  ) throws(DeliveryError) {
    curl = try CurlHandle(url: url, connectTimeout: connectTimeout, totalTimeout: timeout)
    guard let multi = sb_curl_multi_init() else { throw DeliveryError(.other, "cannot start libcurl") }
    self.multi = multi
    what = "GET \(Endpoint.redacted(url))"
    curl.setList(CURLOPT_HTTPHEADER, headers)
    // HTTP/1.1 even where HTTP/2 is offered: one stream gains nothing from it, and
    // libcurl's pausing of HTTP/2 streams has had bugs that stall a transfer
    // (curl/curl#10971 on Debian 12's 7.88, #16960).
    curl.set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1)
    // A 64 KiB receive buffer (16 KiB by default): a plain-HTTP body in fewer socket
    // reads. Not larger: when the reader's buffer fills mid-receive, libcurl keeps the
    // rest of the receive in an allocation of its own until the next read. On the big
    // image of issue 16 the registry row took 8.14 s with 64 KiB, 8.21 s with 128 KiB
    // and 8.95 s with 512 KiB (interleaved, medians of 5). Over TLS a read returns one
    // record of at most 16 KiB anyway.
    curl.set(CURLOPT_BUFFERSIZE, 64 << 10)
    // Less than a byte a second for `stallTimeout` seconds of transfer: libcurl does
    // not count the time a transfer spends paused for its reader.
    curl.set(CURLOPT_LOW_SPEED_LIMIT, 1)
    curl.set(CURLOPT_LOW_SPEED_TIME, stallTimeout)
    let receiver = Receiver(curl)
    sb_curl_setopt_pointer(curl.handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(receiver).toOpaque())
    sb_curl_setopt_callback(curl.handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
      let receiver = Unmanaged<Receiver>.fromOpaque(context!).takeUnretainedValue()
      let length = size * count
      guard let data else { return length }
      return receiver.take(UnsafeRawBufferPointer(start: data, count: length))
    }
    let added = sb_curl_multi_add_handle(multi, curl.handle)
    guard added == CURLM_OK else {
      // Before the last property is set, so deinit (which cleans up too) does not run.
      sb_curl_multi_cleanup(multi)
      throw DeliveryError(.other, "\(what): \(String(cString: sb_curl_multi_strerror(added)))")
    }
    self.receiver = receiver
  }

  deinit {
    sb_curl_multi_remove_handle(multi, curl.handle)
    sb_curl_multi_cleanup(multi)
  }

  /// Reads the next bytes of a 2xx answer's body; 0 when the transfer has ended,
  /// whatever its outcome (see `outcome`).
  public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
    guard buffer.count > 0 else { return 0 }
    if let spilled = receiver.takeSpill(into: buffer) { return spilled }
    guard outcome == nil else { return 0 }
    receiver.destination = buffer
    receiver.delivered = 0
    defer { receiver.destination = UnsafeMutableRawBufferPointer(start: nil, count: 0) }
    if receiver.paused {
      // libcurl may pass the bytes it held back from inside this call; if not, the
      // next perform does.
      receiver.paused = false
      let code = sb_curl_easy_unpause(curl.handle)
      if code != CURLE_OK { finish(curl.error(code, what)) }
    }
    while receiver.delivered == 0 && outcome == nil { step() }
    return receiver.delivered
  }

  /// One round of libcurl's work: whatever the socket has, or a wait of at most a
  /// second for it (the transfer's own timeouts still apply).
  private func step() {
    var running: Int32 = 0
    let code = sb_curl_multi_perform(multi, &running)
    guard code == CURLM_OK else { return finish(multiError(code)) }
    if receiver.delivered > 0 { return }
    var result = CURLE_OK
    if sb_curl_multi_result(multi, &result) == 1 { return finish(curl.error(result, what)) }
    guard running > 0 else { return finish(DeliveryError(.other, "\(what): the transfer ended without a result")) }
    let polled = sb_curl_multi_poll(multi, 1000)
    if polled != CURLM_OK { finish(multiError(polled)) }
  }

  private func multiError(_ code: CURLMcode) -> DeliveryError {
    DeliveryError(.other, "\(what): \(String(cString: sb_curl_multi_strerror(code)))")
  }

  private func finish(_ error: DeliveryError?) {
    outcome = Outcome(
      status: curl.responseCode, headers: HTTPClient.parse(curl.responseHeaders), error: error,
      errorBody: curl.received)
  }

  /// Where the write callback puts the body: the caller's buffer while a `read` runs;
  /// what is left of a callback's bytes when it fills up goes to the spill, which the
  /// next `read` empties first; once it is full, receiving pauses.
  private final class Receiver {
    let curl: CurlHandle
    var destination = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    var delivered = 0
    var paused = false
    private var spill: [UInt8] = []
    private var spillStart = 0

    init(_ curl: CurlHandle) { self.curl = curl }

    /// What the write callback returns: the bytes taken, or CURL_WRITEFUNC_PAUSE
    /// (none taken; libcurl keeps them until it is unpaused).
    func take(_ data: UnsafeRawBufferPointer) -> Int {
      // Only a 2xx body is the blob; anything else is kept as the error's text.
      guard (200..<300).contains(curl.responseCode) else {
        curl.keep(data)
        return data.count
      }
      let direct = min(data.count, destination.count - delivered)
      // Zero bytes (an empty body may come so) are taken, not a reason to pause: a
      // pause with nothing delivered would wait for the transfer's timeout.
      guard direct > 0 || data.isEmpty else {
        paused = true
        return Int(CURL_WRITEFUNC_PAUSE)
      }
      if direct > 0 {
        (destination.baseAddress! + delivered).copyMemory(from: data.baseAddress!, byteCount: direct)
        delivered += direct
      }
      if direct < data.count { spill.append(contentsOf: data[direct...]) }
      return data.count
    }

    func takeSpill(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
      guard spillStart < spill.count else { return nil }
      let count = min(buffer.count, spill.count - spillStart)
      spill.withUnsafeBytes { bytes in
        buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + spillStart, byteCount: count)
      }
      spillStart += count
      if spillStart == spill.count {
        spill.removeAll(keepingCapacity: true)
        spillStart = 0
      }
      return count
    }
  }
}
