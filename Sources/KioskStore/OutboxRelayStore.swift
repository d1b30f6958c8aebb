import Foundation
import GRDB

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
    public var due = 0, inFlight = 0, delivered = 0, dead = 0
    public init() {}
}

extension KioskStore {
    /// Whole seconds, like every instant the outbox stores, so text comparison is time order.
    private static let iso = Date.ISO8601FormatStyle()

    /// At start-up: an entry left in flight by a crash was perhaps received, perhaps not. It is
    /// due again and will be resent with the SAME idempotency key, which makes the resend harmless.
    public func resetInFlightOutbox() async throws(StoreError) -> Int {
        do {
            return try await pool.write { db in
                try db.execute(sql: "UPDATE outbox SET state = 'due' WHERE state = 'in_flight'")
                return db.changesCount
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// The oldest due entry whose time has come, marked in flight with one more attempt.
    public func takeDueOutboxEntry(now: Date) async throws(StoreError) -> OutboxItem? {
        do {
            return try await pool.write { db in
                let due = "SELECT * FROM outbox WHERE state = 'due' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1"
                guard var row = try Row.fetchOne(db, sql: due, arguments: [now.formatted(Self.iso)]) else { return nil }
                // A scheduled payment's entry falls due at the start of its day, perhaps before
                // the scheduler has looked: whether the payment runs or waits for another of its
                // scope is settled first, in this transaction, so a waiting payment never
                // reaches the back office. Only then is the oldest due entry taken.
                if row["topic"] as String == "payment",
                   try String.fetchOne(db, sql: "SELECT state FROM payment WHERE id = ?", arguments: [row["payment"] as String?]) == "scheduled" {
                    try PaymentQueue.settle(db, now: now)
                    guard let settled = try Row.fetchOne(db, sql: due, arguments: [now.formatted(Self.iso)]) else { return nil }
                    row = settled
                }
                let id: Int64 = row["id"]
                try db.execute(sql: "UPDATE outbox SET state = 'in_flight', attempts = attempts + 1 WHERE id = ?", arguments: [id])
                return OutboxItem(id: id, topic: row["topic"], payload: row["payload"], idempotencyKey: row["idempotency_key"],
                                  attempts: (row["attempts"] as Int) + 1, payment: row["payment"])
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// When the next due entry becomes due (nil: none waiting).
    public func nextOutboxAttempt() async throws(StoreError) -> Date? {
        do {
            return try await pool.read { db in
                try String.fetchOne(db, sql: "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'due'")
                    .flatMap { try? Date($0, strategy: .iso8601) }
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    public func markOutboxDelivered(_ id: Int64) async throws(StoreError) {
        try await outboxUpdate("UPDATE outbox SET state = 'delivered', last_error = NULL WHERE id = ?", [id])
    }

    public func markOutboxRetry(_ id: Int64, next: Date, error: String) async throws(StoreError) {
        try await outboxUpdate("UPDATE outbox SET state = 'due', next_attempt_at = ?, last_error = ? WHERE id = ?",
                               [next.formatted(Self.iso), String(error.prefix(500)), id])
    }

    public func markOutboxDead(_ id: Int64, error: String) async throws(StoreError) {
        try await outboxUpdate("UPDATE outbox SET state = 'dead', last_error = ? WHERE id = ?", [String(error.prefix(500)), id])
    }

    /// A manager sends a dead entry again (same key), audited.
    public func retryDeadOutboxEntry(_ id: Int64, now: Date, audit: AuditEntry) async throws {
        do {
            try await pool.write { db in
                try db.execute(sql: "UPDATE outbox SET state = 'due', attempts = 0, next_attempt_at = ? WHERE id = ? AND state = 'dead'",
                               arguments: [now.formatted(Self.iso), id])
                guard db.changesCount == 1 else { throw PaymentRefusal("not_found", "there is no dead outbox entry with that id") }
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
                    switch row["state"] as String {
                    case "due": counts.due = n
                    case "in_flight": counts.inFlight = n
                    case "delivered": counts.delivered = n
                    default: counts.dead = n
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
                try String.fetchAll(db, sql: """
                    SELECT p.id FROM payment p JOIN outbox o ON o.payment = p.id AND o.topic = 'payment' AND o.state = 'delivered'
                    WHERE p.state IN ('pending', 'scheduled', 'waiting', 'rejected') ORDER BY p.created_at
                    """)
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// What the back office decided, applied exactly as local post-processing would (without
    /// telling the back office what it already knows). Returns true when something changed.
    public func applyBackOfficeOutcome(payment id: String, status: String, reason: String?, message: String?, now: Date) async throws -> Bool {
        guard let current = try await payment(id: id) else { return false }
        let audit = AuditEntry(uid: 0, userName: "back office", role: "backoffice", action: "backoffice.outcome", detail: "")
        switch status {
        case "processed" where current.state != "processed":
            // The back office's decision stands even over an overlap; the audit row says so.
            _ = try await processPayment(id: id, kioskID: "", now: now, audit: audit, tellBackOffice: false, overlapOK: true)
        case "rejected" where current.state != "rejected" || current.reason != reason || current.message != message:
            guard let reason, let message else { return false }
            _ = try await rejectPayment(id: id, reason: reason, message: message, kioskID: "", now: now, audit: audit, tellBackOffice: false)
        case "deleted" where current.state != "deleted":
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

    private func outboxUpdate(_ sql: String, _ arguments: StatementArguments) async throws(StoreError) {
        do { try await pool.write { db in try db.execute(sql: sql, arguments: arguments) } }
        catch { throw KioskStore.translate(error, path: path) }
    }
}
