import Crypto
import Foundation
import KioskCore
import GRDB

/// The audit log's hash chain (migration 013): each row's `hash` is SHA-256 over a
/// length-prefixed encoding of the previous row's hash and the row's own fields, so a row
/// changed or removed after it was written no longer fits the rows around it.
public enum AuditChain {
    /// The previous hash of the first row.
    public static let genesis = String(repeating: "0", count: 64)

    /// The fields a row's hash covers, exactly as stored.
    struct Fields {
        var id: Int64
        var at: String
        var uid: Int64
        var userName: String
        var role: String
        var action: String
        var subject: String?
        var detail: String
    }

    /// Lower-case hex SHA-256 of (previous hash, id, at, uid, user, role, action, subject, detail),
    /// each as an 8-byte big-endian length then its UTF-8 bytes; a NULL subject is a length of
    /// all ones with no bytes, so it never collides with an empty one.
    static func hash(previous: String, _ f: Fields) -> String {
        var bytes = [UInt8]()
        func put(_ text: String?) {
            guard let text else { bytes.append(contentsOf: [UInt8](repeating: 0xFF, count: 8)); return }
            let utf8 = Array(text.utf8)
            withUnsafeBytes(of: UInt64(utf8.count).bigEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: utf8)
        }
        for field in [previous, String(f.id), f.at, String(f.uid), f.userName, f.role, f.action] { put(field) }
        put(f.subject)
        put(f.detail)
        return Hex.lowercase(SHA256.hash(data: bytes))
    }

    /// A stored value as the text the hash covers: integers and reals as their decimal text
    /// (what a shell edit to a number leaves), NULL as nil.
    static func text(_ value: DatabaseValue) -> String? {
        switch value.storage {
        case .null: return nil
        case .int64(let v): return String(v)
        case .double(let v): return String(v)
        case .string(let v): return v
        case .blob(let v): return String(decoding: v, as: UTF8.self)
        }
    }

    /// The fields of a stored row (the columns `SELECT *` gives).
    static func fields(_ row: Row) -> Fields {
        Fields(id: row["id"], at: text(row["at"]) ?? "", uid: Int64(text(row["uid"]) ?? "") ?? -1,
               userName: text(row["user_name"]) ?? "", role: text(row["role"]) ?? "", action: text(row["action"]) ?? "",
               subject: text(row["subject"]), detail: text(row["detail"]) ?? "")
    }

    /// The thing a summary is about, from its leading "<kind> <id>" (e.g. `payment P2345A`,
    /// `contact C-1001-2`, `autopay rule R1`); nil when it does not start with a known kind.
    public static func subject(of detail: String) -> String? {
        let kinds = ["payment method", "autopay rule", "outbox entry", "payment", "contact", "document", "device", "rule"]
        for kind in kinds where detail.hasPrefix(kind + " ") {
            let rest = detail.dropFirst(kind.count + 1)
            let id = rest.prefix { !$0.isWhitespace }.trimmingCharacters(in: CharacterSet(charactersIn: ":,;()"))
            guard !id.isEmpty else { return nil }
            return "\(kind) \(id)"
        }
        return nil
    }

    /// Appends `entry` chained to the last row, in a savepoint (inside the caller's transaction
    /// when there is one): reads the last hash and the next id, then inserts with both.
    static func append(_ entry: AuditEntry, _ db: Database) throws {
        try db.inSavepoint {
            let last = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1"))
            let sequence = try Int64.fetchOne(db.cachedStatement(sql: "SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'")) ?? 0
            let lastID: Int64 = last?["id"] ?? 0
            let previous = last.flatMap { text($0["hash"]) } ?? genesis
            let fields = Fields(id: max(sequence, lastID) + 1, at: entry.at.formatted(Date.ISO8601FormatStyle()), uid: Int64(entry.uid),
                                userName: entry.userName, role: entry.role, action: entry.action,
                                subject: entry.subject, detail: entry.detail)
            // Cached: every payment, device and admin change writes one.
            try db.cachedStatement(sql: """
                INSERT INTO audit_log (id, at, uid, user_name, role, action, subject, detail, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [fields.id, fields.at, fields.uid, fields.userName, fields.role, fields.action, fields.subject,
                                 fields.detail, previous, hash(previous: previous, fields)])
            return .commit
        }
    }
}

/// What `verifyAudit` found: how many rows it checked and the first one that is wrong.
public struct AuditVerification: Sendable, Equatable {
    public struct Problem: Sendable, Equatable {
        /// The row at fault (for missing rows, the first missing id).
        public var id: Int64
        /// A sentence a person can act on.
        public var problem: String
    }
    public var rows: Int
    /// The last row's hash: kept elsewhere (a ticket, a printout), it lets a later check prove
    /// that no row up to here was removed and the chain rebuilt.
    public var head: String?
    public var firstBad: Problem?
    public var ok: Bool { firstBad == nil }
}

extension KioskStore {
    /// Walks the audit log in id order and reports the first row edited (its hash does not
    /// match its contents, or its previous hash is not the row before's) or deleted (a gap in
    /// ids, or the id sequence ahead of the last row).
    public func verifyAudit() async throws(StoreError) -> AuditVerification {
        do {
            return try await pool.read { db in try Self.verifyAudit(db) }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    static func verifyAudit(_ db: Database) throws -> AuditVerification {
        let advice = "the audit log was altered outside kioskd; keep this database file as evidence and tell the back office"
        var previousHash = AuditChain.genesis
        var previousID: Int64 = 0
        var count = 0
        let rows = try Row.fetchCursor(db, sql: """
            SELECT id, at, uid, user_name, role, action, subject, detail, prev_hash, hash FROM audit_log ORDER BY id
            """)
        func bad(_ id: Int64, _ sentence: String) -> AuditVerification {
            AuditVerification(rows: count, head: nil, firstBad: .init(id: id, problem: sentence + "; " + advice))
        }
        while let row = try rows.next() {
            let id: Int64 = row["id"]
            if id != previousID + 1 {
                let missing = id == previousID + 2 ? "row \(previousID + 1) is" : "rows \(previousID + 1) to \(id - 1) are"
                return bad(previousID + 1, "\(missing) missing: deleted after being written (row \(id) follows \(previousID == 0 ? "nothing" : "row \(previousID)"))")
            }
            guard let stored = AuditChain.text(row["hash"]), let prev = AuditChain.text(row["prev_hash"]) else {
                return bad(id, "row \(id) has no hash: it was not written by kioskd")
            }
            guard prev == previousHash else {
                return bad(id, "row \(id) does not follow row \(previousID): its previous hash is not that row's hash (a row was changed or replaced)")
            }
            guard AuditChain.hash(previous: prev, AuditChain.fields(row)) == stored else {
                return bad(id, "row \(id) was changed after it was written: its contents no longer match its hash")
            }
            previousHash = stored
            previousID = id
            count += 1
        }
        let sequence = try Int64.fetchOne(db.cachedStatement(sql: "SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'")) ?? 0
        if sequence > previousID {
            let missing = sequence == previousID + 1 ? "row \(sequence) is" : "rows \(previousID + 1) to \(sequence) are"
            return bad(previousID + 1, "\(missing) missing: the newest rows were deleted (the log had reached row \(sequence))")
        }
        return AuditVerification(rows: count, head: count == 0 ? nil : previousHash, firstBad: nil)
    }
}
