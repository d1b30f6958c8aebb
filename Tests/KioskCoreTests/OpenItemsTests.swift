import Testing
import KioskCore

@Suite struct OpenItemsTests {
    let today = Fx.d("2026-03-15")
    let plain = Fx.branch(financeFirst: false)

    func ids(_ o: OpenItems) -> [String] { o.invoices.map(\.id) }

    @Test func lineCarriesTheInvoiceFacts() {
        let a = Fx.account(items: [
            Fx.item("i", .invoice, number: "INV-7", date: "2026-01-02", due: "2026-02-01", po: "PO-1",
                    amount: 900, open: 600),
        ])
        let o = Figures.openItems(a, scope: .account, branch: plain, today: today)
        #expect(o.invoices == [OpenInvoice(id: "i", number: "INV-7", job: nil, date: Fx.d("2026-01-02"),
                                           dueDate: Fx.d("2026-02-01"), poNumber: "PO-1", amount: 900,
                                           openAmount: 600, amountDue: 600, pastDue: true)])
    }

    @Test func dueTodayIsNotPastDue() {
        let a = Fx.account(items: [
            Fx.invoice("today", due: "2026-03-15", open: 1),
            Fx.invoice("yesterday", due: "2026-03-14", open: 1),
            Fx.invoice("none", open: 1),
        ])
        let o = Figures.openItems(a, scope: .account, branch: plain, today: today)
        let pastDue = Dictionary(uniqueKeysWithValues: o.invoices.map { ($0.id, $0.pastDue) })
        #expect(pastDue == ["today": false, "yesterday": true, "none": false])
    }

    @Test func onlyOpenInvoicesAreListed() {
        let a = Fx.account(items: [
            Fx.invoice("open", open: 5),
            Fx.invoice("paid", open: 0),
            Fx.invoice("unbilled", open: 6, billed: false),
            Fx.item("debit", .debitAdjustment, open: 7),
            Fx.item("fc", .financeCharge, open: 8),
        ])
        #expect(Set(ids(Figures.openItems(a, scope: .account, branch: plain, today: today))) == ["open", "unbilled"])
    }

    @Test func memoCoveringEntirelyHidesTheInvoice() {
        let a = Fx.account(items: [
            Fx.invoice("i", open: 500),
            Fx.memo("m1", open: 300, linked: "i"),
            Fx.memo("m2", open: 200, linked: "i"),
        ])
        #expect(Figures.openItems(a, scope: .account, branch: plain, today: today).invoices.isEmpty)
    }

    @Test func memoCoveringMoreThanTheInvoiceHidesIt() {
        let a = Fx.account(items: [Fx.invoice("i", open: 500), Fx.memo("m", open: 800, linked: "i")])
        #expect(Figures.openItems(a, scope: .account, branch: plain, today: today).invoices.isEmpty)
    }

    @Test func memoCoveringPartly() {
        let a = Fx.account(items: [
            Fx.invoice("i", open: 500),
            Fx.invoice("j", open: 400),
            Fx.memo("m", open: 120, linked: "i"),
            Fx.memo("spent", open: 0, linked: "j"),
            Fx.memo("loose", open: 999, linked: nil),
        ])
        let o = Figures.openItems(a, scope: .account, branch: plain, today: today)
        #expect(o.invoices.map(\.amountDue) == [380, 400])
        #expect(o.invoices.map(\.openAmount) == [500, 400])
    }

    @Test func memoOnAnotherJobStillCoversItsInvoice() {
        let a = Fx.jobAccount(jobs: [0, 1, 2], items: [
            Fx.invoice("i", job: 1, open: 500),
            Fx.memo("m", job: 2, open: 150, linked: "i"),
        ])
        let o = Figures.openItems(a, scope: .job(1), branch: plain, today: today)
        #expect(o.invoices.map(\.amountDue) == [350])
        #expect(o.invoices.first?.job == 1)
        #expect(Figures.openItems(a, scope: .job(2), branch: plain, today: today).invoices.isEmpty)
    }

    @Test func orderIsDueDateThenDateThenNumberThenId() {
        let a = Fx.account(items: [
            Fx.invoice("nodue", number: "1", date: "2026-01-01", open: 1),
            Fx.invoice("late", number: "2", date: "2026-01-01", due: "2026-03-01", open: 1),
            Fx.invoice("early", number: "3", date: "2026-01-05", due: "2026-02-01", open: 1),
            Fx.invoice("n10", number: "10", date: "2026-01-03", due: "2026-03-01", open: 1),
            Fx.invoice("n9", number: "9", date: "2026-01-03", due: "2026-03-01", open: 1),
            Fx.invoice("idB", number: "A", date: "2026-01-03", due: "2026-03-01", open: 1),
            Fx.invoice("idA", number: "A", date: "2026-01-03", due: "2026-03-01", open: 1),
        ])
        let o = Figures.openItems(a, scope: .account, branch: plain, today: today)
        #expect(ids(o) == ["early", "late", "n9", "n10", "idA", "idB", "nodue"])
    }

    @Test func financeChargesAreOneLineOverTheScope() {
        let a = Fx.jobAccount(jobs: [0, 1], items: [
            Fx.item("f1", .financeCharge, job: 0, open: 30),
            Fx.item("f2", .financeCharge, job: 1, open: 40, billed: false),
            Fx.item("f3", .financeCharge, job: 1, open: 5),
        ])
        #expect(Figures.openItems(a, scope: .job(1), branch: plain, today: today).financeCharges == 45)
        #expect(Figures.openItems(a, scope: .consolidated, branch: plain, today: today).financeCharges == 75)
    }

    @Test func payFinanceChargesFirst() {
        let a = Fx.account(items: [Fx.item("f", .financeCharge, open: 30), Fx.invoice("i", open: 10)])
        let on = Figures.openItems(a, scope: .account, branch: Fx.branch(financeFirst: true), today: today)
        #expect(on.financeChargesRequired)
        let off = Figures.openItems(a, scope: .account, branch: plain, today: today)
        #expect(!off.financeChargesRequired)
        #expect(off.financeCharges == 30)
    }

    @Test func zeroFinanceChargesAreNeverRequired() {
        let a = Fx.account(items: [Fx.item("f", .financeCharge, open: 0), Fx.invoice("i", open: 10)])
        let o = Figures.openItems(a, scope: .account, branch: Fx.branch(financeFirst: true), today: today)
        #expect(o.financeCharges == 0)
        #expect(!o.financeChargesRequired)
    }
}
