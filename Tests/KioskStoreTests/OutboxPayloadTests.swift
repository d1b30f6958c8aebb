import Foundation
import GRDB
import KioskBackOfficeContract
import Testing
@testable import KioskStore

/// The outbox holds the back-office API's bodies exactly as the contract types write them, so
/// the relay sends, and the back office reads, what the types say.
@Suite("Store: outbox payloads are the back-office contract's bodies")
struct OutboxPayloadTests {
    func payloads(_ kiosk: PaymentQueueTests.Kiosk, payment: String) async throws -> [(topic: String, payload: String)] {
        try await kiosk.store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT topic, payload FROM outbox WHERE payment = ? ORDER BY id", arguments: [payment])
                .map { ($0["topic"], $0["payload"]) }
        }
    }

    @Test("a payment and a manager's rejection are written as PaymentBody and OutcomeBody, byte for byte")
    func paymentAndOutcome() async throws {
        let kiosk = try await PaymentQueueTests.Kiosk()
        let now = PaymentQueueTests.at(days: 0)
        let id = try await kiosk.submit("A1", invoices: ["I1", "I2"], now: now)
        _ = try await kiosk.store.rejectPayment(id: id, reason: "payment_issue_call", message: "Card declined.", kioskID: "kiosk-1",
                                                now: now, audit: kiosk.manager(now))
        let written = try await payloads(kiosk, payment: id).filter { $0.topic == "payment.outcome" }
        #expect(written.count == 1)

        let second = try await kiosk.submit("A1", invoices: ["I3"], now: now)
        let entries = try await payloads(kiosk, payment: second)
        #expect(entries.map(\.topic) == ["payment"])
        let body = try BackOfficeJSON.decode(PaymentBody.self, from: Data(entries[0].payload.utf8))
        #expect(try BackOfficeJSON.text(body) == entries[0].payload)
        #expect(body.payment == second && body.kiosk == "kiosk-1" && body.account == "A1" && body.state == "pending")
        #expect(body.method == .cardOnFile("K-A1") && body.lines == [PaymentBody.Line(id: "I3", amount: 10_000)] && body.amount == 10_000)
        #expect(body.job == nil && body.payOn == nil && body.card == nil && body.signature == SealedEnvelope(fields: [:]))

        let outcome = try BackOfficeJSON.decode(OutcomeBody.self, from: Data(try #require(written.first).payload.utf8))
        #expect(outcome == OutcomeBody(payment: id, state: "rejected", reason: "payment_issue_call", message: "Card declined."))
        #expect(try BackOfficeJSON.text(outcome) == written[0].payload)
    }
}
