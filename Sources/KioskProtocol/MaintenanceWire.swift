import Foundation
import KioskJSON

/// Backups travel in chunks, as sync documents do (SyncUpload): a line of base64 stays well
/// under the 16 MiB staff line, and kioskctl never holds more than one chunk at a time.
public enum BackupTransfer {
    /// The most bytes one `backup.read` returns (`chunk_bytes` in `backup.create`'s answer).
    public static let chunkBytes = SyncUpload.maximumChunkBytes
    /// A snapshot nobody has read for this long is deleted (kioskctl stopped half-way).
    public static let staleAfterSeconds = 600

    /// Whether `text` has the shape of a backup id kioskd makes (`B` + 16 hex digits), so no
    /// other string ever reaches a file name.
    public static func isBackupID(_ text: String) -> Bool {
        text.utf8.count == 17 && text.hasPrefix("B") && text.dropFirst().allSatisfy { $0.isHexDigit && ($0.isNumber || $0.isLowercase) }
    }
}

/// `backup.create` result: a consistent snapshot (SQLite's online backup API) kept by kioskd
/// in a private file until `backup.finish` or `BackupTransfer.staleAfterSeconds`.
public struct BackupCreateResult: Codable, Sendable, Equatable {
    public var backup: String
    public var bytes: Int
    /// Hex SHA-256 of the snapshot's bytes, to check what was received.
    public var sha256: String
    /// RFC 3339, UTC: the moment the snapshot shows.
    public var createdAt: String
    public var chunkBytes: Int
    /// `PRAGMA integrity_check` on the snapshot: `ok`, else the first problems (then no backup is made).
    public var integrity: String
    public init(backup: String, bytes: Int, sha256: String, createdAt: String, chunkBytes: Int, integrity: String) {
        self.backup = backup; self.bytes = bytes; self.sha256 = sha256; self.createdAt = createdAt
        self.chunkBytes = chunkBytes; self.integrity = integrity
    }
    enum CodingKeys: String, CodingKey { case backup, bytes, sha256, createdAt = "created_at", chunkBytes = "chunk_bytes", integrity }
}

/// `backup.read` params: the bytes from `offset` (at most `chunk_bytes` of them).
public struct BackupReadParams: Codable, Sendable, Equatable {
    public var backup: String
    public var offset: Int
    public init(backup: String, offset: Int) { self.backup = backup; self.offset = offset }
}

/// `backup.read` result: standard base64 of the bytes `[offset, offset + length)`; `done`
/// when they reach the end of the snapshot.
public struct BackupReadResult: Codable, Sendable, Equatable {
    public var offset: Int
    public var length: Int
    public var data: String
    public var done: Bool
    public init(offset: Int, length: Int, data: String, done: Bool) { self.offset = offset; self.length = length; self.data = data; self.done = done }
}

/// `backup.finish` params: `saved` when the client wrote the whole file and its SHA-256
/// matched (then it is the kiosk's "last backup", audited); the snapshot is deleted either way.
public struct BackupFinishParams: Codable, Sendable, Equatable {
    public var backup: String
    public var saved: Bool?
    public init(backup: String, saved: Bool?) { self.backup = backup; self.saved = saved }
}

/// When the last backup was saved by a client, how big, by whom (`status`, `diagnose`).
public struct LastBackup: Codable, Sendable, Equatable {
    /// RFC 3339, UTC: the moment the snapshot shows.
    public var at: String
    public var bytes: Int
    public var sha256: String
    public var user: String
    public var uid: UInt32
    public init(at: String, bytes: Int, sha256: String, user: String, uid: UInt32) {
        self.at = at; self.bytes = bytes; self.sha256 = sha256; self.user = user; self.uid = uid
    }
}

/// The database file's size: SQLite pages in use and free (a `VACUUM` would give those back).
public struct DatabaseSize: Codable, Sendable, Equatable {
    /// The main file's bytes (the `-wal` file comes on top).
    public var bytes: Int
    public var walBytes: Int
    public var pageSize: Int
    public var pages: Int
    public var freePages: Int
    public init(bytes: Int, walBytes: Int, pageSize: Int, pages: Int, freePages: Int) {
        self.bytes = bytes; self.walBytes = walBytes; self.pageSize = pageSize; self.pages = pages; self.freePages = freePages
    }
    enum CodingKeys: String, CodingKey { case bytes, walBytes = "wal_bytes", pageSize = "page_size", pages, freePages = "free_pages" }
}

/// `diagnose` result: what kioskd knows about itself for a technician's bundle. Never card
/// data, PINs, tokens or key material: the configuration comes with every secret-looking
/// value replaced by `"<redacted>"`, devices as `device.list` and `device.describe` show them.
public struct DiagnoseResult: Codable, Sendable, Equatable {
    public var generatedAt: String
    public var kioskID: String
    public var version: String
    /// `PRETTY_NAME` of /etc/os-release and `uname -srm` as kioskd sees them.
    public var os: [String: String]
    /// The effective configuration (defaults, file and flags), secrets redacted; null in a
    /// kioskd started without one (tests).
    public var config: JSONValue
    public var status: KioskStatus
    public var devices: [DeviceInfo]
    /// `device.describe` of each present device (or `{"error": sentence}`), by id.
    public var descriptors: [String: JSONValue]
    /// `PRAGMA integrity_check` of the live database: `["ok"]` or its first problems.
    public var integrity: [String]
    /// Outbox entries by topic and state (`payment/due`: 3), and the oldest undelivered one's time.
    public var outbox: OutboxSummary
    public init(generatedAt: String, kioskID: String, version: String, os: [String: String], config: JSONValue, status: KioskStatus,
                devices: [DeviceInfo], descriptors: [String: JSONValue], integrity: [String], outbox: OutboxSummary) {
        self.generatedAt = generatedAt; self.kioskID = kioskID; self.version = version; self.os = os; self.config = config
        self.status = status; self.devices = devices; self.descriptors = descriptors; self.integrity = integrity; self.outbox = outbox
    }
    enum CodingKeys: String, CodingKey {
        case generatedAt = "generated_at", kioskID = "kiosk_id", version, os, config, status, devices, descriptors, integrity, outbox
    }
}

/// The outbox as counts only (no payloads: they hold sealed captures and names).
public struct OutboxSummary: Codable, Sendable, Equatable {
    /// `"<topic>/<state>"` → entries.
    public var counts: [String: Int]
    /// RFC 3339: the oldest entry not yet delivered, when any.
    public var oldestUndeliveredAt: String?
    /// The last errors of entries not yet delivered (the back office's or the network's
    /// sentences), newest first, at most 20.
    public var lastErrors: [String]
    public init(counts: [String: Int], oldestUndeliveredAt: String?, lastErrors: [String]) {
        self.counts = counts; self.oldestUndeliveredAt = oldestUndeliveredAt; self.lastErrors = lastErrors
    }
    enum CodingKeys: String, CodingKey { case counts, oldestUndeliveredAt = "oldest_undelivered_at", lastErrors = "last_errors" }
}
