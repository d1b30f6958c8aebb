import Foundation
import KioskCore
import KioskFixtures
import Testing
@testable import KioskStore

/// The hot reads load a slice of an account (AccountSlice: open items, recent sales, the
/// latest payment). Each figure computed from a slice must equal the same figure computed
/// from the whole account, on accounts with long closed histories, ties of dates, jobs, sales
/// years apart and "today" on the edges of months and years.
@Suite("Store: account slices agree with the full account")
struct AccountSliceTests {
    @Test("balances, summary, open items and activity: slice = full account, 120 random accounts × every scope × 6 days")
    func slicesAgree() async throws {
        var random = SplitMix64(seed: 16)
        let branch = Branch(id: "B1", name: "Main", timeZone: "America/Chicago", acceptOnlinePayments: true, payFinanceChargesFirst: true)
        let profile = Profile(id: "full", name: "Full", permissions: Permission.allCases)
        let accounts = (0..<120).map { n in Self.randomAccount(n, random: &random) }
        let document = SyncDocument(asOf: Instant("2026-11-20T12:00:00Z")!, currency: "USD", branches: [branch], profiles: [profile],
                                    accounts: accounts)
        let store = try KioskStore(directory: try scratchDirectory())
        _ = try await store.apply(document, audit: testAudit)

        // Noon UTC is the same calendar day in Chicago; 03:00 UTC on 1 January is still 31 December there.
        let instants = ["2026-01-01T03:00:00Z", "2026-01-01T18:00:00Z", "2026-03-01T12:00:00Z", "2026-06-15T12:00:00Z",
                        "2026-12-31T12:00:00Z", "2030-02-01T12:00:00Z"].map { ISO8601DateFormatter().date(from: $0)! }
        var compared = 0
        for expected in accounts {
            let full = try #require(try await store.account(number: expected.number))
            #expect(full.account == expected)
            let open = try #require(try await store.account(number: expected.number, slice: .openFigures))
            let scopes: [Int?] = expected.billingType == .job ? [nil] + expected.jobs.map(\.number) : [nil]
            for job in scopes {
                let scope = try Figures.scope(for: full.account, job: job)
                #expect(Figures.balances(open.account, scope: scope) == Figures.balances(full.account, scope: scope))
                for at in instants {
                    let today = branch.today(at: at)
                    #expect(Figures.summary(open.account, scope: scope, today: today) == Figures.summary(full.account, scope: scope, today: today))
                    #expect(Figures.openItems(open.account, scope: scope, branch: branch, today: today)
                        == Figures.openItems(full.account, scope: scope, branch: branch, today: today))
                    let recent = try #require(try await store.account(number: expected.number, slice: .activity(job: job, at: at)))
                    let want = Figures.activity(full.account, scope: scope, today: today)
                    #expect(Figures.activity(recent.account, scope: scope, today: today) == want,
                            "account \(expected.number) job \(String(describing: job)) today \(today)")
                    #expect(recent.account.sales.count <= full.account.sales.count)
                    compared += 1
                }
            }
            // Only open items are loaded: closed history stays on disk.
            #expect(open.account.items == full.account.items.filter { $0.openAmount != 0 }.map { item in
                var bare = item
                bare.lines = []
                return bare
            })
        }
        #expect(compared >= 120 * 6)
    }

    /// An account with a long history: most items closed, sales and payments over ten years,
    /// several on the same day.
    static func randomAccount(_ n: Int, random: inout SplitMix64) -> Account {
        func pick(_ range: Range<Int>) -> Int { range.lowerBound + Int(random.next() % UInt64(range.count)) }
        let jobBilled = n % 3 != 0
        let jobs = jobBilled ? (0..<pick(1..<4)).map { Job(number: $0, name: "Job \($0)") } : []
        func job() -> Int? { jobBilled ? jobs[pick(0..<jobs.count)].number : nil }
        let start = LocalDate("2016-01-01")!
        // Few distinct days, so ties are common.
        func day() -> LocalDate { start.adding(days: pick(0..<60) * 61 + pick(0..<3)) }
        let kinds: [ItemKind] = [.invoice, .invoice, .invoice, .financeCharge, .debitAdjustment, .payment, .creditMemo, .creditAdjustment]
        var items: [Item] = []
        for i in 0..<pick(0..<60) {
            let kind = kinds[pick(0..<kinds.count)]
            let amount = pick(1..<100_000)
            let open = pick(0..<3) == 0 ? pick(0..<(amount + 1)) : 0
            let date = day()
            items.append(Item(id: "I\(n)-\(i)", kind: kind, number: String(pick(100..<110)), job: job(), date: date,
                              dueDate: kind.isCharge && pick(0..<4) > 0 ? date.adding(days: pick(0..<60)) : nil,
                              poNumber: nil, amount: amount, openAmount: open, billed: pick(0..<4) > 0,
                              lines: kind == .invoice && pick(0..<3) == 0 ? [InvoiceLine(name: "Lumber", amount: amount)] : []))
        }
        let invoices = items.filter { $0.kind == .invoice }.map(\.id)
        for i in items.indices where items[i].kind == .creditMemo && !invoices.isEmpty && pick(0..<2) == 0 {
            items[i].linkedInvoice = invoices[pick(0..<invoices.count)]
        }
        let sales = (0..<pick(0..<40)).map { _ in
            let kind: Sale.Kind = pick(0..<5) == 0 ? .adjustment : .sale
            return Sale(date: day(), job: job(), kind: kind, amount: kind == .sale ? pick(0..<9_000) : pick(-5_000..<5_000),
                        tax: pick(0..<700), charge: pick(0..<2) == 0, giftCard: pick(0..<8) == 0)
        }
        let payments = (0..<pick(0..<12)).map { p in
            ProcessedPayment(id: "P\(n)-\(p)", job: job(), date: day(), amount: pick(1..<50_000), method: "check",
                             applied: items.isEmpty ? [] : [.init(item: items[pick(0..<items.count)].id, amount: 100)])
        }
        return Account(number: String(5_000 + n), name: "Customer \(n)", branch: "B1", creditLimit: pick(0..<1_000_000),
                       pendingTransactions: pick(0..<5_000), receivablesType: n % 4 == 0 ? .balanceForward : .openItem,
                       billingType: jobBilled ? .job : .account, jobs: jobs, items: items, sales: sales, payments: payments)
    }
}
