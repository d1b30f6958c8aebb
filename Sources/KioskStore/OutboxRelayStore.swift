import Foundation
import GRDB
import KioskBackOfficeContract
import KioskCore

/// An outbox entry as the relay sends it.
public struct OutboxItem: Sendable, Equatable {
    public let id: Int64
    public let topic: String
    public let payload: String
    public let idempotencyKey: String
    public let attempts: Int
    public let payment: String?
}

/// How many entries are in each state.
public struct OutboxCounts: Sendable, Equatable {
    /// `held`: a waiting payment's entry, neither due nor dead (it is released when the
    /// payment before it is decided).
    public var due = 0, held = 0, inFlight = 0, delivered = 0, dead = 0
    public init() {}
}

extension KioskStore {
    /// At start-up: an entry left in flight by a crash was perhaps received, perhaps not. It is
    /// due again and will be resent with the SAME idempotency key, which makes the resend harmless.
    public func resetInFlightOutbox() async throws(StoreError) -> Int {
        do {
            return try await pool.write { db in
                typealias C = StoredOutboxEntry.Columns
                return try StoredOutboxEntry.filter(C.state == OutboxState.inFlight).updateAll(db, C.state.set(to: OutboxState.due))
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// The oldest due entry whose time has come, marked in flight with one more attempt.
    public func takeDueOutboxEntry(now: Date) async throws(StoreError) -> OutboxItem? {
        do {
            return try await pool.write { db in
                typealias C = StoredOutboxEntry.Columns
                let due = StoredOutboxEntry.filter(C.state == OutboxState.due && C.nextAttemptAt <= now.formatted(Outbox.instant))
                    .order(C.nextAttemptAt, C.id).limit(1)
                guard var entry = try due.fetchOne(db) else { return nil }
                // A scheduled payment's entry falls due at the start of its day, perhaps before
                // the scheduler has looked: whether the payment runs or waits for another of its
                // scope is settled first, in this transaction, so a waiting payment never
                // reaches the back office. Only then is the oldest due entry taken.
                if entry.topic == OutboxTopic.payment.rawValue, let payment = entry.payment,
                   try StoredPayment.fetchOne(db, key: payment)?.state == .scheduled {
                    try PaymentQueue.settle(db, now: now)
                    guard let settled = try due.fetchOne(db) else { return nil }
                    entry = settled
                }
                entry.state = .inFlight
                entry.attempts += 1
                try entry.update(db, columns: [StoredOutboxEntry.Columns.state, StoredOutboxEntry.Columns.attempts])
                return OutboxItem(id: entry.id ?? 0, topic: entry.topic, payload: entry.payload, idempotencyKey: entry.idempotencyKey,
                                  attempts: entry.attempts, payment: entry.payment)
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// When the next due entry becomes due (nil: none waiting).
    public func nextOutboxAttempt() async throws(StoreError) -> Date? {
        do {
            return try await pool.read { db in
                typealias C = StoredOutboxEntry.Columns
                return try String.fetchOne(db, StoredOutboxEntry.filter(C.state == OutboxState.due).select(min(C.nextAttemptAt)))
                    .flatMap { try? Date($0, strategy: .iso8601) }
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// The back office has the entry (2xx): a kiosk change it carried is acknowledged now, in
    /// the same transaction (SYNC.md "Changes made at the kiosk").
    public func markOutboxDelivered(_ id: Int64, at now: Date = Date()) async throws(StoreError) {
        do {
            try await pool.write { db in
                guard var entry = try StoredOutboxEntry.fetchOne(db, key: id) else { return }
                try entry.updateChanges(db) { $0.state = .delivered; $0.lastError = nil }
                try KioskChanges.acknowledge(db, entry: id, at: now)
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    public func markOutboxRetry(_ id: Int64, next: Date, error: String) async throws(StoreError) {
        try await outboxUpdate(id) { $0.state = .due; $0.nextAttemptAt = next.formatted(Outbox.instant); $0.lastError = String(error.prefix(500)) }
    }

    public func markOutboxDead(_ id: Int64, error: String) async throws(StoreError) {
        try await outboxUpdate(id) { $0.state = .dead; $0.lastError = String(error.prefix(500)) }
    }

    /// A manager sends a dead entry again (same key), audited.
    public func retryDeadOutboxEntry(_ id: Int64, now: Date, audit: AuditEntry) async throws {
        do {
            try await pool.write { db in
                typealias C = StoredOutboxEntry.Columns
                let retried = try StoredOutboxEntry.filter(C.id == id && C.state == OutboxState.dead)
                    .updateAll(db, C.state.set(to: OutboxState.due), C.attempts.set(to: 0), C.nextAttemptAt.set(to: now.formatted(Outbox.instant)))
                guard retried == 1 else { throw PaymentRefusal(.noDeadOutboxEntry) }
                var entry = audit
                entry.detail = "outbox entry \(id) retried"
                try entry.insert(db)
            }
        } catch let refusal as PaymentRefusal { throw refusal } catch { throw KioskStore.translate(error, path: path) }
    }

    public func outboxCounts() async throws(StoreError) -> OutboxCounts {
        do {
            return try await pool.read { db in
                var counts = OutboxCounts()
                for row in try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM outbox GROUP BY state") {
                    let n: Int = row["n"]
                    switch OutboxState(rawValue: row["state"]) {
                    case .due?: counts.due = n
                    case .inFlight?: counts.inFlight = n
                    case .delivered?: counts.delivered = n
                    case .held?: counts.held = n
                    case .dead?: counts.dead = n
                    case nil: break  // the table's CHECK allows no other state
                    }
                }
                return counts
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// Payments the back office has and has not settled yet: their status is polled.
    public func paymentsAwaitingOutcome() async throws(StoreError) -> [String] {
        do {
            return try await pool.read { db in
                let awaiting = PaymentState.awaitingOutcome.map(\.rawValue).sorted()
                return try String.fetchAll(db, sql: """
                    SELECT p.id FROM payment p JOIN outbox o ON o.payment = p.id AND o.topic = ? AND o.state = ?
                    WHERE p.state IN (\(databaseQuestionMarks(count: awaiting.count))) ORDER BY p.created_at
                    """, arguments: StatementArguments([OutboxTopic.payment.rawValue, OutboxState.delivered.rawValue] + awaiting))
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// What the back office decided, applied exactly as local post-processing would (without
    /// telling the back office what it already knows). Returns true when something changed.
    public func applyBackOfficeOutcome(payment id: String, status: String, reason: String?, message: String?, now: Date) async throws -> Bool {
        guard let current = try await payment(id: id) else { return false }
        let audit = AuditEntry(uid: 0, userName: "back office", role: "backoffice", action: "backoffice.outcome", detail: "")
        switch PaymentState(rawValue: status) {
        case .processed where current.state != .processed:
            // The back office's decision stands even over an overlap; the audit row says so.
            _ = try await processPayment(id: id, kioskID: "", now: now, audit: audit, tellBackOffice: false, overlapOK: true)
        case .rejected where current.state != .rejected || current.reason != reason || current.message != message:
            guard let reason, let message else { return false }
            _ = try await rejectPayment(id: id, reason: reason, message: message, kioskID: "", now: now, audit: audit, tellBackOffice: false)
        case .deleted where current.state != .deleted:
            _ = try await deletePayment(id: id, kioskID: "", now: now, audit: audit, tellBackOffice: false)
        default:
            return false
        }
        return true
    }

    /// Small key/value state of the back-office link (sync cursor, last contact).
    public func linkState(_ key: String) async throws(StoreError) -> String? {
        do { return try await pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM link_state WHERE key = ?", arguments: [key]) } }
        catch { throw KioskStore.translate(error, path: path) }
    }

    public func setLinkState(_ key: String, _ value: String) async throws(StoreError) {
        do {
            try await pool.write { db in
                try db.execute(sql: "INSERT INTO link_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                               arguments: [key, value])
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// Changes entry `id` (if it is still there) as `change` says, saving only what changed.
    private func outboxUpdate(_ id: Int64, _ change: @escaping @Sendable (inout StoredOutboxEntry) -> Void) async throws(StoreError) {
        do {
            try await pool.write { db in
                guard var entry = try StoredOutboxEntry.fetchOne(db, key: id) else { return }
                try entry.updateChanges(db) { change(&$0) }
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }
}
