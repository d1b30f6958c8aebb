import Foundation
import GRDB
import KioskCore
import Testing
@testable import KioskStore

/// Process, reject, delete, cancel, reschedule and acknowledge on a real SQLite file: each
/// change starts only from its states, is audited, tells the back office through the outbox,
/// and a refused change writes nothing.
@Suite("Store: post-processing payments")
struct PaymentPostProcessingTests {
    typealias K = PaymentQueueTests
    let day0 = PaymentQueueTests.day0

    func refusal(_ body: () async throws -> Void) async -> PaymentRefusal? {
        do { try await body(); return nil } catch let r as PaymentRefusal { return r } catch { Issue.record("not a refusal: \(error)"); return nil }
    }

    func outbox(_ k: K.Kiosk, _ payment: String) async throws -> [String] {
        try await k.store.outboxEntries().filter { $0.payment == payment }.reversed().map { "\($0.topic) \($0.idempotencyKey)" }
    }

    @Test("processing makes the payment an unapplied credit, audits it and tells the back office")
    func process() async throws {
        let k = try await K.Kiosk()
        let id = try await k.submit("A1", invoices: ["I1"], now: day0)
        let done = try await k.store.processPayment(id: id, kioskID: "kiosk-1", now: day0, audit: k.manager(day0))
        #expect(done.state == .processed && done.reason == nil && done.lines.map(\.id) == ["I1"])
        let stored = try #require(try await k.store.account(number: "A1"))
        let credit = try #require(stored.account.items.first { $0.id == PaymentCommitment.kioskCreditID(id) })
        #expect(credit.kind == .payment && credit.openAmount == 10_000 && credit.number == id && credit.date == LocalDate("2026-12-01"))
        #expect(try await outbox(k, id) == ["payment kiosk-1:payment:\(id)", "payment.outcome kiosk-1:outcome:\(id):processed"])
        #expect(try await k.store.auditEntries(limit: 1).first?.detail == "payment \(id) processed")
        // The back office's own decision is not sent back to it.
        let other = try await k.submit("A1", invoices: ["I2"], payOn: "2026-12-05", now: day0)
        _ = try await k.store.deletePayment(id: other, kioskID: "", now: day0, audit: k.manager(day0), tellBackOffice: false)
        #expect(try await outbox(k, other) == [], "its unsent entry dropped, nothing new")
    }

    @Test("a rejected scheduled payment is never sent; the customer sees it until acknowledged")
    func rejectAndAcknowledge() async throws {
        let k = try await K.Kiosk()
        let id = try await k.submit("A1", invoices: ["I1"], payOn: "2026-12-03", now: day0)
        let rejected = try await k.store.rejectPayment(id: id, reason: "account_issue_call", message: "Call the store.", kioskID: "kiosk-1",
                                                       now: day0, audit: k.manager(day0))
        #expect(rejected.state == .rejected && rejected.reason == "account_issue_call" && rejected.message == "Call the store." && !rejected.rejectionSeen)
        #expect(try await outbox(k, id) == ["payment.outcome kiosk-1:outcome:\(id):rejected:\(Int(day0.timeIntervalSince1970))"],
                "the scheduled entry is dropped")
        try await k.store.acknowledgeRejection(id: id, account: "A1")
        #expect(try await k.store.payment(id: id)?.rejectionSeen == true)
        let wrongAccount = await refusal { try await k.store.acknowledgeRejection(id: id, account: "J1") }
        #expect(wrongAccount?.problem == .noSuchRejection)
        // Processed later after all: the reason goes.
        let processed = try await k.store.processPayment(id: id, kioskID: "kiosk-1", now: day0, audit: k.manager(day0))
        #expect(processed.state == .processed && processed.reason == nil && processed.message == nil)
    }

    @Test("a change from a state it does not start from is refused, naming the state, and writes nothing")
    func refusedChangesWriteNothing() async throws {
        let k = try await K.Kiosk()
        let pending = try await k.submit("A1", invoices: ["I1"], now: day0)
        let scheduled = try await k.submit("A1", invoices: ["I2"], payOn: "2026-12-05", now: day0)
        let deleted = try await k.submit("A1", invoices: ["I3"], payOn: "2026-12-06", now: day0)
        _ = try await k.store.deletePayment(id: deleted, kioskID: "kiosk-1", now: day0, audit: k.manager(day0))
        let audits = try await k.store.auditEntries(limit: 1_000).count
        let entries = try await k.store.outboxEntries().count
        let m = k.manager(day0)
        let cases: [(PaymentProblem?, () async throws -> Void)] = [
            (PaymentProblem(.conflict, "payment \(scheduled) is scheduled, so it cannot be processed"),
             { _ = try await k.store.processPayment(id: scheduled, kioskID: "kiosk-1", now: day0, audit: m) }),
            (PaymentProblem(.conflict, "payment \(pending) is pending, so it cannot be cancelled"),
             { _ = try await k.store.deletePayment(id: pending, kioskID: "kiosk-1", now: day0, audit: m, cancel: true) }),
            (PaymentProblem(.conflict, "payment \(pending) is pending, so it cannot be rescheduled"),
             { _ = try await k.store.reschedulePayment(id: pending, payOn: LocalDate("2026-12-09")!, now: day0, audit: m) }),
            (.noSuchPayment, { _ = try await k.store.processPayment(id: deleted, kioskID: "kiosk-1", now: day0, audit: m) }),
            (.noSuchPayment, { _ = try await k.store.rejectPayment(id: "NOSUCH", reason: "payment_issue_call", message: "x", kioskID: "kiosk-1", now: day0, audit: m) }),
            (PaymentProblem(.invalidParams, "The payment date is in the past; choose today or a later day."),
             { _ = try await k.store.reschedulePayment(id: scheduled, payOn: LocalDate("2026-11-30")!, now: day0, audit: m) }),
        ]
        for (problem, change) in cases {
            #expect(await refusal(change)?.problem == problem)
        }
        #expect(try await k.store.auditEntries(limit: 1_000).count == audits)
        #expect(try await k.store.outboxEntries().count == entries)
        #expect(try await k.store.payment(id: scheduled)?.state == .scheduled)
        // Deleted payments are listed only when asked for by state.
        #expect(try await k.store.payments(account: "A1").map(\.id).sorted() == [pending, scheduled].sorted())
        #expect(try await k.store.payments(state: .deleted).map(\.id) == [deleted])
    }

    @Test("a customer cancels a scheduled payment; rescheduling moves its unsent entry to the new day")
    func cancelAndReschedule() async throws {
        let k = try await K.Kiosk()
        let id = try await k.submit("A1", invoices: ["I1"], payOn: "2026-12-03", now: day0)
        let moved = try await k.store.reschedulePayment(id: id, payOn: LocalDate("2026-12-10")!, now: day0, audit: k.manager(day0))
        #expect(moved.state == .scheduled && moved.payOn == "2026-12-10")
        #expect(try await k.store.outboxEntries().first { $0.payment == id }?.nextAttemptAt == "2026-12-10T06:00:00Z")
        #expect(try await k.store.auditEntries(limit: 1).first?.detail == "payment \(id) rescheduled to 2026-12-10")
        let cancelled = try await k.store.deletePayment(id: id, kioskID: "kiosk-1", now: day0, audit: k.manager(day0), cancel: true)
        #expect(cancelled.state == .deleted)
        #expect(try await outbox(k, id) == ["payment.outcome kiosk-1:outcome:\(id):deleted"])
        #expect(try await k.store.auditEntries(limit: 1).first?.detail == "payment \(id) cancelled")
    }
}
