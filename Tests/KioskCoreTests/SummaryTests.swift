import Testing
import KioskCore

@Suite struct SummaryTests {
    let today = Fx.d("2026-03-15")

    @Test func totalsCountOnlyOpenInvoices() {
        let a = Fx.account(items: [
            Fx.invoice("i1", open: 1_000),
            Fx.invoice("i2", open: 250, billed: false),
            Fx.invoice("paid", open: 0),
            Fx.item("f", .financeCharge, open: 40),
            Fx.item("d", .debitAdjustment, open: 70),
            Fx.item("p", .payment, open: 300),
        ])
        let s = Figures.summary(a, scope: .account, today: today)
        #expect(s.totalBalance == 1_250)
        #expect(s.invoiceCount == 2)
    }

    @Test func dueTodayIsNotPastDueButDueYesterdayIs() {
        let a = Fx.account(items: [
            Fx.invoice("today", due: "2026-03-15", open: 100),
            Fx.invoice("yesterday", due: "2026-03-14", open: 20),
            Fx.invoice("nodue", open: 3),
        ])
        let s = Figures.summary(a, scope: .account, today: today)
        #expect(s.totalPastDue == 20)
        #expect(s.totalBalance == 123)
    }

    @Test func oldestIsEarliestDate() {
        let a = Fx.account(items: [
            Fx.invoice("1", date: "2026-02-01", open: 5),
            Fx.invoice("2", date: "2025-12-31", open: 5),
            Fx.invoice("3", date: "2025-11-01", open: 0),
        ])
        #expect(Figures.summary(a, scope: .account, today: today).oldestInvoice
                == OldestInvoice(number: "2", date: Fx.d("2025-12-31")))
    }

    @Test func oldestTieGoesToLowestNumber() {
        let a = Fx.account(items: [
            Fx.invoice("x", number: "10", date: "2026-01-05", open: 5),
            Fx.invoice("y", number: "A1", date: "2026-01-05", open: 5),
            Fx.invoice("z", number: "9", date: "2026-01-05", open: 5),
        ])
        #expect(Figures.summary(a, scope: .account, today: today).oldestInvoice?.number == "9")
        let reversed = Fx.account(items: a.items.reversed())
        #expect(Figures.summary(reversed, scope: .account, today: today).oldestInvoice?.number == "9")
    }

    @Test func nothingOpen() {
        let s = Figures.summary(Fx.account(items: [Fx.invoice("i", open: 0)]), scope: .account, today: today)
        #expect(s == BalanceSummary(totalBalance: 0, totalPastDue: 0, oldestInvoice: nil, invoiceCount: 0))
    }

    @Test func jobScopeAndConsolidated() {
        let a = Fx.jobAccount(jobs: [0, 1], items: [
            Fx.invoice("a", job: 0, date: "2026-01-01", due: "2026-02-01", open: 100),
            Fx.invoice("b", job: 1, date: "2026-02-01", due: "2026-04-01", open: 30),
        ])
        let one = Figures.summary(a, scope: .job(1), today: today)
        #expect(one == BalanceSummary(totalBalance: 30, totalPastDue: 0,
                                      oldestInvoice: OldestInvoice(number: "b", date: Fx.d("2026-02-01")), invoiceCount: 1))
        let all = Figures.summary(a, scope: .consolidated, today: today)
        #expect(all == BalanceSummary(totalBalance: 130, totalPastDue: 100,
                                      oldestInvoice: OldestInvoice(number: "a", date: Fx.d("2026-01-01")), invoiceCount: 2))
    }
}
