import Testing
import KioskCore

@Suite struct ActivityTests {
    func act(_ sales: [Sale] = [], payments: [ProcessedPayment] = [], today: String, scope: FigureScope = .account,
             jobs: [Int]? = nil) -> Activity {
        let a = jobs.map { Fx.jobAccount(jobs: $0, sales: sales, payments: payments) }
            ?? Fx.account(sales: sales, payments: payments)
        return Figures.activity(a, scope: scope, today: Fx.d(today))
    }

    @Test func periodsOnAnOrdinaryDay() {
        let a = act([
            Fx.sale("2026-05-01", amount: 1),       // this month, first day
            Fx.sale("2026-05-19", amount: 2),       // yesterday
            Fx.sale("2026-05-20", amount: 4),       // today: counted (seed 004, issue 11)
            Fx.sale("2026-05-25", amount: 8),       // after today: never counted
            Fx.sale("2026-04-30", amount: 16),      // prior month
            Fx.sale("2026-04-01", amount: 32),      // prior month
            Fx.sale("2026-01-01", amount: 64),      // earlier this year
            Fx.sale("2025-12-31", amount: 128),     // prior year
            Fx.sale("2025-01-01", amount: 256),     // prior year
            Fx.sale("2024-12-31", amount: 512),     // two years back
        ], today: "2026-05-20")
        #expect(a.mtdSales == 1 + 2 + 4)
        #expect(a.ytdSales == 1 + 2 + 4 + 16 + 32 + 64)
        #expect(a.priorMonthSales == 48)
        #expect(a.priorYearSales == 384)
    }

    @Test func firstOfJanuary() {
        let a = act([
            Fx.sale("2027-01-01", amount: 1),       // today
            Fx.sale("2026-12-31", amount: 2),
            Fx.sale("2026-12-01", amount: 4),
            Fx.sale("2026-11-30", amount: 8),
            Fx.sale("2026-01-01", amount: 16),
            Fx.sale("2025-12-31", amount: 32),
        ], today: "2027-01-01")
        // Today's sale is the year's first: YTD is zero only until it is made.
        #expect(a.ytdSales == 1)
        #expect(a.mtdSales == 1)
        #expect(a.priorMonthSales == 6)             // December of last year
        #expect(a.priorYearSales == 30)
    }

    @Test func firstOfAMonth() {
        let a = act([
            Fx.sale("2026-07-01", amount: 1),       // today
            Fx.sale("2026-06-30", amount: 2),
            Fx.sale("2026-06-01", amount: 4),
            Fx.sale("2026-05-31", amount: 8),
        ], today: "2026-07-01")
        #expect(a.mtdSales == 1)
        #expect(a.ytdSales == 15)
        #expect(a.priorMonthSales == 6)
    }

    @Test func firstOfMarchInALeapYear() {
        let a = act([
            Fx.sale("2028-03-01", amount: 1),       // today
            Fx.sale("2028-02-29", amount: 2),
            Fx.sale("2028-02-01", amount: 4),
            Fx.sale("2028-01-31", amount: 8),
            Fx.sale("2027-02-28", amount: 16),
        ], today: "2028-03-01")
        #expect(a.mtdSales == 1)
        #expect(a.priorMonthSales == 6)
        #expect(a.ytdSales == 15)
        #expect(a.priorYearSales == 16)
    }

    @Test func negativeAdjustmentsLowerTheFigures() {
        let a = act([
            Fx.sale("2026-05-02", amount: 1_000),
            Fx.sale("2026-05-03", .adjustment, amount: -300, charge: true),
            Fx.sale("2026-04-03", .adjustment, amount: 50, charge: false),
        ], today: "2026-05-20")
        #expect(a.mtdSales == 700)
        #expect(a.ytdSales == 750)
        #expect(a.priorMonthSales == 50)
    }

    @Test func giftCardsAndTaxAreExcluded() {
        let a = act([
            Fx.sale("2026-05-02", amount: 1_000, tax: 80),
            Fx.sale("2026-05-03", amount: 500, tax: 40, giftCard: true),
            Fx.sale("2026-04-03", .adjustment, amount: 20, giftCard: true),
            Fx.sale("2025-04-03", amount: 9, tax: 1),
        ], today: "2026-05-20")
        #expect(a.mtdSales == 1_000)
        #expect(a.ytdSales == 1_000)
        #expect(a.priorMonthSales == 0)
        #expect(a.priorYearSales == 9)
    }

    @Test func lastChargeAndSaleDates() {
        let a = act([
            Fx.sale("2026-05-01", amount: 10, charge: true),
            Fx.sale("2026-05-09", amount: 10, charge: false),       // counter sale: a sale, not a charge
            Fx.sale("2026-05-12", .adjustment, amount: 5, charge: true), // adjustments never count
            Fx.sale("2026-04-01", amount: 10, charge: true),
            Fx.sale("2026-05-03", amount: 10, charge: true, giftCard: true),
        ], today: "2026-05-20")
        #expect(a.lastChargeDate == Fx.d("2026-05-03"))
        #expect(a.lastSaleDate == Fx.d("2026-05-09"))
    }

    @Test func noSalesNoDates() {
        let a = act([Fx.sale("2026-05-12", .adjustment, amount: 5, charge: true)], today: "2026-05-20")
        #expect(a.lastChargeDate == nil)
        #expect(a.lastSaleDate == nil)
        #expect(a.lastPaymentDate == nil)
        #expect(a.lastPaymentAmount == nil)
    }

    @Test func lastPaymentIsLatestAndTiesGoToTheLastListed() {
        let a = act(payments: [
            Fx.payment("p1", date: "2026-05-10", amount: 100),
            Fx.payment("p2", date: "2026-05-12", amount: 200),
            Fx.payment("p3", date: "2026-05-12", amount: 300),
            Fx.payment("p4", date: "2026-05-11", amount: 400),
        ], today: "2026-05-20")
        #expect(a.lastPaymentDate == Fx.d("2026-05-12"))
        #expect(a.lastPaymentAmount == 300)
    }

    @Test func jobViewCountsThatJobAndConsolidatedCountsAll() {
        let sales = [
            Fx.sale("2026-05-02", job: 0, amount: 1, charge: true),
            Fx.sale("2026-05-04", job: 1, amount: 2, charge: false),
            Fx.sale("2026-05-06", job: 2, amount: 4, charge: true),
        ]
        let payments = [
            Fx.payment("a", job: 1, date: "2026-05-09", amount: 70),
            Fx.payment("b", job: 0, date: "2026-05-08", amount: 80),
        ]
        let job0 = act(sales, payments: payments, today: "2026-05-20", scope: .job(0), jobs: [0, 1, 2])
        #expect(job0.mtdSales == 1)
        #expect(job0.lastSaleDate == Fx.d("2026-05-02"))
        #expect(job0.lastPaymentAmount == 80)
        let job1 = act(sales, payments: payments, today: "2026-05-20", scope: .job(1), jobs: [0, 1, 2])
        #expect(job1.lastChargeDate == nil)
        #expect(job1.lastPaymentDate == Fx.d("2026-05-09"))
        let all = act(sales, payments: payments, today: "2026-05-20", scope: .consolidated, jobs: [0, 1, 2])
        #expect(all.mtdSales == 7)
        #expect(all.lastChargeDate == Fx.d("2026-05-06"))
        #expect(all.lastPaymentAmount == 70)
    }
}
