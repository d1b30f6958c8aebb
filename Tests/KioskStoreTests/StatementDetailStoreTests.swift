import Foundation
import GRDB
import KioskCore
import Testing
@testable import KioskStore

/// Invoice lines and past statements' balances, aging and lines (SYNC.md "Optional
/// additions"): stored, read back as sent, replaced with their account, absent as unknown.
@Suite("Store: statement and invoice detail")
struct StatementDetailStoreTests {
    static func withDetail() throws -> SyncDocument {
        var document = try exampleDocument()
        let invoice = try #require(document.accounts[0].items.firstIndex { $0.kind == .invoice })
        document.accounts[0].items[invoice].lines = [InvoiceLine(name: "Lumber", amount: 8_000), InvoiceLine(name: "Discount", amount: -500)]
        document.accounts[0].statements[0].openingBalance = -2_500
        document.accounts[0].statements[0].closingBalance = 12_500
        document.accounts[0].statements[0].aging = StatementAging(current: 10_000, days1to30: 2_500, days31to60: 0, days61to90: 0, over90: 0)
        document.accounts[0].statements[0].lines = [
            StatementLine(date: LocalDate("2026-10-01")!, kind: .invoice, number: "10023", amount: 10_000),
            StatementLine(date: LocalDate("2026-10-15")!, kind: .payment, number: "P-9", amount: 5_000),
        ]
        document.accounts[0].statements.append(Statement(number: "S-101", issuedAt: Instant("2026-11-30T23:00:00Z")!, job: 1))
        return document
    }

    @Test("stored and read back exactly; a second apply writes nothing")
    func roundTrip() async throws {
        let store = try KioskStore(directory: try scratchDirectory())
        let document = try Self.withDetail()
        _ = try await store.apply(document, audit: nil)
        let stored = try #require(try await store.account(number: "1001"))
        #expect(stored.account == document.accounts[0])
        #expect(stored.account.statements[1].aging == nil && stored.account.statements[1].openingBalance == nil,
                "what the document left out stays unknown, not zero")
        let again = try await store.apply(document, audit: nil)
        #expect(again.rowsWritten == 0 && again.accounts.unchanged == 2)
    }

    @Test("a newer document without them removes them with the account's other rows")
    func replaced() async throws {
        let store = try KioskStore(directory: try scratchDirectory())
        _ = try await store.apply(try Self.withDetail(), audit: nil)
        var plain = try exampleDocument()
        plain.asOf = Instant("2026-11-21T12:00:00Z")!
        _ = try await store.apply(plain, audit: nil)
        let stored = try #require(try await store.account(number: "1001"))
        #expect(stored.account == plain.accounts[0])
        let orphans = try await store.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invoice_line") ?? -1) + (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM statement_line") ?? -1)
        }
        #expect(orphans == 0)
    }

    @Test("an account without the additions encodes as before, so its fingerprint does not change")
    func fingerprintKept() throws {
        let account = try exampleDocument().accounts[0]
        let text = String(decoding: try JSONEncoder().encode(account), as: UTF8.self)
        #expect(!text.contains("\"lines\"") && !text.contains("opening_balance") && !text.contains("aging"))
    }
}
