import Foundation
import GRDB
import KioskCore
import Testing
@testable import KioskStore

/// Issue 11, rules 2 and 3 on a real SQLite file with an injected clock: one pending payment
/// per scope at every moment (submit, day start, reschedule, outcome, restart), and never two
/// payments for one invoice (rejected → paid again → processing the rejected one refused).
@Suite("Store: one pending payment per scope, never twice for one invoice")
struct PaymentQueueTests {
    /// Noon UTC on 1 Dec 2026 = 06:00 in Chicago, the branch's zone.
    static let day0 = Date(timeIntervalSince1970: 1_796_126_400)
    static func at(days: Int, hours: Double = 0) -> Date { day0.addingTimeInterval(Double(days) * 86_400 + hours * 3_600) }

    /// Open-item account A1 (billed by account) with four invoices; job-billed J1 with jobs 1, 2.
    static func document() throws -> SyncDocument {
        func invoice(_ id: String, _ number: String, job: Int? = nil) -> [String: Any] {
            var i: [String: Any] = ["id": id, "kind": "invoice", "number": number, "date": "2026-11-01", "due_date": "2026-11-30",
                                    "amount": 10_000, "open_amount": 10_000, "billed": true]
            if let job { i["job"] = job }
            return i
        }
        func account(_ number: String, jobs: [Int]?, items: [[String: Any]]) -> [String: Any] {
            var a: [String: Any] = [
                "number": number, "name": "Customer \(number)", "address": ["1 Main St"], "branch": "B1", "credit_limit": 1_000_000,
                "pending_transactions": 0, "receivables_type": "open_item", "billing_type": jobs == nil ? "account" : "job",
                "links": ["erp": NSNull(), "accounting": NSNull(), "gateway": NSNull()],
                "contacts": [["id": "C-\(number)", "name": "Payer", "profile": "full", "revoked": false]],
                "items": items,
                "cards_on_file": [["id": "K-\(number)", "description": "CARD ENDING IN 4242", "token": "t", "brand": "visa",
                                   "last4": "4242", "expiry": "2030-01"]],
            ]
            if let jobs { a["jobs"] = jobs.map { ["number": $0, "name": "Job \($0)"] } }
            return a
        }
        let doc: [String: Any] = [
            "format": "kioskpay.sync.v1", "as_of": "2026-11-20T12:00:00Z", "currency": "USD",
            "branches": [["id": "B1", "name": "Yard", "time_zone": "America/Chicago", "accept_online_payments": true,
                          "pay_finance_charges_first": false, "terms": NSNull()]],
            "users": [], "profiles": [["id": "full", "name": "Full", "permissions": ["pay", "view_open_items"]]],
            "accounts": [
                account("A1", jobs: nil, items: [invoice("I1", "40117"), invoice("I2", "40118"), invoice("I3", "40119"), invoice("I4", "40120")]),
                account("J1", jobs: [0, 1, 2], items: [invoice("J-1", "50001", job: 1), invoice("J-2", "50002", job: 2), invoice("J-3", "50003", job: 1)]),
            ],
        ]
        return try SyncDocument.decode(from: JSONSerialization.data(withJSONObject: doc))
    }

    static let hashing = PaymentHashing(sha256: { _ in String(repeating: "ab", count: 32) }, bind: { _, _, _, _, _, _, _ in "binding" })

    final class Kiosk: @unchecked Sendable {
        let directory: String
        var store: KioskStore!
        var captures = 0
        init() async throws {
            directory = try scratchDirectory()
            store = try KioskStore(directory: directory)
            _ = try await store.apply(try PaymentQueueTests.document(), audit: nil)
        }
        /// Closes the database (releasing the data directory's lock) and opens it again, as a
        /// daemon restart does.
        func restart() throws {
            store = nil
            store = try KioskStore(directory: directory)
        }
        func manager(_ now: Date) -> AuditEntry { AuditEntry(at: now, uid: 0, userName: "root", role: "manager", action: "test", detail: "") }

        func submit(_ account: String, invoices: [String], job: Int? = nil, payOn: String? = nil, now: Date) async throws -> String {
            captures += 1
            let signature = "SIG-\(captures)"
            try await store.saveCapture(StoredCapture(id: signature, kind: "signature", device: "pad", keyID: "k",
                                                      capturedAt: now.formatted(Date.ISO8601FormatStyle()), envelope: "{}", masked: nil),
                                       demoKey: (publicKey: Data([1]), fingerprint: "test"))
            let s = PaymentSubmission(account: account, contact: "C-\(account)", request: PaymentRequest(job: job, invoices: invoices),
                                      method: .cardOnFile("K-\(account)"), signatureCapture: signature,
                                      termsSHA256: String(repeating: "ab", count: 32), payOn: payOn.flatMap(LocalDate.init),
                                      kioskID: "kiosk-1", now: now, audit: manager(now))
            return try await store.submitPayment(s, crypto: PaymentQueueTests.hashing).id
        }
        func state(_ id: String) async throws -> (String, String?) {
            let p = try #require(try await store.payment(id: id))
            return (p.state.rawValue, p.waitingFor)
        }
        func outbox(_ id: String) async throws -> String {
            try await store.pool.read { db in
                try String.fetchOne(db, sql: "SELECT state || ' ' || json_extract(payload, '$.state') FROM outbox WHERE payment = ? AND topic = 'payment'",
                                    arguments: [id]) ?? "none"
            }
        }
        func pendingCount(_ account: String) async throws -> Int {
            try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM payment WHERE account = ? AND state = 'pending'", arguments: [account]) ?? -1 }
        }
    }

    func refusal(_ body: () async throws -> Void) async -> PaymentRefusal? {
        do { try await body(); return nil } catch let r as PaymentRefusal { return r } catch { Issue.record("not a refusal: \(error)"); return nil }
    }

    @Test("scheduled payments that come due while one is pending wait, and run one at a time as each is settled")
    func dayStartWaitsThenRuns() async throws {
        let k = try await Kiosk()
        let p1 = try await k.submit("A1", invoices: ["I1"], now: Self.day0)
        let p2 = try await k.submit("A1", invoices: ["I2"], payOn: "2026-12-02", now: Self.day0)
        let p3 = try await k.submit("A1", invoices: ["I3"], payOn: "2026-12-02", now: Self.day0.addingTimeInterval(1))
        #expect(try await k.state(p2).0 == "scheduled")

        // Submit: a second payment for today is refused while P1 is pending.
        let second = await refusal { _ = try await k.submit("A1", invoices: ["I4"], now: Self.day0) }
        #expect(second?.kind == .conflict)
        #expect(second?.message.contains("Payment \(p1)") == true && second?.message.contains("still pending") == true, "\(String(describing: second))")

        // Reschedule to today while P1 is pending: refused with the same sentence.
        let moved = await refusal { _ = try await k.store.reschedulePayment(id: p2, payOn: LocalDate("2026-12-01")!, now: Self.day0, audit: k.manager(Self.day0)) }
        #expect(moved?.message == second?.message, "the usual sentence")
        #expect(try await k.state(p2).0 == "scheduled")

        // Day start in Chicago (2 Dec 00:00 CST = 06:00 UTC): both come due; P1 is still pending.
        let dayStart = Self.at(days: 1, hours: -6)
        #expect(try await k.store.promoteDueScheduledPayments(now: dayStart.addingTimeInterval(-1)).isEmpty, "a second before: nothing")
        // The relay may reach their entries before the scheduler: its take settles first and
        // never hands out a waiting payment's entry.
        while let item = try await k.store.takeDueOutboxEntry(now: dayStart) { #expect(item.payment != p2 && item.payment != p3) }
        #expect(try await k.state(p2) == ("waiting", p1))
        #expect(try await k.store.promoteDueScheduledPayments(now: dayStart).isEmpty, "none may be pending beside P1")
        #expect(try await k.state(p2) == ("waiting", p1))
        #expect(try await k.state(p3) == ("waiting", p1))
        #expect(try await k.outbox(p2) == "held scheduled", "a waiting payment's entry is held")
        #expect(try await k.pendingCount("A1") == 1)

        // Restart in between: the states are durable and settling again changes nothing.
        try k.restart()
        _ = try await k.store.promoteDueScheduledPayments(now: dayStart.addingTimeInterval(60))
        #expect(try await k.state(p2) == ("waiting", p1))
        #expect(try await k.store.payments(state: .waiting).map(\.id).sorted() == [p2, p3].sorted())
        #expect(try await k.store.payments(state: .scheduled).isEmpty, "waiting ones are not listed as scheduled")

        // Outcome: P1 processed → the oldest waiting one (P2) runs; P3 now waits for P2.
        let now = dayStart.addingTimeInterval(120)
        _ = try await k.store.processPayment(id: p1, kioskID: "kiosk-1", now: now, audit: k.manager(now))
        #expect(try await k.state(p2) == ("pending", nil))
        #expect(try await k.state(p3) == ("waiting", p2))
        #expect(try await k.outbox(p2) == "due pending", "its entry goes out now, as pending")
        #expect(try await k.pendingCount("A1") == 1)

        // Reschedule a waiting one: to a later day it is scheduled again; back to today, refused.
        let p3Later = try await k.store.reschedulePayment(id: p3, payOn: LocalDate("2026-12-05")!, now: now, audit: k.manager(now))
        #expect(p3Later.state == .scheduled && p3Later.waitingFor == nil)
        #expect(try await k.outbox(p3) == "due scheduled")
        let back = await refusal { _ = try await k.store.reschedulePayment(id: p3, payOn: LocalDate("2026-12-02")!, now: now, audit: k.manager(now)) }
        #expect(back?.message.contains("Payment \(p2)") == true)

        // Rejected: P2 no longer pending, so moving P3 to today runs it at once.
        _ = try await k.store.rejectPayment(id: p2, reason: "payment_issue_call", message: "Call us.", kioskID: "kiosk-1", now: now, audit: k.manager(now))
        let p3Now = try await k.store.reschedulePayment(id: p3, payOn: LocalDate("2026-12-02")!, now: now, audit: k.manager(now))
        #expect(p3Now.state == .pending)
        #expect(try await k.outbox(p3) == "due pending")

        // Deleted: a payment waiting for the deleted one runs.
        let p4 = try await k.submit("A1", invoices: ["I4"], payOn: "2026-12-03", now: now)
        let day3 = Self.at(days: 2, hours: -6)
        _ = try await k.store.promoteDueScheduledPayments(now: day3)
        #expect(try await k.state(p4) == ("waiting", p3))
        _ = try await k.store.deletePayment(id: p3, kioskID: "kiosk-1", now: day3, audit: k.manager(day3))
        #expect(try await k.state(p4) == ("pending", nil))
        #expect(try await k.pendingCount("A1") == 1)
    }

    @Test("job-billed: payments for different jobs run side by side; a consolidated one waits for any job's")
    func scopesOfJobs() async throws {
        let k = try await Kiosk()
        let job1 = try await k.submit("J1", invoices: ["J-1"], job: 1, now: Self.day0)
        let job2 = try await k.submit("J1", invoices: ["J-2"], job: 2, now: Self.day0)
        #expect(try await k.state(job2).0 == "pending", "another job's scope")
        let job1Later = try await k.submit("J1", invoices: ["J-3"], job: 1, payOn: "2026-12-02", now: Self.day0)
        _ = try await k.store.promoteDueScheduledPayments(now: Self.at(days: 1))
        #expect(try await k.state(job1Later) == ("waiting", job1))
        // A back-office outcome goes through the same path.
        #expect(try await k.store.applyBackOfficeOutcome(payment: job1, status: "processed", reason: nil, message: nil, now: Self.at(days: 1)))
        #expect(try await k.state(job1Later) == ("pending", nil))
    }

    @Test("a paid-again invoice: processing the rejected payment is refused, names both, and goes through only when confirmed")
    func neverTwice() async throws {
        let k = try await Kiosk()
        let first = try await k.submit("A1", invoices: ["I1"], now: Self.day0)
        // Pending: I1 is covered and cannot be paid again.
        let again = await refusal { _ = try await k.submit("A1", invoices: ["I1"], now: Self.day0) }
        #expect(again != nil)
        _ = try await k.store.rejectPayment(id: first, reason: "payment_issue_call", message: "Declined.", kioskID: "kiosk-1", now: Self.day0, audit: k.manager(Self.day0))
        #expect(try await k.store.commitments(account: "A1").isEmpty, "a rejected payment covers nothing")
        let second = try await k.submit("A1", invoices: ["I1"], now: Self.day0)
        _ = try await k.store.processPayment(id: second, kioskID: "kiosk-1", now: Self.day0, audit: k.manager(Self.day0))

        // Processed here, not yet in the back office's history: still covered, not offered again.
        let covering = try await k.store.commitments(account: "A1")
        #expect(covering.map(\.paymentID) == [second] && covering.first?.state == .processed)
        let third = await refusal { _ = try await k.submit("A1", invoices: ["I1"], now: Self.day0) }
        #expect(third?.message.contains("invoice 40117 is already being paid by payment \(second)") == true, "\(String(describing: third))")

        let refused = await refusal { _ = try await k.store.processPayment(id: first, kioskID: "kiosk-1", now: Self.day0, audit: k.manager(Self.day0)) }
        #expect(refused?.kind == .conflict)
        #expect(refused?.overlap == PaymentOverlap(payments: [second], items: ["I1"], described: ["invoice 40117"]))
        #expect(refused?.message.contains("invoice 40117") == true && refused?.message.contains(second) == true)
        #expect(try await k.state(first).0 == "rejected")

        let confirmed = try await k.store.processPayment(id: first, kioskID: "kiosk-1", now: Self.day0, audit: k.manager(Self.day0), overlapOK: true)
        #expect(confirmed.state == .processed)
        let audit = try await k.store.auditEntries(limit: 50).map(\.detail)
        #expect(audit.contains { $0.contains("payment \(first) processed over invoice 40117") && $0.contains("overlap confirmed") })

        // Once the back office's data carries the payment, it stops covering.
        var doc = try Self.document()
        doc.asOf = Instant("2026-12-02T12:00:00Z")!
        doc.accounts[0].payments = [ProcessedPayment(id: second, job: nil, date: LocalDate("2026-12-02")!, amount: 10_000, method: "card",
                                                     applied: [.init(item: "I1", amount: 10_000)])]
        _ = try await k.store.apply(doc, audit: nil)
        #expect(try await k.store.commitments(account: "A1").map(\.paymentID) == [first], "only the one the back office does not carry yet")
    }

    @Test("migration 007 keeps every payment and outbox entry written before it")
    func migrationKeepsRows() async throws {
        let dir = try scratchDirectory()
        do {
            let queue = try DatabaseQueue(path: dir + "/kiosk.sqlite")
            try Migrations.migrator.migrate(queue, upTo: "006_backoffice_link")
            try await queue.write { db in
                try db.execute(sql: """
                    INSERT INTO backoffice_key (key_id, public_key, fingerprint, installed_at, installed_by_uid, active) VALUES ('k', x'01', 'f', 'x', 0, 1);
                    INSERT INTO sealed_capture (id, kind, device, key_id, captured_at, envelope) VALUES ('S1', 'signature', 'pad', 'k', '2026-12-01T00:00:00Z', '{}');
                    INSERT INTO payment (id, account, contact, amount, currency, state, created_at, updated_at, method_kind, method_description,
                                         signature_capture, terms_sha256, signature_binding)
                        VALUES ('P2345A', 'A1', 'C', 100, 'USD', 'scheduled', 'x', 'x', 'card_on_file', 'CARD', 'S1', 'h', 'b');
                    INSERT INTO payment_line (payment, item, amount, locked, position) VALUES ('P2345A', 'I1', 100, 0, 0);
                    INSERT INTO outbox (topic, payload, idempotency_key, state, next_attempt_at, created_at, payment)
                        VALUES ('payment', '{"state":"scheduled"}', 'k1', 'due', '2026-12-02T06:00:00Z', 'x', 'P2345A');
                    """)
            }
        }
        let store = try KioskStore(directory: dir)
        let p = try #require(try await store.payment(id: "P2345A"))
        #expect(p.state == .scheduled && p.lines.map(\.id) == ["I1"] && p.waitingFor == nil)
        #expect(try await store.outboxEntries().map(\.idempotencyKey) == ["k1"])
        let problems = try await store.pool.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count }
        #expect(problems == 0)
    }
}
