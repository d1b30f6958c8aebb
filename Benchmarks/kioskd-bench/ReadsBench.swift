import Foundation
import GRDB
import KioskCore
import KioskFixtures
import KioskStore

/// Account reads: one account loaded with every figure, against fetching its item rows raw.
func readsBench(_ size: BenchSize) async throws -> [BenchFigure] {
    let accounts = size.count(2_000, smoke: 50)
    let document = SyntheticStore.document(accounts: accounts, itemsPerAccount: 50)
    let dir = scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let store = try KioskStore(directory: dir)
    _ = try await store.apply(document, audit: nil)
    let pool = try DatabasePool(path: store.path)
    let numbers = (0..<size.count(1_000, smoke: 50)).map { _ in document.accounts[Int.random(in: 0..<accounts)].number }
    var i = 0
    let raw = try await latenciesMS(numbers.count) {
        let number = numbers[i % numbers.count]; i += 1
        _ = try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM item WHERE account = ?", arguments: [number]) }
    }
    let today = LocalDate("2026-11-20")!
    i = 0
    let figures = try await latenciesMS(numbers.count) {
        let number = numbers[i % numbers.count]; i += 1
        guard let stored = try await store.account(number: number) else { fatalError("missing \(number)") }
        let scope = try Figures.scope(for: stored.account, job: nil)
        _ = Figures.balances(stored.account, scope: scope)
        _ = Figures.summary(stored.account, scope: scope, today: today)
        _ = Figures.activity(stored.account, scope: scope, today: today)
        _ = Figures.openItems(stored.account, scope: scope, branch: stored.branch, today: today)
    }
    return [BenchFigure("account load + every figure, 50 items, p50", percentile(figures, 50), "ms",
                        reference: "raw item rows", referenceValue: percentile(raw, 50))]
}
