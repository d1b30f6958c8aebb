import Foundation
import GRDB
import KioskCore
import Testing
@testable import KioskStore

/// Migration 010 on a database written before it: sealed_capture is rebuilt to admit bank
/// captures, and every capture, and every payment naming one, stays as it was.
@Suite("Store: migration 010 (payment methods)")
struct PaymentMethodMigrationTests {
    @Test("captures and the payments that name them survive the rebuild; a bank capture can then be stored, an unknown kind still cannot")
    func keepsCaptures() async throws {
        let dir = try scratchDirectory()
        do {
            let queue = try DatabaseQueue(path: dir + "/kiosk.sqlite")
            try Migrations.migrator.migrate(queue, upTo: "007_payment_waiting")
            try await queue.write { db in
                try db.execute(sql: """
                    INSERT INTO backoffice_key (key_id, public_key, fingerprint, installed_at, installed_by_uid, active) VALUES ('k', x'01', 'f', 'x', 0, 1);
                    INSERT INTO sealed_capture (id, kind, device, key_id, captured_at, envelope, masked)
                        VALUES ('C1', 'card', 'reader', 'k', '2026-12-01T00:00:00Z', '{"a":1}', '{"last4":"1111"}');
                    INSERT INTO sealed_capture (id, kind, device, key_id, captured_at, envelope) VALUES ('S1', 'signature', 'pad', 'k', '2026-12-01T00:00:00Z', '{}');
                    INSERT INTO payment (id, account, contact, amount, currency, state, created_at, updated_at, method_kind, card_capture,
                                         method_description, signature_capture, terms_sha256, signature_binding)
                        VALUES ('P2345A', 'A1', 'C', 100, 'USD', 'pending', 'x', 'x', 'capture', 'C1', 'CARD ENDING IN 1111', 'S1', 'h', 'b');
                    """)
            }
        }
        let store = try KioskStore(directory: dir)
        let card = try #require(try await store.capture(id: "C1"))
        #expect(card.kind == "card" && card.envelope == #"{"a":1}"# && card.masked == #"{"last4":"1111"}"#)
        #expect(try await store.capture(id: "S1")?.kind == "signature")
        #expect(try await store.payment(id: "P2345A")?.methodDescription == "CARD ENDING IN 1111")
        try await store.saveCapture(StoredCapture(id: "B1", kind: "bank", device: "keypad", keyID: "k", capturedAt: "2026-12-01T00:00:00Z",
                                                  envelope: "{}", masked: nil))
        #expect(try await store.capture(id: "B1")?.kind == "bank")
        await #expect(throws: StoreError.self) {
            try await store.saveCapture(StoredCapture(id: "X1", kind: "pin", device: "keypad", keyID: "k", capturedAt: "x", envelope: "{}", masked: nil))
        }
        let problems = try await store.pool.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count }
        #expect(problems == 0)
        // The payment still names its captures through the rebuilt table.
        let joined = try await store.pool.read { db in
            try String.fetchOne(db, sql: "SELECT c.kind FROM payment p JOIN sealed_capture c ON c.id = p.card_capture WHERE p.id = 'P2345A'")
        }
        #expect(joined == "card")
    }
}
