import Foundation
import GRDB
import KioskBackOfficeContract

/// An outbox entry as listed to managers.
public struct OutboxEntry: Sendable, Equatable {
    public let id: Int64
    public let topic: String
    public let state: String
    public let attempts: Int
    public let nextAttemptAt: String?
    public let lastError: String?
    public let payment: String?
    public let idempotencyKey: String
}

/// The durable queue of what the back office must hear. Entries are written in the same
/// transaction as their cause; the relay takes due ones in order.
enum Outbox {
    /// Whole seconds, like every instant the outbox stores, so text comparison is time order.
    static let instant = Date.ISO8601FormatStyle()

    /// Adds a due entry with its fixed idempotency key. `payload` is the body as the
    /// back-office API defines it, written once: every attempt sends these bytes.
    static func add(_ db: Database, topic: OutboxTopic, payload: some Encodable, key: String, payment: String?, dueAt: Date, now: Date) throws {
        var entry = StoredOutboxEntry(id: nil, topic: topic.rawValue, payload: try BackOfficeJSON.text(payload), idempotencyKey: key,
                                      state: .due, attempts: 0, nextAttemptAt: dueAt.formatted(instant), lastError: nil,
                                      createdAt: now.formatted(instant), payment: payment)
        try entry.insert(db)
    }

    /// The never-sent entry of a payment (its `payment` topic), due or held: the one that
    /// changes with the payment's day and state.
    static func unsentPaymentEntry(_ payment: String) -> QueryInterfaceRequest<StoredOutboxEntry> {
        typealias C = StoredOutboxEntry.Columns
        return StoredOutboxEntry
            .filter(C.payment == payment && C.topic == OutboxTopic.payment.rawValue && C.attempts == 0)
            .filter([OutboxState.due, OutboxState.held].contains(C.state))
    }
}

extension KioskStore {
    /// Entries, newest first, optionally of one state.
    public func outboxEntries(state: String? = nil, limit: Int = 500) async throws(StoreError) -> [OutboxEntry] {
        do {
            return try await pool.read { db in
                var request = StoredOutboxEntry.all()
                if let state { request = request.filter(StoredOutboxEntry.Columns.state == state) }
                return try request.order(StoredOutboxEntry.Columns.id.desc).limit(limit).fetchAll(db).map(\.listed)
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }
}
