import Foundation
import SystemCalls

/// A webhook event: `{"type": "sizebudget.violation", "timestamp": "…", "data": {…}}`.
/// `data` is what the producing command knows (the check report, the bisect result, the
/// weekly report) plus `comment`, the Markdown a reviewer reads. Where a document shows
/// growth it carries `growth_split` (base image and own layers, docs/webhooks.md).
public struct Event: Sendable {
  public enum Kind: String, Sendable, CaseIterable {
    case violation = "sizebudget.violation"
    case check = "sizebudget.check"
    case bisect = "sizebudget.bisect"
    case report = "sizebudget.report"
  }

  /// `msg_…`: unique per event, the same on every retry (receivers deduplicate on it).
  public var id: String
  public var kind: Kind
  /// RFC 3339, UTC.
  public var timestamp: String
  /// The JSON object of `data`, as bytes: its keys are the producer's schema.
  public var data: [UInt8]

  public init(kind: Kind, data: [UInt8], id: String = Event.newID(), timestamp: Date = Date()) {
    self.id = id
    self.kind = kind
    self.data = data
    self.timestamp = UTCTime.internetDateTime(seconds: UTCTime.seconds(timestamp.timeIntervalSince1970))
  }

  /// The envelope as sent (and stored in the outbox): compact JSON.
  public var body: String {
    "{\"type\":\"\(kind.rawValue)\",\"timestamp\":\"\(timestamp)\",\"data\":" + String(decoding: data, as: UTF8.self)
      + "}"
  }

  public static func newID() -> String {
    var generator = SystemRandomNumberGenerator()
    let digits = Array("0123456789abcdefghijklmnopqrstuvwxyz")
    return "msg_" + String((0..<26).map { _ in digits[Int.random(in: 0..<digits.count, using: &generator)] })
  }
}

/// Builds `data`: the producer's JSON document with `repository`, `branch` and
/// `comment` added at the top level.
public enum EventData {
  public static func make(document: String, repository: String?, comment: String) -> [UInt8] {
    guard var object = (try? JSONSerialization.jsonObject(with: Data(document.utf8))) as? [String: Any] else {
      return Array("{}".utf8)
    }
    object["repository"] = repository
    object["comment"] = comment
    let data =
      (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
      ?? Data("{}".utf8)
    return [UInt8](data)
  }
}
