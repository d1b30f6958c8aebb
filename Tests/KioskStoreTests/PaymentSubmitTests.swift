import Foundation
import GRDB
import KioskCore
import Testing
@testable import KioskStore

/// `submitPayment` on a real SQLite file: what one submit writes (payment, lines, outbox
/// entries, audit row) and that a refusal, whichever rule refuses, writes nothing.
@Suite("Store: submitting a payment")
struct PaymentSubmitTests {
    typealias K = PaymentQueueTests
    let day0 = PaymentQueueTests.day0

    func refusal(_ body: () async throws -> Void) async -> PaymentRefusal? {
        do { try await body(); return nil } catch let r as PaymentRefusal { return r } catch { Issue.record("not a refusal: \(error)"); return nil }
    }

    /// A capture sealed `age` seconds before `day0`.
    func capture(_ k: K.Kiosk, _ id: String, kind: String, age: TimeInterval = 60, masked: String? = nil) async throws {
        try await k.store.saveCapture(StoredCapture(id: id, kind: kind, device: "dev", keyID: "k",
                                                    capturedAt: day0.addingTimeInterval(-age).formatted(Date.ISO8601FormatStyle()),
                                                    envelope: #"{"sealed":"\#(id)"}"#, masked: masked),
                                      demoKey: (publicKey: Data([1]), fingerprint: "test"))
    }

    func submission(account: String = "A1", invoices: [String] = ["I1"], method: PaymentMethodChoice = .cardOnFile("K-A1"),
                    signature: String = "SIG", terms: String = String(repeating: "ab", count: 32), payOn: String? = nil) -> PaymentSubmission {
        PaymentSubmission(account: account, contact: "C-\(account)", request: PaymentRequest(invoices: invoices), method: method,
                          signatureCapture: signature, termsSHA256: terms, payOn: payOn.flatMap(LocalDate.init), kioskID: "kiosk-1", now: day0,
                          audit: AuditEntry(at: day0, uid: 0, userName: "pat", role: "front", action: "payment.submit", detail: ""))
    }

    func counts(_ k: K.Kiosk) async throws -> [Int] {
        try await k.store.pool.read { db in
            try ["payment", "payment_line", "outbox", "audit_log"].map { try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)") ?? -1 }
        }
    }

    @Test("one submit writes the payment, its lines, its outbox entry and one audit row")
    func writesEverything() async throws {
        let k = try await K.Kiosk()
        try await capture(k, "SIG", kind: "signature")
        let before = try await counts(k)
        let paid = try await k.store.submitPayment(submission(invoices: ["I1", "I2"]), crypto: K.hashing)
        #expect(paid.state == .pending && paid.amount == 20_000 && paid.methodDescription == "CARD ENDING IN 4242")
        #expect(paid.receiptsTo == [], "the contact has no e-mail address: no receipt")

        let stored = try #require(try await k.store.payment(id: paid.id))
        #expect(stored.state == .pending && stored.account == "A1" && stored.lines.map(\.id) == ["I1", "I2"] && stored.payOn == nil)
        let row = try await k.store.pool.read { db in try #require(try StoredPayment.fetchOne(db, key: paid.id)) }
        #expect(row.methodKind == .cardOnFile && row.cardOnFile == "K-A1" && row.cardCapture == nil && row.signatureCapture == "SIG")
        #expect(row.signatureBinding == "binding" && row.termsSHA256 == String(repeating: "ab", count: 32) && !row.overlapConfirmed)

        let entries = try await k.store.outboxEntries().reversed().map { ($0.topic, $0.idempotencyKey, $0.state) }
        #expect(entries.map(\.0) == ["payment"])
        #expect(entries.map(\.1) == ["kiosk-1:payment:\(paid.id)"])
        #expect(entries.allSatisfy { $0.2 == "due" })
        let payload = try await k.store.pool.read { db in
            try String.fetchOne(db, sql: "SELECT json_extract(payload, '$.state') || ' ' || json_extract(payload, '$.signature.sealed') FROM outbox WHERE topic = 'payment'")
        }
        #expect(payload == "pending SIG")
        #expect(try await counts(k) == [before[0] + 1, before[1] + 2, before[2] + 1, before[3] + 1])
        #expect(try await k.store.auditEntries(limit: 1).first?.detail == "payment \(paid.id) account A1 amount 20000 pending")
    }

    @Test("a card swiped now is named by its last four and its envelope goes with the payment")
    func swipedCard() async throws {
        let k = try await K.Kiosk()
        try await capture(k, "SIG", kind: "signature")
        try await capture(k, "CARD", kind: "card", masked: #"{"brand":"visa","last4":"1111"}"#)
        let paid = try await k.store.submitPayment(submission(method: .capture("CARD")), crypto: K.hashing)
        #expect(paid.methodDescription == "CARD ENDING IN 1111")
        let card = try await k.store.pool.read { db in
            try String.fetchOne(db, sql: "SELECT json_extract(payload, '$.card.sealed') || ' ' || json_extract(payload, '$.method.capture') FROM outbox WHERE topic = 'payment'")
        }
        #expect(card == "CARD CARD")
        // The same swipe cannot pay twice (a later day: the first payment is still pending).
        try await capture(k, "SIG2", kind: "signature")
        let again = await refusal { _ = try await k.store.submitPayment(submission(invoices: ["I2"], method: .capture("CARD"), signature: "SIG2", payOn: "2026-12-05"), crypto: K.hashing) }
        #expect(again?.problem == PaymentProblem(.conflict, "that card swipe was already used for a payment; please swipe again"))
    }

    @Test("a later day is scheduled, due at the start of that day in the branch's zone; more than a year ahead is refused")
    func scheduled() async throws {
        let k = try await K.Kiosk()
        try await capture(k, "SIG", kind: "signature")
        let paid = try await k.store.submitPayment(submission(payOn: "2026-12-02"), crypto: K.hashing)
        #expect(paid.state == .scheduled && paid.payOn == LocalDate("2026-12-02"))
        let due = try await k.store.outboxEntries().last?.nextAttemptAt
        #expect(due == "2026-12-02T06:00:00Z", "midnight in Chicago")
        try await capture(k, "SIG2", kind: "signature")
        let far = await refusal { _ = try await k.store.submitPayment(submission(invoices: ["I2"], signature: "SIG2", payOn: "2027-12-02"), crypto: K.hashing) }
        #expect(far?.kind == .invalidParams && far?.message == "A payment can be scheduled at most a year ahead.")
    }

    @Test("every refusal carries Core's problem and leaves the database as it was")
    func refusalsWriteNothing() async throws {
        let k = try await K.Kiosk()
        try await capture(k, "SIG", kind: "signature")
        try await capture(k, "OLD", kind: "signature", age: 15 * 60 + 1)
        try await capture(k, "CARD", kind: "card")
        let before = try await counts(k)
        let cases: [(PaymentSubmission, PaymentProblem)] = [
            (submission(account: "NOPE"), .accountGone),
            (submission(terms: String(repeating: "cd", count: 32)), .termsChanged),
            (submission(method: .cardOnFile("K-J1")), .cardOnFileUnusable),
            (submission(signature: "MISSING"), PaymentCaptureRule.missing(.signature)),
            (submission(signature: "OLD"), PaymentProblem(.conflict, "the signature is too old; please sign again")),
            (submission(signature: "CARD"), PaymentProblem(.invalidParams, "that capture is not a signature")),
            (submission(method: .capture("SIG")), PaymentProblem(.invalidParams, "that capture is not a card swipe")),
            (submission(invoices: ["I9"]), PaymentProblem(.notFound, "that invoice is not open on this account any more; refresh the list", item: "I9")),
        ]
        for (s, problem) in cases {
            let refused = await refusal { _ = try await k.store.submitPayment(s, crypto: K.hashing) }
            #expect(refused?.problem == problem)
        }
        #expect(try await counts(k) == before)
    }
}
