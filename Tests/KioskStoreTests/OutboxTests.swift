import Foundation
import GRDB
import KioskCore
import Testing
@testable import KioskStore

/// The outbox on a real SQLite file: entries are taken oldest due first, in flight until
/// delivered, retried or dead; a crash's in-flight entries are due again; a manager retries a
/// dead one (same key), audited.
@Suite("Store: the outbox")
struct OutboxTests {
    typealias K = PaymentQueueTests
    let day0 = PaymentQueueTests.day0

    /// Three entries written directly: `b` due first, then `a`, and `c` due tomorrow.
    func kiosk() async throws -> K.Kiosk {
        let k = try await K.Kiosk()
        try await k.store.pool.write { db in
            try Outbox.add(db, topic: .notification, payload: ["n": "a"], key: "a", payment: nil, dueAt: day0, now: day0)
            try Outbox.add(db, topic: .notification, payload: ["n": "b"], key: "b", payment: nil, dueAt: day0.addingTimeInterval(-60), now: day0)
            try Outbox.add(db, topic: .receipt, payload: ["n": "c"], key: "c", payment: nil, dueAt: day0.addingTimeInterval(86_400), now: day0)
        }
        return k
    }

    @Test("entries go oldest due first, one attempt each, and a future one waits")
    func takeInOrder() async throws {
        let k = try await kiosk()
        let first = try #require(try await k.store.takeDueOutboxEntry(now: day0))
        #expect(first.idempotencyKey == "b" && first.attempts == 1 && first.payload == #"{"n":"b"}"# && first.topic == "notification")
        let second = try #require(try await k.store.takeDueOutboxEntry(now: day0))
        #expect(second.idempotencyKey == "a")
        #expect(try await k.store.takeDueOutboxEntry(now: day0) == nil, "c is due tomorrow")
        #expect(try await k.store.nextOutboxAttempt() == day0.addingTimeInterval(86_400))
        var counts = OutboxCounts()
        counts.due = 1; counts.inFlight = 2
        #expect(try await k.store.outboxCounts() == counts)
    }

    @Test("retry keeps the key and counts attempts; delivered clears the error; a crash's in-flight entries are due again")
    func retryDeliverReset() async throws {
        let k = try await kiosk()
        let b = try #require(try await k.store.takeDueOutboxEntry(now: day0))
        try await k.store.markOutboxRetry(b.id, next: day0.addingTimeInterval(30), error: String(repeating: "x", count: 600))
        let listed = try #require(try await k.store.outboxEntries(state: "due").first { $0.id == b.id })
        #expect(listed.attempts == 1 && listed.lastError?.count == 500 && listed.nextAttemptAt == "2026-12-01T12:00:30Z")
        let again = try #require(try await k.store.takeDueOutboxEntry(now: day0.addingTimeInterval(30)))
        #expect(again.idempotencyKey == "a", "a was due before b's retry")
        let b2 = try #require(try await k.store.takeDueOutboxEntry(now: day0.addingTimeInterval(30)))
        #expect(b2.id == b.id && b2.attempts == 2 && b2.idempotencyKey == "b")
        try await k.store.markOutboxDelivered(b2.id)
        #expect(try await k.store.outboxEntries(state: "delivered").map(\.lastError) == [nil])
        // "a" is still in flight: a restart makes it due again.
        #expect(try await k.store.resetInFlightOutbox() == 1)
        #expect(try await k.store.outboxEntries(state: "in_flight").isEmpty)
    }

    @Test("a manager retries a dead entry (audited); anything else is not a dead entry")
    func deadAndRetried() async throws {
        let k = try await kiosk()
        let b = try #require(try await k.store.takeDueOutboxEntry(now: day0))
        try await k.store.markOutboxDead(b.id, error: "HTTP 422")
        #expect(try await k.store.outboxEntries(state: "dead").map(\.lastError) == ["HTTP 422"])
        let audit = AuditEntry(at: day0, uid: 1000, userName: "sam", role: "manager", action: "outbox.retry", detail: "")
        try await k.store.retryDeadOutboxEntry(b.id, now: day0.addingTimeInterval(5), audit: audit)
        let retried = try #require(try await k.store.outboxEntries(state: "due").first { $0.id == b.id })
        #expect(retried.attempts == 0 && retried.nextAttemptAt == "2026-12-01T12:00:05Z" && retried.idempotencyKey == "b")
        #expect(try await k.store.auditEntries(limit: 1).first == AuditEntry(at: day0, uid: 1000, userName: "sam", role: "manager",
                                                                             action: "outbox.retry", detail: "outbox entry \(b.id) retried"))
        do {
            try await k.store.retryDeadOutboxEntry(b.id, now: day0, audit: audit)
            Issue.record("a due entry is not dead")
        } catch let refusal as PaymentRefusal {
            #expect(refusal.problem == .noDeadOutboxEntry)
        }
    }

    @Test("the counts keep held and dead apart: a waiting payment's held entry is not a dead one")
    func heldIsNotDead() async throws {
        let k = try await kiosk()
        let b = try #require(try await k.store.takeDueOutboxEntry(now: day0))
        try await k.store.markOutboxDead(b.id, error: "HTTP 422")
        // Two held entries (as a waiting payment's are), written as the queue writes them.
        try await k.store.pool.write { db in
            try Outbox.add(db, topic: .payment, payload: ["n": "h1"], key: "h1", payment: nil, dueAt: day0, now: day0)
            try Outbox.add(db, topic: .payment, payload: ["n": "h2"], key: "h2", payment: nil, dueAt: day0, now: day0)
            try db.execute(sql: "UPDATE outbox SET state = 'held' WHERE idempotency_key IN ('h1', 'h2')")
        }
        var counts = OutboxCounts()
        counts.due = 2; counts.held = 2; counts.dead = 1
        #expect(try await k.store.outboxCounts() == counts)
    }

    @Test("a delivered payment the back office has not settled is polled; a processed one is not")
    func awaitingOutcome() async throws {
        let k = try await K.Kiosk()
        let p1 = try await k.submit("A1", invoices: ["I1"], now: day0)
        let p2 = try await k.submit("J1", invoices: ["J-1"], job: 1, now: day0)
        while let item = try await k.store.takeDueOutboxEntry(now: day0) { try await k.store.markOutboxDelivered(item.id) }
        #expect(try await k.store.paymentsAwaitingOutcome().sorted() == [p1, p2].sorted())
        #expect(try await k.store.applyBackOfficeOutcome(payment: p1, status: "processed", reason: nil, message: nil, now: day0))
        #expect(try await !k.store.applyBackOfficeOutcome(payment: p1, status: "processed", reason: nil, message: nil, now: day0), "already so")
        #expect(try await !k.store.applyBackOfficeOutcome(payment: p2, status: "bogus", reason: nil, message: nil, now: day0))
        #expect(try await k.store.paymentsAwaitingOutcome() == [p2])
    }
}
