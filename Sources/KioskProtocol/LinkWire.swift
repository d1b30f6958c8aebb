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
    /// Which key new captures are sealed to (issue 15 item 8).
    public struct KeyState: Codable, Sendable, Equatable {
        /// `backoffice` (installed with `kioskctl provision backoffice-key`), `demo` (`--demo`'s
        /// throwaway key) or `none` (captures are refused).
        public var state: String
        public var keyID: String?
        public var fingerprint: String?
        public init(state: String, keyID: String?, fingerprint: String?) { self.state = state; self.keyID = keyID; self.fingerprint = fingerprint }
        enum CodingKeys: String, CodingKey { case state, keyID = "key_id", fingerprint }
    }
    /// Devices a technician allowed, and devices present now (allowed or not).
    public struct DeviceAccess: Codable, Sendable, Equatable {
        public var allowed: [String]
        public var seen: [String]
        public init(allowed: [String], seen: [String]) { self.allowed = allowed; self.seen = seen }
    }
    public var kioskID: String
    public var version: String
    public var backoffice: Link
    public var outbox: Outbox
    /// Devices present (as before; `device_access` has the ids).
    public var devices: Int
    // Added by issue 15 item 8; optional so a kioskctl reads an older kioskd's status.
    public var key: KeyState?
    public var deviceAccess: DeviceAccess?
    public var database: DatabaseSize?
    /// nil: no backup was ever saved (`kioskctl backup`).
    public var lastBackup: LastBackup?
    // Added by issue 17: the receipt printers present and the receipts waiting for a reprint.
    public var printers: [PrinterState]?
    public var receipts: ReceiptCounts?
    public init(kioskID: String, version: String, backoffice: Link, outbox: Outbox, devices: Int,
                key: KeyState? = nil, deviceAccess: DeviceAccess? = nil, database: DatabaseSize? = nil, lastBackup: LastBackup? = nil,
                printers: [PrinterState]? = nil, receipts: ReceiptCounts? = nil) {
        self.kioskID = kioskID; self.version = version; self.backoffice = backoffice; self.outbox = outbox; self.devices = devices
        self.key = key; self.deviceAccess = deviceAccess; self.database = database; self.lastBackup = lastBackup
        self.printers = printers; self.receipts = receipts
    }
    enum CodingKeys: String, CodingKey {
        case kioskID = "kiosk_id", version, backoffice, outbox, devices
        case key, deviceAccess = "device_access", database, lastBackup = "last_backup", printers, receipts
    }

    /// `last_backup` is written as null when there was none (a script reads "never"); the
    /// other optional members are left out when nil.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kioskID, forKey: .kioskID); try c.encode(version, forKey: .version)
        try c.encode(backoffice, forKey: .backoffice); try c.encode(outbox, forKey: .outbox); try c.encode(devices, forKey: .devices)
        try c.encodeIfPresent(key, forKey: .key); try c.encodeIfPresent(deviceAccess, forKey: .deviceAccess)
        try c.encodeIfPresent(database, forKey: .database)
        try c.encode(lastBackup, forKey: .lastBackup)
        try c.encodeIfPresent(printers, forKey: .printers); try c.encodeIfPresent(receipts, forKey: .receipts)
    }
}

public struct OutboxRetryParams: Codable, Sendable {
    public var id: Int64
    public init(id: Int64) { self.id = id }
}
