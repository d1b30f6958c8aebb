import Testing
import KioskCore
import KioskFixtures

/// The fixtures' seeded generator (SplitMix64), so a failing case replays from its seed.
typealias SeededGenerator = SplitMix64

enum RandomAccounts {
    static func make(_ index: Int, using g: inout SeededGenerator) -> Account {
        let byJob = Bool.random(using: &g)
        let jobNumbers = byJob ? Array(Set((0..<Int.random(in: 1...4, using: &g)).map { _ in Int.random(in: 0...5, using: &g) })).sorted() : []
        func job() -> Int? { byJob ? jobNumbers.randomElement(using: &g) : nil }
        func date() -> LocalDate {
            LocalDate(year: Int.random(in: 2024...2026, using: &g), month: Int.random(in: 1...12, using: &g),
                      day: Int.random(in: 1...28, using: &g))!
        }
        var items = [Item]()
        for n in 0..<Int.random(in: 0...25, using: &g) {
            let kind = ItemKind.allCases.randomElement(using: &g)!
            let amount = Int.random(in: 0...100_000, using: &g)
            let open = Bool.random(using: &g) ? 0 : Int.random(in: 0...amount, using: &g)
            items.append(Item(id: "it\(n)", kind: kind, number: String(Int.random(in: 1...40, using: &g)), job: job(),
                              date: date(), dueDate: Bool.random(using: &g) ? date() : nil, amount: amount,
                              openAmount: open, billed: Bool.random(using: &g)))
        }
        let invoiceIds = items.filter { $0.kind == .invoice }.map(\.id)
        for i in items.indices where items[i].kind == .creditMemo && Bool.random(using: &g) {
            items[i].linkedInvoice = invoiceIds.randomElement(using: &g)
        }
        let sales = (0..<Int.random(in: 0...10, using: &g)).map { _ in
            Sale(date: date(), job: job(), kind: Bool.random(using: &g) ? .sale : .adjustment,
                 amount: Int.random(in: 0...5_000, using: &g), tax: Int.random(in: 0...400, using: &g),
                 charge: Bool.random(using: &g), giftCard: Int.random(in: 0...5, using: &g) == 0)
        }
        return Account(number: "R\(index)", name: "Random", branch: "main",
                       creditLimit: Int.random(in: 0...1_000_000, using: &g),
                       pendingTransactions: Int.random(in: 0...50_000, using: &g),
                       billingType: byJob ? .job : .account,
                       jobs: jobNumbers.map { Job(number: $0, name: "J\($0)") }, items: items, sales: sales)
    }
}

@Suite struct PropertyTests {
    static let seed: UInt64 = 0x6B69_6F73_6B70_6179
    static let count = 400

    @Test func balanceAndSummaryInvariantsHold() {
        var g = SeededGenerator(seed: Self.seed)
        let today = Fx.d("2026-06-15")
        let branch = Fx.branch(financeFirst: true)
        for index in 0..<Self.count {
            let a = RandomAccounts.make(index, using: &g)
            let whole: FigureScope = a.billingType == .job ? .consolidated : .account
            let top = Figures.balances(a, scope: whole)
            let scopes = [whole] + a.jobs.map { FigureScope.job($0.number) }
            for scope in scopes {
                let b = Figures.balances(a, scope: scope)
                #expect(b.amountDue == b.outstanding - b.credits, "account \(a.number) \(scope)")
                #expect(b.total == b.amountDue + b.newCharges, "account \(a.number) \(scope)")
                #expect(b.creditAvailable == top.creditAvailable, "account \(a.number) \(scope)")
                #expect(b.creditLimit == a.creditLimit)

                let open = a.items.filter { scope.includes(job: $0.job) && $0.kind == .invoice && $0.openAmount > 0 }
                let s = Figures.summary(a, scope: scope, today: today)
                #expect(s.totalBalance == open.map(\.openAmount).reduce(0, +), "account \(a.number) \(scope)")
                #expect(s.invoiceCount == open.count)
                #expect(s.totalPastDue <= s.totalBalance)

                let o = Figures.openItems(a, scope: scope, branch: branch, today: today)
                #expect(o.invoices.allSatisfy { $0.amountDue > 0 && $0.amountDue <= $0.openAmount })
                #expect(o.invoices.count <= s.invoiceCount)
                #expect(o.financeChargesRequired == (o.financeCharges > 0))
            }
            if a.billingType == .job {
                let parts = a.jobs.map { Figures.balances(a, scope: .job($0.number)) }
                #expect(top.outstanding == parts.map(\.outstanding).reduce(0, +), "account \(a.number)")
                #expect(top.credits == parts.map(\.credits).reduce(0, +), "account \(a.number)")
                #expect(top.newCharges == parts.map(\.newCharges).reduce(0, +), "account \(a.number)")
                let all = Figures.activity(a, scope: .consolidated, today: today)
                let perJob = a.jobs.map { Figures.activity(a, scope: .job($0.number), today: today) }
                #expect(all.ytdSales == perJob.map(\.ytdSales).reduce(0, +), "account \(a.number)")
                #expect(all.priorYearSales == perJob.map(\.priorYearSales).reduce(0, +), "account \(a.number)")
            }
        }
    }

    @Test func generatorIsDeterministic() {
        var g1 = SeededGenerator(seed: Self.seed), g2 = SeededGenerator(seed: Self.seed)
        #expect(RandomAccounts.make(0, using: &g1) == RandomAccounts.make(0, using: &g2))
    }
}
