import Foundation
import GRDB

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

    /// Adds a due entry with `payload` (JSON, keys sorted) and its fixed idempotency key.
    static func add(_ db: Database, topic: OutboxTopic, payload: [String: Any], key: String, payment: String?, dueAt: Date, now: Date) throws {
        let json = try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys, .withoutEscapingSlashes])
        var entry = StoredOutboxEntry(id: nil, topic: topic.rawValue, payload: String(decoding: json, as: UTF8.self), idempotencyKey: key,
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
