import Foundation
import GRDB
import KioskCore
import Testing
@testable import KioskStore

/// Migration 014 on a real SQLite file: every transition of a payment's state leaves one
/// history row with who, when and why; a write that forgets is refused by the database; older
/// payments are backfilled from what was known; reports count by the branch's local day.
@Suite("Store: payment state history and day reports")
struct PaymentHistoryTests {
    typealias K = PaymentQueueTests
    let day0 = PaymentQueueTests.day0

    func changes(_ k: K.Kiosk, _ id: String) async throws -> [String] {
        try await k.store.paymentHistory(id: id).map { h in
            "\(h.from?.rawValue ?? "-")>\(h.to.rawValue) \(h.actor.user ?? "?")/\(h.actor.role)/\(h.actor.uid.map(String.init) ?? "-")"
                + (h.reason.map { " \($0)" } ?? "") + (h.message.map { " \"\($0)\"" } ?? "")
        }
    }

    @Test("each transition, on each path, records its row: submit, reschedule, wait, run, reject, process, delete, cancel, back office")
    func everyTransition() async throws {
        let k = try await K.Kiosk()
        let m = k.manager(day0)
        // Submit (pending and scheduled), a reschedule that keeps the state.
        let first = try await k.submit("J1", invoices: ["J-1"], job: 1, now: day0)
        let later = try await k.submit("J1", invoices: ["J-3"], job: 1, payOn: "2026-12-02", now: day0)
        _ = try await k.store.reschedulePayment(id: later, payOn: LocalDate("2026-12-03")!, now: day0, audit: m)
        #expect(try await changes(k, first) == ["->pending root/manager/0"])
        // Its day comes while `first` is pending: it waits (the kiosk did it); `first` is
        // processed and it runs.
        try await k.store.promoteDueScheduledPayments(now: K.at(days: 2))
        _ = try await k.store.processPayment(id: first, kioskID: "kiosk-1", now: K.at(days: 2), audit: m)
        #expect(try await changes(k, later) == [
            "->scheduled root/manager/0", "scheduled>scheduled root/manager/0 pay on 2026-12-03",
            "scheduled>waiting kioskd/daemon/- waits for payment \(first)",
            "waiting>pending kioskd/daemon/- payment \(first) is no longer pending"])
        #expect(try await changes(k, first) == ["->pending root/manager/0", "pending>processed root/manager/0"])
        // Reject with a reason and message, then processed after all.
        _ = try await k.store.rejectPayment(id: later, reason: "payment_issue_call", message: "Call us.", kioskID: "kiosk-1", now: K.at(days: 2), audit: m)
        try await k.store.acknowledgeRejection(id: later, account: "J1")
        _ = try await k.store.processPayment(id: later, kioskID: "kiosk-1", now: K.at(days: 2), audit: m)
        #expect(try await changes(k, later).suffix(2) == ["pending>rejected root/manager/0 payment_issue_call \"Call us.\"",
                                                          "rejected>processed root/manager/0"], "acknowledging changes no state: no row")
        // A scheduled payment's day comes with nothing pending; delete with a reason; cancel.
        let dated = try await k.submit("A1", invoices: ["I1"], payOn: "2026-12-04", now: day0)
        try await k.store.promoteDueScheduledPayments(now: K.at(days: 3))
        _ = try await k.store.deletePayment(id: dated, kioskID: "kiosk-1", now: K.at(days: 3), audit: m, reason: "entered twice")
        #expect(try await changes(k, dated) == ["->scheduled root/manager/0", "scheduled>pending kioskd/daemon/- its day came",
                                                "pending>deleted root/manager/0 entered twice"])
        let cancelled = try await k.submit("A1", invoices: ["I2"], payOn: "2026-12-09", now: K.at(days: 3))
        _ = try await k.store.deletePayment(id: cancelled, kioskID: "kiosk-1", now: K.at(days: 3), audit: m, cancel: true)
        #expect(try await changes(k, cancelled).last == "scheduled>deleted root/manager/0 cancelled")
        // The back office's decision: its own actor, no uid.
        let remote = try await k.submit("A1", invoices: ["I3"], now: K.at(days: 3))
        #expect(try await k.store.applyBackOfficeOutcome(payment: remote, status: "rejected", reason: "account_issue_call", message: "Call.", now: K.at(days: 3)))
        #expect(try await changes(k, remote).last == "pending>rejected back office/backoffice/- account_issue_call \"Call.\"")
        // A run late: the scheduled day passed while the kiosk was off.
        let late = try await k.submit("A1", invoices: ["I4"], payOn: "2026-12-05", now: K.at(days: 3))
        try await k.store.promoteDueScheduledPayments(now: K.at(days: 6))
        #expect(try await changes(k, late).last == "scheduled>pending kioskd/daemon/- its day 2026-12-05 had passed; ran late")
    }

    @Test("a state written without its history row is refused by the database, and nothing changes")
    func forgettingIsRefused() async throws {
        let k = try await K.Kiosk()
        let id = try await k.submit("A1", invoices: ["I1"], now: day0)
        await #expect(throws: (any Error).self) {
            try await k.store.pool.write { db in try db.execute(sql: "UPDATE payment SET state = 'processed' WHERE id = ?", arguments: [id]) }
        }
        #expect(try await k.state(id).0 == "pending")
        // Other columns change freely.
        try await k.store.pool.write { db in try db.execute(sql: "UPDATE payment SET updated_at = 'x' WHERE id = ?", arguments: [id]) }
    }

    @Test("migration 014 backfills older payments: made at created_at, then their state at updated_at by whom the audit log names")
    func backfill() async throws {
        let dir = try scratchDirectory()
        do {
            let queue = try DatabaseQueue(path: dir + "/kiosk.sqlite")
            try Migrations.migrator.migrate(queue, upTo: "013_audit_chain")
            try await queue.write { db in
                try db.execute(sql: """
                    INSERT INTO backoffice_key (key_id, public_key, fingerprint, installed_at, installed_by_uid, active) VALUES ('k', x'01', 'f', 'x', 0, 1);
                    INSERT INTO sealed_capture (id, kind, device, key_id, captured_at, envelope) VALUES ('S1', 'signature', 'pad', 'k', '2026-12-01T00:00:00Z', '{}');
                    INSERT INTO sealed_capture (id, kind, device, key_id, captured_at, envelope) VALUES ('S2', 'signature', 'pad', 'k', '2026-12-01T00:00:00Z', '{}');
                    INSERT INTO sealed_capture (id, kind, device, key_id, captured_at, envelope) VALUES ('B1', 'bank', 'keyboard', 'k', '2026-12-01T00:00:00Z', '{}');
                    INSERT INTO payment (id, account, contact, amount, currency, state, created_at, updated_at, method_kind, card_capture, method_description,
                                         signature_capture, terms_sha256, signature_binding, reason, message)
                        VALUES ('P2345A', 'A1', 'C', 100, 'USD', 'rejected', '2026-12-01T10:00:00Z', '2026-12-01T11:00:00Z', 'capture', 'B1', 'ACCOUNT ENDING 6789',
                                'S1', 'h', 'b', 'payment_issue_call', 'Call.');
                    INSERT INTO payment (id, account, contact, amount, currency, state, created_at, updated_at, pay_on, method_kind, method_description,
                                         signature_capture, terms_sha256, signature_binding)
                        VALUES ('P2345B', 'A1', 'C', 200, 'USD', 'waiting', '2026-12-01T10:00:00Z', '2026-12-03T06:00:00Z', '2026-12-03', 'card_on_file', 'CARD',
                                'S2', 'h', 'b');
                    """)
                try AuditEntry(at: Date(timeIntervalSince1970: 1_796_122_800), uid: 1001, userName: "sam", role: "manager", action: "payment.reject",
                               detail: "payment P2345A rejected").insert(db)
            }
        }
        let store = try KioskStore(directory: dir)
        let rejected = try await store.paymentHistory(id: "P2345A")
        #expect(rejected.map { "\($0.from?.rawValue ?? "-")>\($0.to.rawValue) \($0.at)" } == ["->pending 2026-12-01T10:00:00Z", "pending>rejected 2026-12-01T11:00:00Z"])
        #expect(rejected.last?.actor == PaymentActor(uid: 1001, user: "sam", role: "manager") && rejected.last?.reason == "payment_issue_call")
        #expect(try await store.paymentHistory(id: "P2345B").map(\.to) == [.scheduled, .waiting], "waiting: made scheduled, then waiting")
        let types = try await store.pool.read { db in try String.fetchAll(db, sql: "SELECT method_type FROM payment ORDER BY id") }
        #expect(types == ["bank_account_typed", "card_on_file"])
    }

    @Test("a day report counts by the branch's local day, keeps deleted payments apart and lists rejections and deletions with reasons")
    func dayReport() async throws {
        let k = try await K.Kiosk()
        let m = k.manager(day0)
        // 23:30 on 1 Dec in Chicago is 05:30 on 2 Dec in UTC: it is taken on 1 Dec.
        let lateEvening = K.at(days: 0, hours: 17.5)
        let a = try await k.submit("A1", invoices: ["I1"], now: day0)
        let b = try await k.submit("J1", invoices: ["J-1"], job: 1, now: lateEvening)
        let c = try await k.submit("J1", invoices: ["J-2"], job: 2, payOn: "2026-12-05", now: lateEvening)
        _ = try await k.store.rejectPayment(id: a, reason: "account_issue_call", message: "Call.", kioskID: "kiosk-1", now: lateEvening, audit: m)
        _ = try await k.store.deletePayment(id: c, kioskID: "kiosk-1", now: lateEvening, audit: m, reason: "wrong job")
        let nextDay = try await k.submit("A1", invoices: ["I2"], now: K.at(days: 1))
        _ = nextDay
        let report = try await k.store.paymentReport(from: LocalDate("2026-12-01")!, to: LocalDate("2026-12-02")!)
        #expect(report.days.map(\.date.description) == ["2026-12-01", "2026-12-02"])
        let dec1 = report.days[0], dec2 = report.days[1]
        #expect(dec1.taken.count == 2 && dec1.taken.byCurrency["USD"]?.amount == 20_000)
        #expect(dec1.byState[.rejected]?.count == 1 && dec1.byState[.pending]?.count == 1 && dec1.byMethod["card_on_file"]?.count == 2)
        #expect(dec1.deleted.count == 1 && dec1.deleted.byCurrency["USD"]?.amount == 10_000, "deleted apart, not in taken")
        #expect(dec2.taken.count == 1)
        #expect(report.rejections.map(\.id) == [a] && report.rejections.first?.change.reason == "account_issue_call")
        #expect(report.deletions.map(\.id) == [c] && report.deletions.first?.change.reason == "wrong job" && report.deletions.first?.change.actor.user == "root")
        #expect(report.outbox.undelivered > 0 && report.outbox.byTopic.contains { $0.topic == "payment" })
        #expect(try await k.store.reportToday(now: lateEvening).description == "2026-12-01", "the branch's today, not UTC's")
        _ = b
    }
}
