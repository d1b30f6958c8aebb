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

/// What a kiosk change does to its record: contacts are only ever updated; a card saved here
/// is inserted and a card removed here deleted, and autopay rules do all three.
public enum KioskChangeAction: String, Sendable, Equatable {
    case update, insert, delete
}

/// A kind of record the kiosk may change although the back office owns it (SYNC.md "Changes
/// made at the kiosk"): how a change is written to it (again, after each document), and why it
/// can no longer be (the record, or something it names, is gone). Contacts today; cards on file
/// and autopay rules add their own target (an `insert` or `delete` writer of their table).
struct KioskChangeTarget: Sendable {
    let topic: OutboxTopic
    /// Writes `change` to its record (when made, and again over each document).
    let write: @Sendable (Database, KioskChange) throws -> Void
    /// Why `change` cannot be applied any more (nil: it can). Called after a document was written.
    let obstacle: @Sendable (Database, KioskChange) throws -> String?

    /// A writer that updates `columns` (no others) of the row of `table` keyed by `account` and `id`.
    static func updating(_ table: String, columns: Set<String>) -> @Sendable (Database, KioskChange) throws -> Void {
        { db, change in
            // Rows written by this kiosk's own code; a row it cannot have written is refused, not guessed at.
            guard change.action == .update, Set(change.fields.keys).isSubset(of: columns) else {
                throw StoreError.conflict("kiosk change \(change.id) cannot be applied to \(table): only \(columns.sorted().joined(separator: ", ")) are updated here")
            }
            let written = change.fields.keys.sorted()
            guard !written.isEmpty else { return }
            try db.execute(sql: "UPDATE \(table) SET \(written.map { "\($0) = ?" }.joined(separator: ", ")) WHERE account = ? AND id = ?",
                           arguments: StatementArguments(written.map { change.fields[$0]!.databaseValue as (any DatabaseValueConvertible)? })
                               + [change.account, change.record])
        }
    }

    /// A contact's `revoked`, `profile`, `pin_hash`.
    static let contactColumns: Set<String> = ["revoked", "profile", "pin_hash"]
    static let contact = KioskChangeTarget(topic: .contact, write: updating("contact", columns: contactColumns)) { db, change in
        guard change.action == .update, Set(change.fields.keys).isSubset(of: contactColumns) else {
            return "this kiosk only updates a contact's \(contactColumns.sorted().joined(separator: ", "))"
        }
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
    var action: KioskChangeAction
    var account: String
    var record: String
    var fields: [String: KioskChangeValue]
    var madeAt: String
    var outboxEntry: Int64
    var acknowledgedAt: String?

    init(row: Row) throws {
        id = row["id"]; topic = row["topic"]; account = row["account"]; record = row["record"]
        action = KioskChangeAction(rawValue: row["action"]) ?? .update
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
    static let targets: [String: KioskChangeTarget] = [OutboxTopic.contact.rawValue: .contact, OutboxTopic.autopay.rawValue: .autopay]

    /// Marks an account so the next document that carries it is written even when its content
    /// did not change: the document's values must be written under the changes again (or rule
    /// alone once the changes are superseded).
    static let changedHere = "kiosk-change"

    /// Writes the change to its record and keeps it, tied to the outbox entry `entry` already
    /// added in this transaction.
    static func record(_ db: Database, target: KioskChangeTarget, action: KioskChangeAction = .update, account: String, record: String,
                       fields: [String: KioskChangeValue], entry: Int64, now: Date) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try db.execute(sql: """
            INSERT INTO kiosk_change (topic, action, account, record, fields, made_at, outbox_entry) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [target.topic.rawValue, action.rawValue, account, record, String(decoding: try encoder.encode(fields), as: UTF8.self),
                             Instant(now).description, entry])
        let change = try KioskChange(row: try Row.fetchOne(db, sql: "SELECT * FROM kiosk_change WHERE id = ?", arguments: [db.lastInsertedRowID])!)
        try target.write(db, change)
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
        try reapply(db, carried: Set(document.accounts.map(\.number)), asOf: document.asOf, now: now)
    }

    /// As above for a streamed document: `carried` are its account numbers, `asOf` its as_of.
    static func reapply(_ db: Database, carried: Set<String>, asOf: Instant, now: Date) throws -> KioskChangeOutcome {
        var outcome = KioskChangeOutcome()
        guard !carried.isEmpty else { return outcome }
        var stillChanged = Set<String>()
        for change in try Row.fetchAll(db, sql: "SELECT * FROM kiosk_change ORDER BY id").map(KioskChange.init(row:)) {
            guard carried.contains(change.account) else { continue }
            guard let target = targets[change.topic] else { continue }
            if let acknowledged = change.acknowledgedAt.flatMap(Instant.init), acknowledged <= asOf {
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
            try target.write(db, change)
            stillChanged.insert(change.account)
            outcome.reapplied += 1
        }
        for account in stillChanged {
            try db.execute(sql: "UPDATE account SET fingerprint = ? WHERE number = ?", arguments: [changedHere, account])
        }
        return outcome
    }
}
