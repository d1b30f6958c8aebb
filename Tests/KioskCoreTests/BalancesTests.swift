import Testing
import KioskCore

@Suite struct BalancesTests {
    /// One of each kind, distinct amounts so a wrong bucket shows.
    static let mixed = Fx.account(limit: 100_000, items: [
        Fx.invoice("i1", open: 1_000),
        Fx.invoice("i2", open: 2_000, billed: false),
        Fx.item("f1", .financeCharge, open: 30),
        Fx.item("f2", .financeCharge, open: 7, billed: false),
        Fx.item("d1", .debitAdjustment, open: 400),
        Fx.item("p1", .payment, open: 500),
        Fx.item("m1", .creditMemo, open: 60),
        Fx.item("c1", .creditAdjustment, open: 8),
        Fx.invoice("closed", open: 0),
    ])

    @Test func linesOfAnAccountBilledByAccount() {
        let b = Figures.balances(Self.mixed, scope: .account)
        #expect(b.scope == .account)
        #expect(b.outstanding == 1_430)        // billed charges incl. finance charge and debit adjustment
        #expect(b.credits == 568)              // payment + memo + credit adjustment, positive
        #expect(b.amountDue == 862)
        #expect(b.newCharges == 2_007)         // unbilled invoice + unbilled finance charge
        #expect(b.total == 2_869)
        #expect(b.creditLimit == 100_000)
        #expect(b.creditAvailable == 100_000 + 568 - 1_430 - 2_007)
    }

    @Test func creditsCanExceedOutstanding() {
        let a = Fx.account(items: [Fx.invoice("i", open: 100), Fx.item("p", .payment, open: 250)])
        let b = Figures.balances(a, scope: .account)
        #expect(b.amountDue == -150)
        #expect(b.total == -150)
    }

    static let jobs = Fx.jobAccount(jobs: [0, 1, 2], limit: 50_000, pending: 1_200, items: [
        Fx.invoice("a", job: 0, open: 100),
        Fx.invoice("b", job: 1, open: 2_000),
        Fx.invoice("c", job: 1, open: 300, billed: false),
        Fx.item("p", .payment, job: 1, open: 50),
        Fx.invoice("d", job: 2, open: 4_000),
        Fx.item("m", .creditMemo, job: 2, open: 700),
        Fx.item("f", .financeCharge, job: 2, open: 9, billed: false),
    ])

    @Test func perJobLinesCoverThatJobOnly() {
        let one = Figures.balances(Self.jobs, scope: .job(1))
        #expect(one.scope == .job(1))
        #expect(one.outstanding == 2_000)
        #expect(one.credits == 50)
        #expect(one.amountDue == 1_950)
        #expect(one.newCharges == 300)
        #expect(one.total == 2_250)
        let two = Figures.balances(Self.jobs, scope: .job(2))
        #expect(two.outstanding == 4_000)
        #expect(two.credits == 700)
        #expect(two.newCharges == 9)
    }

    @Test func consolidatedIsTheSumOfJobs() {
        let all = Figures.balances(Self.jobs, scope: .consolidated)
        let parts = [0, 1, 2].map { Figures.balances(Self.jobs, scope: .job($0)) }
        #expect(all.scope == .consolidated)
        #expect(all.outstanding == 6_100)
        #expect(all.outstanding == parts.map(\.outstanding).reduce(0, +))
        #expect(all.credits == parts.map(\.credits).reduce(0, +))
        #expect(all.newCharges == parts.map(\.newCharges).reduce(0, +))
        #expect(all.total == parts.map(\.total).reduce(0, +))
    }

    @Test func creditFiguresBelongToTheWholeAccount() {
        let all = Figures.balances(Self.jobs, scope: .consolidated)
        let expected = 50_000 + 750 - 6_100 - 309 - 1_200
        #expect(all.creditAvailable == expected)
        for job in [0, 1, 2] {
            let b = Figures.balances(Self.jobs, scope: .job(job))
            #expect(b.creditAvailable == expected)
            #expect(b.creditLimit == 50_000)
        }
    }

    @Test func pendingTransactionsMakeAvailableDifferFromLimitMinusTotal() {
        let all = Figures.balances(Self.jobs, scope: .consolidated)
        #expect(all.creditAvailable == all.creditLimit - all.total - 1_200)
        #expect(all.creditAvailable != all.creditLimit - all.total)

        var none = Self.jobs
        none.pendingTransactions = 0
        let free = Figures.balances(none, scope: .consolidated)
        #expect(free.creditAvailable == free.creditLimit - free.total)
    }

    @Test func emptyAccount() {
        let b = Figures.balances(Fx.account(limit: 500, pending: 20), scope: .account)
        #expect(b == Balances(scope: .account, creditLimit: 500, creditAvailable: 480, outstanding: 0, credits: 0,
                              amountDue: 0, newCharges: 0, total: 0))
    }
}
