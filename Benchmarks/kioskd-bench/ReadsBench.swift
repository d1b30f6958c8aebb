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
    return [BenchFigure("full account load + every figure, 50 items, p50", percentile(figures, 50), "ms",
                        reference: "raw item rows", referenceValue: percentile(raw, 50))]
        + (try await balancesGrowth(size))
}

/// `account.balances` as the handler reads it (the account's open items only, then
/// Figures.balances) on accounts of 100, 1,000 and 10,000 items of which 50 are open, the
/// rest closed history: the read must stay flat as history grows. The reference is one SQL
/// aggregate over all the account's items, measured in the same run. Then an items.open-style
/// read of an account whose 10,000 items are all open.
func balancesGrowth(_ size: BenchSize) async throws -> [BenchFigure] {
    let sizes = size.smoke ? [100, 1_000] : [100, 1_000, 10_000]
    let rounds = size.count(500, smoke: 30)
    let branch = Branch(id: "B1", name: "Main St", timeZone: "America/Chicago")
    let start = LocalDate("2017-01-01")!
    func account(_ number: String, items count: Int, open: Int) -> Account {
        let kinds: [ItemKind] = [.invoice, .invoice, .invoice, .financeCharge, .payment, .creditMemo]
        let items = (0..<count).map { i in
            let date = start.adding(days: i * 3_500 / max(count, 1))
            let kind = kinds[i % kinds.count]
            return Item(id: "I\(i)", kind: kind, number: String(100_000 + i), date: date, dueDate: kind.isCharge ? date.adding(days: 30) : nil,
                        amount: 10_000 + i, openAmount: i >= count - open ? 10_000 + i : 0, billed: i % 7 != 0)
        }
        let sales = (0..<(count / 10)).map { i in
            Sale(date: start.adding(days: i * 3_500 / max(count / 10, 1)), kind: .sale, amount: 1_000 + i, charge: i % 2 == 0)
        }
        let payments = (0..<(count / 20)).map { i in
            ProcessedPayment(id: "P\(i)", date: start.adding(days: i * 3_500 / max(count / 20, 1)), amount: 5_000, method: "check")
        }
        return Account(number: number, name: "Customer \(number)", branch: "B1", creditLimit: 5_000_000, items: items, sales: sales,
                       payments: payments)
    }
    let openAccount = size.smoke ? 1_000 : 10_000
    let document = SyncDocument(asOf: Instant("2026-11-20T12:00:00Z")!, currency: "USD", branches: [branch],
                                accounts: sizes.map { account("H\($0)", items: $0, open: 50) } + [account("OPEN", items: openAccount, open: openAccount)])
    let dir = scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let store = try KioskStore(directory: dir)
    _ = try await store.apply(document, audit: nil)
    let pool = try DatabasePool(path: store.path)
    var figures: [BenchFigure] = []
    for count in sizes {
        let number = "H\(count)"
        let reads = try await latenciesMS(rounds) {
            guard let stored = try await store.account(number: number, slice: .openFigures) else { fatalError("missing \(number)") }
            _ = Figures.balances(stored.account, scope: try Figures.scope(for: stored.account, job: nil))
        }
        let aggregate = try await latenciesMS(rounds) {
            _ = try await pool.read { db in
                try Row.fetchOne(db, sql: """
                    SELECT SUM(CASE WHEN kind IN ('payment','credit_memo','credit_adjustment') THEN open_amount END),
                           SUM(CASE WHEN kind NOT IN ('payment','credit_memo','credit_adjustment') AND billed THEN open_amount END),
                           SUM(CASE WHEN kind NOT IN ('payment','credit_memo','credit_adjustment') AND NOT billed THEN open_amount END)
                    FROM item WHERE account = ?
                    """, arguments: [number])
            }
        }
        let label = "account.balances, \(count.formatted()) items (50 open)"
        figures.append(BenchFigure("\(label) p50, store", percentile(reads, 50), "ms",
                                   reference: "SQL aggregate over the same rows", referenceValue: percentile(aggregate, 50)))
        figures.append(BenchFigure("\(label) p99, store", percentile(reads, 99), "ms",
                                   reference: "SQL aggregate over the same rows p99", referenceValue: percentile(aggregate, 99),
                                   goal: count == 10_000 ? .below(5) : .none))
    }
    let today = LocalDate("2026-11-20")!
    let openReads = try await latenciesMS(size.count(50, smoke: 5)) {
        guard let stored = try await store.account(number: "OPEN", slice: .openFigures) else { fatalError("missing OPEN") }
        _ = Figures.openItems(stored.account, scope: .account, branch: stored.branch, today: today)
    }
    let rawOpen = try await latenciesMS(size.count(50, smoke: 5)) {
        _ = try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM item WHERE account = 'OPEN'") }
    }
    figures.append(BenchFigure("items.open-style read, \(openAccount.formatted()) open items, p50, store", percentile(openReads, 50), "ms",
                               reference: "raw item rows", referenceValue: percentile(rawOpen, 50)))
    return figures
}
