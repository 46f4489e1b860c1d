import CCrypto
import Foundation

/// Standard Webhooks signing (standardwebhooks.com): `webhook-signature: v1,<base64 of
/// HMAC-SHA256(secret, "id.timestamp.body")>`. A secret that starts with `whsec_` is
/// base64 key bytes after the prefix; any other secret is used as its bytes.
public enum WebhookSignature {
  public static func key(fromSecret secret: String) throws(NotifyError) -> [UInt8] {
    guard secret.hasPrefix("whsec_") else { return Array(secret.utf8) }
    guard let data = Data(base64Encoded: String(secret.dropFirst(6))) else {
      throw NotifyError("the webhook secret starts with whsec_ but the rest is not base64")
    }
    return [UInt8](data)
  }

  public static func sign(id: String, timestamp: Int64, body: String, key: [UInt8]) -> String {
    let message = Array("\(id).\(timestamp).\(body)".utf8)
    var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    key.withUnsafeBytes { keyBytes in
      message.withUnsafeBytes { messageBytes in
        _ = HMAC(
          EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count),
          messageBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), messageBytes.count, &digest, &length)
      }
    }
    return "v1," + Data(digest.prefix(Int(length))).base64EncodedString()
  }
}

public struct NotifyError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
