import Foundation
import KioskCore
import KioskFixtures
@testable import KioskStore
import Testing

/// Autopay rules in the real SQLite store (migration 011): the sync's `autopay_rules` replaces
/// an account's rules when present and leaves them when absent (SYNC.md).
struct AutopayRuleStoreTests {
    static let t0 = Date(timeIntervalSince1970: 1_796_000_000)

    static func document(at seconds: TimeInterval, rules: [AutopayRule]?) -> SyncDocument {
        var doc = DemoStore.document(today: DemoStore.today(at: t0), now: Instant(t0))
        doc.asOf = Instant(t0.addingTimeInterval(seconds))
        let i = doc.accounts.firstIndex { $0.number == "1001" }!
        doc.accounts[i].autopayRules = rules
        // Every document changes something of the account, so none is skipped as unchanged.
        doc.accounts[i].phone = "312-555-\(1000 + Int(seconds))"
        return doc
    }

    @Test("present: stored in order with their criteria; absent: kept; present and empty: gone (and reads as none sent)")
    func replaceOrKeep() async throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try KioskStore(directory: directory)
        let rules = [
            AutopayRule(id: "R-BO-1", position: 1, method: .cardOnFile("K-1001-1"), locked: true,
                        criteria: [.init(field: "amount", op: "le", values: [.number(50_000)]), .init(field: "po_number", op: "contains", values: [.text("SMITH")])]),
            AutopayRule(id: "R-BO-2", position: 2, method: .cardOnFile("K-1001-2"), enabled: false,
                        criteria: [.init(field: "job", op: "one_of", values: [.number(1), .number(2)])]),
        ]
        _ = try await store.apply(Self.document(at: 0, rules: rules), audit: nil)
        #expect(try await store.account(number: "1001")?.account.autopayRules == rules)
        _ = try await store.apply(Self.document(at: 10, rules: nil), audit: nil)
        #expect(try await store.account(number: "1001")?.account.autopayRules == rules, "a document without autopay_rules leaves them")
        var moved = rules[1]
        moved.position = 1
        _ = try await store.apply(Self.document(at: 20, rules: [moved]), audit: nil)
        let one = try await store.account(number: "1001")?.account.autopayRules
        #expect(one?.map(\.id) == ["R-BO-2"] && one?.first?.position == 1, "replaced, positions 1…n")
        _ = try await store.apply(Self.document(at: 30, rules: []), audit: nil)
        #expect(try await store.account(number: "1001")?.account.autopayRules == nil, "none stored reads as none sent")
        #expect(try await store.account(number: "2001")?.account.autopayRules == nil, "accounts never given rules have none")
        #expect(try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM autopay_rule") } == 0)
    }
}
