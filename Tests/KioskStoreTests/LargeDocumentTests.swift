import Foundation
import KioskCore
import KioskFixtures
import Testing
@testable import KioskStore

/// SYNC.md's size promise: 10,000 accounts × 50 items in one document, one transaction.
@Suite("Store: large documents")
struct LargeDocumentTests {
    @Test("10,000 accounts × 50 items: decoded, validated, applied, then re-applied as a no-op")
    func tenThousandAccounts() async throws {
        let document = SyntheticStore.document(accounts: 10_000, itemsPerAccount: 50)
        let json = try SyntheticStore.json(document)
        let clock = ContinuousClock()
        var decoded: SyncDocument!
        let decodeTime = try clock.measure { decoded = try SyncDocument.decode(from: json) }
        let store = try KioskStore(directory: try scratchDirectory())
        var outcome: SyncOutcome!
        let applyTime = try await clock.measure { outcome = try await store.apply(decoded, audit: testAudit) }
        #expect(outcome.accounts.inserted == 10_000)
        #expect(try await store.accountCount() == 10_000)
        let items = try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM item") }
        #expect(items == 500_000)
        let again = try await clock.measure { outcome = try await store.apply(decoded, audit: nil) }
        #expect(outcome.accounts.unchanged == 10_000 && outcome.rowsWritten == 0)
        let sample = try await store.account(number: "1004321")
        #expect(sample?.account == document.accounts[4321])
        print("large document: \(json.count / 1_048_576) MiB JSON; decode+validate \(decodeTime), apply \(applyTime), re-apply \(again)")
    }
}
