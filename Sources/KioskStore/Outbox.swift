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
/// transaction as their cause; the relay (issue 6) takes due ones in order.
enum Outbox {
    /// `payload` is the body as the back-office API defines it, written once: every attempt
    /// sends these bytes.
    static func add(_ db: Database, topic: OutboxTopic, payload: some Encodable, key: String, payment: String?, dueAt: Date, now: Date) throws {
        let json = try BackOfficeJSON.text(payload)
        let fmt = Date.ISO8601FormatStyle()
        try db.execute(sql: """
            INSERT INTO outbox (topic, payload, idempotency_key, state, attempts, next_attempt_at, created_at, payment)
            VALUES (?, ?, ?, 'due', 0, ?, ?, ?)
            """, arguments: [topic.rawValue, json, key, dueAt.formatted(fmt), now.formatted(fmt), payment])
    }
}

extension KioskStore {
    /// Entries, newest first, optionally of one state.
    public func outboxEntries(state: String? = nil, limit: Int = 500) async throws(StoreError) -> [OutboxEntry] {
        do {
            return try await pool.read { db in
                let sql = "SELECT * FROM outbox" + (state == nil ? "" : " WHERE state = ?") + " ORDER BY id DESC LIMIT ?"
                let args: StatementArguments = state.map { [$0, limit] } ?? [limit]
                return try Row.fetchAll(db, sql: sql, arguments: args).map {
                    OutboxEntry(id: $0["id"], topic: $0["topic"], state: $0["state"], attempts: $0["attempts"],
                                nextAttemptAt: $0["next_attempt_at"], lastError: $0["last_error"], payment: $0["payment"],
                                idempotencyKey: $0["idempotency_key"])
                }
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }
}
