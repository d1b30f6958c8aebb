import Foundation
import GRDB
import KioskCore

/// Who changed a payment's state: a caller the audit log names, or the kiosk itself.
public struct PaymentActor: Sendable, Equatable {
    /// The caller's uid; nil for the kiosk itself and the back office.
    public var uid: UInt32?
    public var user: String?
    /// `front`, `manager`, `technician`, `backoffice`, `daemon` (the kiosk itself), or
    /// `backfill` / `unknown` for rows made from what older databases knew.
    public var role: String

    public init(uid: UInt32?, user: String?, role: String) { self.uid = uid; self.user = user; self.role = role }

    /// The kiosk itself: autopay runs, a scheduled payment's day coming, a waiting one running.
    public static let kiosk = PaymentActor(uid: nil, user: "kioskd", role: "daemon")

    /// The caller an audit row names (the same source of identity as the audit log).
    public init(_ audit: AuditEntry) {
        let someone = audit.role != "daemon" && audit.role != "backoffice"
        self.init(uid: someone ? audit.uid : nil, user: audit.userName, role: audit.role)
    }
}

/// One change of a payment's state.
public struct PaymentHistoryEntry: Sendable, Equatable {
    /// nil: the payment was made.
    public var from: PaymentState?
    public var to: PaymentState
    /// RFC 3339, UTC.
    public var at: String
    public var actor: PaymentActor
    /// A rejection's reason (`account_issue_call`), a deletion's, a reschedule's new day…
    public var reason: String?
    /// A rejection's message to the customer.
    public var message: String?
}

/// The one way a payment's state changes are recorded. Every write path calls `record` just
/// before it writes the payment row; triggers (migration 014) refuse a state written without
/// its row, so a path that forgets fails at once instead of leaving a gap.
enum PaymentHistory {
    static func record(_ db: Database, payment: String, from: PaymentState?, to: PaymentState, at: Date, actor: PaymentActor,
                       reason: String? = nil, message: String? = nil) throws {
        try db.execute(sql: """
            INSERT INTO payment_history (payment, from_state, to_state, at, uid, user_name, role, reason, message)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [payment, from?.rawValue, to.rawValue, at.formatted(Outbox.instant), actor.uid.map { Int64($0) },
                             actor.user, actor.role, reason, message])
    }

    static func entries(_ db: Database, payment: String) throws -> [PaymentHistoryEntry] {
        try Row.fetchAll(db, sql: "SELECT * FROM payment_history WHERE payment = ? ORDER BY id", arguments: [payment]).map(entry)
    }

    static func entry(_ row: Row) -> PaymentHistoryEntry {
        PaymentHistoryEntry(from: (row["from_state"] as String?).flatMap(PaymentState.init(rawValue:)),
                            to: PaymentState(rawValue: row["to_state"]) ?? .pending, at: row["at"],
                            actor: PaymentActor(uid: (row["uid"] as Int64?).map { UInt32(truncatingIfNeeded: $0) }, user: row["user_name"],
                                                role: row["role"]),
                            reason: row["reason"], message: row["message"])
    }
}

extension KioskStore {
    /// A payment's state changes, oldest first (empty for an unknown id).
    public func paymentHistory(id: String) async throws(StoreError) -> [PaymentHistoryEntry] {
        do { return try await pool.read { db in try PaymentHistory.entries(db, payment: id) } }
        catch { throw KioskStore.translate(error, path: path) }
    }
}
