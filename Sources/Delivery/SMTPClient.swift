import CCurl
import Endpoints

/// Sends a message by SMTP through libcurl: `smtp://host:port` upgrades with STARTTLS
/// when the server offers it, `smtps://` is TLS from the start; AUTH (PLAIN or LOGIN,
/// whichever the server offers) when a user is given. Certificates are always checked.
/// With a user, STARTTLS is required (a server, or a machine in the middle, that
/// drops it would otherwise get the password in clear), except to a loopback host.
public enum SMTPClient {
  public static func send(
    _ message: String, from: String, to: [String], url: String, user: String?, password: String?,
    timeout: Double = 30
  ) throws(DeliveryError) {
    let curl = try CurlHandle(url: url, connectTimeout: 10, totalTimeout: timeout)
    let tls = tlsPolicy(url: url, sendsCredentials: user != nil)
    curl.set(CURLOPT_USE_SSL, Int(tls == .required ? CURLUSESSL_ALL.rawValue : CURLUSESSL_TRY.rawValue))
    curl.set(CURLOPT_MAIL_FROM, "<\(MIMEMessage.headerSafe(from))>")
    curl.setList(CURLOPT_MAIL_RCPT, to.map { "<\(MIMEMessage.headerSafe($0))>" })
    if let user {
      curl.set(CURLOPT_USERNAME, user)
      curl.set(CURLOPT_PASSWORD, password ?? "")
    }
    curl.set(CURLOPT_UPLOAD, 1)
    let source = UploadSource(Array(message.utf8))
    sb_curl_setopt_pointer(curl.handle, CURLOPT_READDATA, Unmanaged.passUnretained(source).toOpaque())
    sb_curl_setopt_callback(curl.handle, CURLOPT_READFUNCTION) { buffer, size, count, context in
      let source = Unmanaged<UploadSource>.fromOpaque(context!).takeUnretainedValue()
      let length = min(size * count, source.bytes.count - source.offset)
      if length > 0, let buffer {
        source.bytes.withUnsafeBytes { bytes in
          UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + source.offset, byteCount: length)
        }
        source.offset += length
      }
      return length
    }
    do {
      try withExtendedLifetime(source) { () throws(DeliveryError) in
        try curl.perform("sending mail through \(Endpoint.redacted(url))")
      }
    } catch let error where error.kind == .tlsRequired && tls == .required {
      throw DeliveryError(
        .tlsRequired,
        "\(Endpoint.redacted(url)) does not offer STARTTLS, and the password is only sent encrypted: "
          + "use the server's TLS port (smtps://HOST:465), or a server that offers STARTTLS")
    }
  }

  public enum TLSPolicy: Sendable { case required, opportunistic }

  /// Credentials travel only inside TLS, except to a loopback host (by its parsed
  /// address, never by a prefix of its name).
  public static func tlsPolicy(url: String, sendsCredentials: Bool) -> TLSPolicy {
    guard sendsCredentials else { return .opportunistic }
    if Endpoint(url)?.isLoopback == true { return .opportunistic }
    return .required
  }

  final class UploadSource {
    let bytes: [UInt8]
    var offset = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
  }
}
