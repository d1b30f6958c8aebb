import Foundation
import GRDB
import KioskCore
import KioskFixtures
import Testing
@testable import KioskStore

/// `items.open` pages in SQL (migration 019's pay-order key and index). A page read from the
/// store must be exactly the same slice of `Figures.openItems`' list, with the same count and
/// totals, for every scope, page and page size.
@Suite("Store: open invoices paged in SQL = Figures.openItems")
struct OpenItemsPageTests {
    static let branch = Branch(id: "B1", name: "Main", timeZone: "America/Chicago", acceptOnlinePayments: true, payFinanceChargesFirst: true)

    @Test("100 random accounts × every scope × limit 1...7 × every page (and one past the end): page, count and totals agree")
    func pagesAgree() async throws {
        var random = SplitMix64(seed: 19)
        let accounts = (0..<100).map { Self.randomAccount($0, random: &random) }
        let store = try KioskStore(directory: try scratchDirectory())
        _ = try await store.apply(Self.document(accounts), audit: testAudit)
        let compared = try await Self.compare(store, accounts, today: LocalDate("2026-03-01")!)
        #expect(compared > 2_000)
    }

    @Test("a database at 018 with items: migration 019 keys the stored rows and pages agree")
    func migrationKeysStoredRows() async throws {
        var random = SplitMix64(seed: 1019)
        let accounts = (0..<30).map { Self.randomAccount($0, random: &random) }
        let built = try scratchDirectory(), old = try scratchDirectory()
        do {
            let store = try KioskStore(directory: built)
            _ = try await store.apply(Self.document(accounts), audit: testAudit)
            try await store.pool.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [old + "/kiosk.sqlite"]) }
        }
        // Back to 018's schema: no key column, no indexes, 019 (and the later 020) not recorded.
        do {
            let queue = try DatabaseQueue(path: old + "/kiosk.sqlite")
            try await queue.writeWithoutTransaction { db in
                try db.execute(sql: """
                    DROP INDEX item_open_invoice;
                    DROP INDEX item_open_finance_charge;
                    ALTER TABLE item DROP COLUMN pay_order;
                    DELETE FROM grdb_migrations WHERE identifier = '019_pay_order';
                    DROP TABLE receipt;
                    DELETE FROM grdb_migrations WHERE identifier = '020_receipts';
                    """)
                #expect(try Bool.fetchOne(db, sql: "SELECT COUNT(*) > 100 FROM item") == true)
            }
            try queue.close()
        }
        let store = try KioskStore(directory: old)
        let unkeyed = try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM item WHERE pay_order IS NULL") }
        #expect(unkeyed == 0)
        // The page is read in index order, and the totals from the indexes alone (no table rows).
        let plans: [(sql: String, arguments: StatementArguments, wants: String)] = [
            ("""
             SELECT id, number FROM item WHERE account = ? AND kind = 'invoice' AND open_amount > 0 AND job = ?
             AND id NOT IN (SELECT value FROM json_each(?)) ORDER BY pay_order LIMIT 25 OFFSET 50
             """, ["5001", 1, "[]"], "USING INDEX item_open_invoice"),
            ("SELECT COUNT(*), COALESCE(SUM(open_amount), 0) FROM item WHERE account = ? AND kind = 'invoice' AND open_amount > 0",
             ["5001"], "USING COVERING INDEX item_open_invoice"),
            ("SELECT COALESCE(SUM(open_amount), 0) FROM item WHERE account = ? AND kind = 'finance_charge' AND open_amount > 0 AND job = ?",
             ["5001", 1], "USING COVERING INDEX item_open_finance_charge"),
        ]
        for (sql, arguments, wants) in plans {
            let plan = try await store.pool.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
            }
            #expect(plan.contains { $0.contains(wants) }, "\(sql) → \(plan)")
            #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(sql) → \(plan)")
        }
        let compared = try await Self.compare(store, accounts, today: LocalDate("2026-03-01")!)
        #expect(compared > 500)
    }

    @Test("an open invoice stored without its key is refused with a sentence, not listed out of order")
    func missingKeyIsLoud() async throws {
        let store = try KioskStore(directory: try scratchDirectory())
        let account = Account(number: "7001", name: "Keyless", branch: "B1", items: [
            Item(id: "A", kind: .invoice, number: "1", date: LocalDate("2026-01-01")!, amount: 100, openAmount: 100, billed: true),
            Item(id: "B", kind: .invoice, number: "2", date: LocalDate("2026-01-02")!, amount: 100, openAmount: 100, billed: true),
        ])
        _ = try await store.apply(Self.document([account]), audit: testAudit)
        let ordered = try await store.openInvoicePage(account: "7001", scope: .account, branch: Self.branch, today: LocalDate("2026-03-01")!,
                                                      offset: 0, limit: 25)
        #expect(ordered.invoices.map(\.id) == ["A", "B"])
        try await store.pool.write { db in try db.execute(sql: "UPDATE item SET pay_order = NULL WHERE id = 'B'") }
        do {
            _ = try await store.openInvoicePage(account: "7001", scope: .account, branch: Self.branch, today: LocalDate("2026-03-01")!,
                                                offset: 0, limit: 25)
            Issue.record("a keyless open invoice was listed")
        } catch {
            #expect(error.description.contains("without a pay-order key"), "\(error)")
        }
    }

    static func document(_ accounts: [Account]) -> SyncDocument {
        SyncDocument(asOf: Instant("2026-02-20T12:00:00Z")!, currency: "USD", branches: [branch],
                     profiles: [Profile(id: "full", name: "Full", permissions: Permission.allCases)], accounts: accounts)
    }

    /// Every scope of every account, every page at limits 1...7 plus one page past the end.
    static func compare(_ store: KioskStore, _ accounts: [Account], today: LocalDate) async throws -> Int {
        var compared = 0
        for account in accounts {
            let scopes: [Int?] = account.billingType == .job ? [nil] + account.jobs.map(\.number) : [nil]
            for job in scopes {
                let scope = try Figures.scope(for: account, job: job)
                let figure = Figures.openItems(account, scope: scope, branch: branch, today: today)
                for limit in 1...7 {
                    let pages = max(1, (figure.invoices.count + limit - 1) / limit) + 1
                    for page in 0..<pages {
                        let got = try await store.openInvoicePage(account: account.number, scope: scope, branch: branch, today: today,
                                                                  offset: page * limit, limit: limit)
                        let start = min(figure.invoices.count, page * limit), end = min(figure.invoices.count, start + limit)
                        let want = OpenInvoicePage(
                            invoices: Array(figure.invoices[start..<end]), count: figure.invoices.count,
                            openTotal: figure.invoices.reduce(0) { $0 + $1.openAmount },
                            amountDueTotal: figure.invoices.reduce(0) { $0 + $1.amountDue },
                            financeCharges: figure.financeCharges, financeChargesRequired: figure.financeChargesRequired)
                        #expect(got == want, "account \(account.number) job \(String(describing: job)) limit \(limit) page \(page)")
                        if got != want { return compared }
                        compared += 1
                    }
                }
            }
        }
        return compared
    }

    /// An account whose open invoices tie on everything the pay order compares: few dates,
    /// due dates often missing, numbers numeric, zero-padded, alphabetic and repeated; jobs;
    /// credit memos covering invoices partly, fully and more than fully (on other jobs too);
    /// finance charges; closed items in between.
    static func randomAccount(_ n: Int, random: inout SplitMix64) -> Account {
        func pick(_ range: Range<Int>) -> Int { range.lowerBound + Int(random.next() % UInt64(range.count)) }
        let jobBilled = n % 3 != 0
        let jobs = jobBilled ? (0..<pick(1..<4)).map { Job(number: $0, name: "Job \($0)") } : []
        func job() -> Int? { jobBilled ? jobs[pick(0..<jobs.count)].number : nil }
        let numbers = ["9", "10", "010", "0010", "00", "0", "100", "99", "A1", "A10", "A9", "a", "A", "INV-7", "INV-07", "é1", "1A"]
        let start = LocalDate("2026-01-10")!
        func day() -> LocalDate { start.adding(days: pick(0..<3) * 20) }
        var items: [Item] = []
        for i in 0..<pick(0..<28) {
            let kind: ItemKind = [.invoice, .invoice, .invoice, .invoice, .financeCharge, .creditMemo, .payment, .debitAdjustment][pick(0..<8)]
            let amount = pick(1..<50_000)
            let open = pick(0..<5) == 0 ? 0 : pick(0..<(amount + 1))
            let date = day()
            items.append(Item(id: ["I\(n)-\(i)", "X\(i)", "I\(n)-\(i)0"][pick(0..<3)], kind: kind, number: numbers[pick(0..<numbers.count)],
                              job: job(), date: date, dueDate: pick(0..<3) > 0 ? date.adding(days: pick(0..<2) * 30) : nil,
                              poNumber: pick(0..<2) == 0 ? "PO\(i)" : nil, amount: amount, openAmount: open, billed: true))
        }
        // Ids are unique per account.
        var seen = Set<String>()
        items = items.filter { seen.insert($0.id).inserted }
        let invoices = items.filter { $0.kind == .invoice }
        for i in items.indices where items[i].kind == .creditMemo && !invoices.isEmpty && pick(0..<4) > 0 {
            let target = invoices[pick(0..<invoices.count)]
            items[i].linkedInvoice = target.id
            // Exactly, more than, or part of what is open on it.
            switch pick(0..<3) {
            case 0: items[i].amount = max(1, target.openAmount); items[i].openAmount = target.openAmount
            case 1: items[i].amount = target.openAmount + 10; items[i].openAmount = target.openAmount + 10
            default: items[i].openAmount = min(items[i].amount, target.openAmount / 2)
            }
        }
        return Account(number: String(5_000 + n), name: "Customer \(n)", branch: "B1", creditLimit: 100_000,
                       pendingTransactions: 0, receivablesType: .openItem, billingType: jobBilled ? .job : .account, jobs: jobs,
                       items: items)
    }
}
