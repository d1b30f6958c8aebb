import Foundation
import GRDB

/// A sealed capture as stored: the envelope is opaque to the kiosk.
public struct StoredCapture: Codable, Sendable, Equatable {
    public let id: String
    public let kind: String
    public let device: String
    public let keyID: String
    public let capturedAt: String
    public let envelope: String
    public let masked: String?

    public init(id: String, kind: String, device: String, keyID: String, capturedAt: String, envelope: String, masked: String?) {
        self.id = id; self.kind = kind; self.device = device; self.keyID = keyID
        self.capturedAt = capturedAt; self.envelope = envelope; self.masked = masked
    }
}

/// `sealed_capture` rows are `StoredCapture`s.
extension StoredCapture: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "sealed_capture"

    enum CodingKeys: String, CodingKey {
        case id, kind, device, keyID = "key_id", capturedAt = "captured_at", envelope, masked
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let kind = Column(CodingKeys.kind)
    }
}
