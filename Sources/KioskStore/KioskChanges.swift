import Foundation
import GRDB
import KioskBackOfficeContract
import KioskCore

/// One value a kiosk change writes into one column of its record.
public enum KioskChangeValue: Codable, Sendable, Equatable {
    case text(String)
    case integer(Int64)
    case null

    public static func flag(_ value: Bool) -> KioskChangeValue { .integer(value ? 1 : 0) }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null } else if let n = try? c.decode(Int64.self) { self = .integer(n) } else { self = .text(try c.decode(String.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .text(let s): try c.encode(s)
        case .integer(let n): try c.encode(n)
        case .null: try c.encodeNil()
        }
    }

    var databaseValue: DatabaseValue {
        switch self {
        case .text(let s): return s.databaseValue
        case .integer(let n): return n.databaseValue
        case .null: return .null
        }
    }
}

/// A kind of record the kiosk may change although the back office owns it (SYNC.md "Changes
/// made at the kiosk"): which table holds it, which columns a change may write, and whether a
/// change can still be applied after a document was (the record, or what it names, is gone).
/// Contacts today; cards on file and autopay rules add their own target.
struct KioskChangeTarget: Sendable {
    let topic: OutboxTopic
    /// The table, keyed by `account` and `id`.
    let table: String
    let columns: Set<String>
    /// Why `change` cannot be applied any more (nil: it can). Called after a document was written.
    let obstacle: @Sendable (Database, KioskChange) throws -> String?

    /// A contact's `revoked`, `profile`, `pin_hash`.
    static let contact = KioskChangeTarget(topic: .contact, table: "contact", columns: ["revoked", "profile", "pin_hash"]) { db, change in
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM contact WHERE account = ? AND id = ?", arguments: [change.account, change.record]) == true else {
            return "the back office no longer has contact \(change.record)"
        }
        if case .text(let profile)? = change.fields["profile"],
           try Bool.fetchOne(db, sql: "SELECT 1 FROM profile WHERE id = ?", arguments: [profile]) != true {
            return "the back office no longer has profile \(profile)"
        }
        return nil
    }
}

/// One stored change (table `kiosk_change`).
struct KioskChange: Sendable, Equatable {
    var id: Int64
    var topic: String
    var account: String
    var record: String
    var fields: [String: KioskChangeValue]
    var madeAt: String
    var outboxEntry: Int64
    var acknowledgedAt: String?

    init(row: Row) throws {
        id = row["id"]; topic = row["topic"]; account = row["account"]; record = row["record"]
        fields = try JSONDecoder().decode([String: KioskChangeValue].self, from: Data((row["fields"] as String).utf8))
        madeAt = row["made_at"]; outboxEntry = row["outbox_entry"]; acknowledgedAt = row["acknowledged_at"]
    }
}

/// What re-applying the kiosk's changes after a document did.
struct KioskChangeOutcome: Sendable, Equatable {
    var reapplied = 0, superseded = 0, dropped = 0
}

/// The one mechanism behind "Changes made at the kiosk": a change is written to its record,
/// kept in `kiosk_change` beside its outbox entry (same transaction), acknowledged when that
/// entry is delivered, and applied again after every sync document, inside the document's
/// transaction, until a document as of its acknowledgment or later supersedes it.
enum KioskChanges {
    static let targets: [String: KioskChangeTarget] = [OutboxTopic.contact.rawValue: .contact]

    /// Marks an account so the next document that carries it is written even when its content
    /// did not change: the document's values must be written under the changes again (or rule
    /// alone once the changes are superseded).
    static let changedHere = "kiosk-change"

    /// Writes `fields` to the record and keeps the change, tied to the outbox entry `entry`
    /// already added in this transaction.
    static func record(_ db: Database, target: KioskChangeTarget, account: String, record: String,
                       fields: [String: KioskChangeValue], entry: Int64, now: Date) throws {
        precondition(Set(fields.keys).isSubset(of: target.columns), "a kiosk change writes only its target's columns")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try db.execute(sql: """
            INSERT INTO kiosk_change (topic, account, record, fields, made_at, outbox_entry) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [target.topic.rawValue, account, record, String(decoding: try encoder.encode(fields), as: UTF8.self),
                             Instant(now).description, entry])
        try write(db, target: target, account: account, record: record, fields: fields)
        try db.execute(sql: "UPDATE account SET fingerprint = ? WHERE number = ?", arguments: [changedHere, account])
    }

    /// The outbox entry `entry` was delivered at `now`: its change is acknowledged.
    static func acknowledge(_ db: Database, entry: Int64, at now: Date) throws {
        try db.execute(sql: "UPDATE kiosk_change SET acknowledged_at = ? WHERE outbox_entry = ? AND acknowledged_at IS NULL",
                       arguments: [Instant(now).description, entry])
    }

    /// Records of `topic` in `account` with a change the back office has not acknowledged.
    static func pending(_ db: Database, topic: OutboxTopic, account: String) throws -> Set<String> {
        Set(try String.fetchAll(db, sql: "SELECT DISTINCT record FROM kiosk_change WHERE topic = ? AND account = ? AND acknowledged_at IS NULL",
                                arguments: [topic.rawValue, account]))
    }

    /// After `document` was written (same transaction): each change to an account the document
    /// carries, oldest first, is superseded (acknowledged at or before the document's `as_of`),
    /// dropped and audited (its record is gone), or written again on top.
    static func reapply(_ db: Database, after document: SyncDocument, now: Date) throws -> KioskChangeOutcome {
        var outcome = KioskChangeOutcome()
        let carried = Set(document.accounts.map(\.number))
        guard !carried.isEmpty else { return outcome }
        var stillChanged = Set<String>()
        for change in try Row.fetchAll(db, sql: "SELECT * FROM kiosk_change ORDER BY id").map(KioskChange.init(row:)) {
            guard carried.contains(change.account) else { continue }
            guard let target = targets[change.topic] else { continue }
            if let acknowledged = change.acknowledgedAt.flatMap(Instant.init), acknowledged <= document.asOf {
                try db.execute(sql: "DELETE FROM kiosk_change WHERE id = ?", arguments: [change.id])
                outcome.superseded += 1
                continue
            }
            if let obstacle = try target.obstacle(db, change) {
                try db.execute(sql: "DELETE FROM kiosk_change WHERE id = ?", arguments: [change.id])
                try AuditEntry(at: now, uid: 0, userName: "sync", role: "sync", action: "kiosk_change.dropped",
                               detail: "\(change.topic) \(change.record) of account \(change.account), changed here at \(change.madeAt) (\(change.fields.keys.sorted().joined(separator: ", "))): \(obstacle)")
                    .insert(db)
                outcome.dropped += 1
                continue
            }
            try write(db, target: target, account: change.account, record: change.record, fields: change.fields)
            stillChanged.insert(change.account)
            outcome.reapplied += 1
        }
        for account in stillChanged {
            try db.execute(sql: "UPDATE account SET fingerprint = ? WHERE number = ?", arguments: [changedHere, account])
        }
        return outcome
    }

    private static func write(_ db: Database, target: KioskChangeTarget, account: String, record: String,
                              fields: [String: KioskChangeValue]) throws {
        let columns = fields.keys.sorted().filter(target.columns.contains)
        guard !columns.isEmpty else { return }
        try db.execute(sql: "UPDATE \(target.table) SET \(columns.map { "\($0) = ?" }.joined(separator: ", ")) WHERE account = ? AND id = ?",
                       arguments: StatementArguments(columns.map { fields[$0]!.databaseValue as (any DatabaseValueConvertible)? }) + [account, record])
    }
}
