import Foundation
import GRDB
import KioskBackOfficeContract

/// Where an outbox entry is: due (at `next_attempt_at`), held (a waiting payment's), in
/// flight (taken by the relay), delivered, or dead (a manager may retry it).
enum OutboxState: String, Codable, Sendable, DatabaseValueConvertible {
    case due, held
    case inFlight = "in_flight"
    case delivered, dead
}

/// What an entry tells the back office: the contract's topics, stored by name.
extension OutboxTopic: DatabaseValueConvertible {}

/// A row of `outbox`: one thing the back office must hear, written in the same transaction as
/// its cause, with an idempotency key fixed at creation that every retry sends.
struct StoredOutboxEntry: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "outbox"

    var id: Int64?
    var topic: String
    /// The JSON body, as built by its writer.
    var payload: String
    var idempotencyKey: String
    var state: OutboxState
    var attempts: Int
    /// RFC 3339, whole seconds.
    var nextAttemptAt: String
    var lastError: String?
    var createdAt: String
    var payment: String?

    enum CodingKeys: String, CodingKey {
        case id, topic, payload, idempotencyKey = "idempotency_key", state, attempts, nextAttemptAt = "next_attempt_at"
        case lastError = "last_error", createdAt = "created_at", payment
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let topic = Column(CodingKeys.topic)
        static let state = Column(CodingKeys.state)
        static let attempts = Column(CodingKeys.attempts)
        static let nextAttemptAt = Column(CodingKeys.nextAttemptAt)
        static let payment = Column(CodingKeys.payment)
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// As listed to managers.
    var listed: OutboxEntry {
        OutboxEntry(id: id ?? 0, topic: topic, state: state.rawValue, attempts: attempts, nextAttemptAt: nextAttemptAt,
                    lastError: lastError, payment: payment, idempotencyKey: idempotencyKey)
    }
}
