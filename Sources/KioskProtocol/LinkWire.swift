import Foundation

/// `sync.pull` result: `applied` (with the count of accounts inserted or updated),
/// `up_to_date`, `refused` (the document was not valid; `message` says why) or `unreachable`.
public struct SyncPullResult: Codable, Sendable, Equatable {
    public var outcome: String
    public var cursor: Int
    public var applied: Int?
    public var message: String?
    public init(outcome: String, cursor: Int, applied: Int?, message: String?) {
        self.outcome = outcome; self.cursor = cursor; self.applied = applied; self.message = message
    }
}

/// `status`: the kiosk at a glance for managers and technicians.
public struct KioskStatus: Codable, Sendable, Equatable {
    public struct Link: Codable, Sendable, Equatable {
        public var configured: Bool
        public var url: String?
        public var lastContactAt: String?
        public var lastError: String?
        public var lastSyncAt: String?
        public init(configured: Bool, url: String?, lastContactAt: String?, lastError: String?, lastSyncAt: String?) {
            self.configured = configured; self.url = url; self.lastContactAt = lastContactAt; self.lastError = lastError; self.lastSyncAt = lastSyncAt
        }
        enum CodingKeys: String, CodingKey { case configured, url, lastContactAt = "last_contact_at", lastError = "last_error", lastSyncAt = "last_sync_at" }
    }
    public struct Outbox: Codable, Sendable, Equatable {
        public var due: Int
        /// Waiting payments' entries: neither due nor dead until the payment before them is decided.
        public var held: Int
        public var inFlight: Int
        public var delivered: Int
        public var dead: Int
        public init(due: Int, held: Int, inFlight: Int, delivered: Int, dead: Int) { self.due = due; self.held = held; self.inFlight = inFlight; self.delivered = delivered; self.dead = dead }
        enum CodingKeys: String, CodingKey { case due, held, inFlight = "in_flight", delivered, dead }
    }
    public var kioskID: String
    public var version: String
    public var backoffice: Link
    public var outbox: Outbox
    public var devices: Int
    public init(kioskID: String, version: String, backoffice: Link, outbox: Outbox, devices: Int) {
        self.kioskID = kioskID; self.version = version; self.backoffice = backoffice; self.outbox = outbox; self.devices = devices
    }
    enum CodingKeys: String, CodingKey { case kioskID = "kiosk_id", version, backoffice, outbox, devices }
}

public struct OutboxRetryParams: Codable, Sendable {
    public var id: Int64
    public init(id: Int64) { self.id = id }
}
