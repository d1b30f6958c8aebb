import Testing
import KioskCore

/// DOMAIN.md "Paying" as a rule matrix over the pure quote.
@Suite struct PaymentRulesTests {
    let today = Fx.d("2026-03-15")
    let plain = Fx.branch(financeFirst: false)
    let financeFirst = Fx.branch(financeFirst: true)

    func quote(_ a: Account, scope: FigureScope = .account, branch: Branch? = nil, _ r: PaymentRequest,
               commitments: [PaymentCommitment] = []) -> PaymentQuote {
        Figures.quote(a, scope: scope, branch: branch ?? plain, today: today, request: r, commitments: commitments, currency: "USD")
    }

    var openItem: Account {
        Fx.account(items: [
            Fx.invoice("i1", open: 10_000), Fx.invoice("i2", open: 5_000), Fx.invoice("i3", open: 3_000),
            Fx.memo("m3", open: 1_000, linked: "i3"), Fx.memo("m2", open: 5_000, linked: "i2"),
            Fx.item("fc", .financeCharge, open: 250),
        ])
    }

    @Test func invoicesAtTheirAmountDueLessLinkedMemos() {
        let q = quote(openItem, PaymentRequest(invoices: ["i1", "i3"]))
        #expect(q.problems.isEmpty)
        #expect(q.lines == [QuoteLine(id: "i1", amount: 10_000), QuoteLine(id: "i3", amount: 2_000)])
        #expect(q.total == 12_000)
    }

    @Test func anInvoiceCoveredByItsMemoIsNotOffered() {
        let q = quote(openItem, PaymentRequest(invoices: ["i2"]))
        #expect(q.problems.map(\.kind) == [.notFound])
        #expect(q.total == 0)
    }

    @Test func financeChargesAreOneLineWhenChosen() {
        let q = quote(openItem, PaymentRequest(invoices: ["i1"], includeFinanceCharges: true))
        #expect(q.lines.last == QuoteLine(id: QuoteLine.financeChargesID, amount: 250, locked: false))
        #expect(q.total == 10_250)
        #expect(!quote(openItem, PaymentRequest(invoices: ["i1"])).lines.contains { $0.id == QuoteLine.financeChargesID })
    }

    @Test func financeChargesFirstForcesTheLineInAndLocksIt() {
        let q = quote(openItem, branch: financeFirst, PaymentRequest(invoices: ["i1"], includeFinanceCharges: false))
        #expect(q.lines.last == QuoteLine(id: QuoteLine.financeChargesID, amount: 250, locked: true))
        #expect(q.total == 10_250)
        // Finance charges alone are a valid payment then.
        #expect(quote(openItem, branch: financeFirst, PaymentRequest()).total == 250)
    }

    @Test func pendingPaymentsAreNotOfferedAgainAndNothingGoesBelowZero() {
        let pending = PaymentCommitment(paymentID: "T7K2QX", job: nil, state: .pending, amount: 6_000, lines: ["i1": 6_000])
        let q = quote(openItem, PaymentRequest(invoices: ["i1"]), commitments: [pending])
        #expect(q.lines == [QuoteLine(id: "i1", amount: 4_000)])
        let full = PaymentCommitment(paymentID: "T7K2QX", job: nil, state: .scheduled, amount: 10_000, lines: ["i1": 10_000])
        let refused = quote(openItem, PaymentRequest(invoices: ["i1"]), commitments: [full])
        #expect(refused.problems.first?.kind == .conflict)
        #expect(refused.problems.first?.message.contains("T7K2QX") == true)
        let fcCovered = PaymentCommitment(paymentID: "P", job: nil, state: .pending, amount: 250, lines: [QuoteLine.financeChargesID: 250])
        #expect(!quote(openItem, branch: financeFirst, PaymentRequest(invoices: ["i1"]), commitments: [fcCovered]).lines
            .contains { $0.id == QuoteLine.financeChargesID })
    }

    @Test func unknownDuplicateOrNoInvoicesAreRefused() {
        #expect(quote(openItem, PaymentRequest(invoices: ["nope"])).problems.map(\.kind) == [.notFound])
        #expect(quote(openItem, PaymentRequest(invoices: ["i1", "i1"])).problems.map(\.kind) == [.invalidParams])
        #expect(quote(openItem, PaymentRequest()).problems.map(\.kind) == [.invalidAmount])
        #expect(quote(openItem, PaymentRequest(invoices: ["i1"], amount: 5)).problems.map(\.kind) == [.invalidParams])
    }

    @Test func aJobScopeOffersThatJobsInvoicesOnly() {
        let a = Fx.jobAccount(jobs: [1, 2], items: [Fx.invoice("a", job: 1, open: 100), Fx.invoice("b", job: 2, open: 200)])
        #expect(quote(a, scope: .job(1), PaymentRequest(job: 1, invoices: ["a"])).total == 100)
        #expect(quote(a, scope: .job(1), PaymentRequest(job: 1, invoices: ["b"])).problems.map(\.kind) == [.notFound])
        #expect(quote(a, scope: .consolidated, PaymentRequest(invoices: ["a", "b"])).total == 300)
    }

    var balanceForward: Account {
        var a = Fx.account(items: [Fx.invoice("i1", open: 10_000), Fx.invoice("new", open: 2_000, billed: false),
                                   Fx.item("c", .creditAdjustment, open: 1_500)])
        a.receivablesType = .balanceForward
        return a
    }

    @Test func balanceForwardPaysAnAmountAboveZeroAndAtMostTotal() {
        // Total = amount due (10,000 − 1,500) + new charges 2,000 = 10,500.
        #expect(quote(balanceForward, PaymentRequest(amount: 10_500)).lines == [QuoteLine(id: QuoteLine.balanceID, amount: 10_500)])
        #expect(quote(balanceForward, PaymentRequest(amount: 1)).total == 1)
        let over = quote(balanceForward, PaymentRequest(amount: 10_501))
        #expect(over.problems.map(\.kind) == [.invalidAmount])
        #expect(over.problems.first?.message == "the most you can pay now is 105.00 USD")
        #expect(quote(balanceForward, PaymentRequest(amount: 0)).problems.map(\.kind) == [.invalidAmount])
        #expect(quote(balanceForward, PaymentRequest(amount: -5)).problems.map(\.kind) == [.invalidAmount])
        #expect(quote(balanceForward, PaymentRequest()).problems.map(\.kind) == [.invalidAmount])
        #expect(quote(balanceForward, PaymentRequest(invoices: ["i1"], amount: 5)).problems.map(\.kind) == [.invalidParams])
    }

    @Test func balanceForwardLimitLessPendingAndScheduled() {
        let c = [PaymentCommitment(paymentID: "A", job: nil, state: .scheduled, amount: 10_000, lines: ["balance": 10_000])]
        #expect(quote(balanceForward, PaymentRequest(amount: 500), commitments: c).total == 500)
        #expect(quote(balanceForward, PaymentRequest(amount: 501), commitments: c).problems.map(\.kind) == [.invalidAmount])
        let all = [PaymentCommitment(paymentID: "A", job: nil, state: .pending, amount: 10_500, lines: ["balance": 10_500])]
        // A pending payment is also "one pending at a time" (listed first); the overage rule still speaks.
        #expect(quote(balanceForward, PaymentRequest(amount: 1), commitments: all).problems.contains { $0.message.contains("already covered") })
    }

    @Test func aBranchThatTakesNoOnlinePaymentsRefuses() {
        var branch = plain
        branch.acceptOnlinePayments = false
        let q = quote(openItem, branch: branch, PaymentRequest(invoices: ["i1"]))
        #expect(q.problems.first?.kind == .paymentsDisabled)
        #expect(!q.canPay)
    }

    @Test func noticesAreDeduplicatedByPerson() {
        let ann = StoreUser(id: "U1", firstName: "Ann", lastName: "Lee", email: "ann@x.example", notify: [.queue, .email])
        let bob = StoreUser(id: "U2", firstName: "Bob", lastName: "Ray", email: "bob@x.example", notify: [.text])
        let quiet = StoreUser(id: "U3", firstName: "Q", lastName: "Q", notify: [])
        // Ann is assigned user, receivables manager and branch user: told once, with every reason.
        let once = PaymentNotices.recipients(assignedUser: ann, receivablesManager: ann, branchUser: ann, branchEmail: "ANN@x.example")
        #expect(once.count == 1)
        #expect(once.first?.roles == ["assigned_user", "receivables_manager", "branch_user", "branch_email"])
        #expect(once.first?.methods == ["queue", "email"])
        // Bob is texted only, so the branch address is a second person.
        let two = PaymentNotices.recipients(assignedUser: bob, receivablesManager: nil, branchUser: nil, branchEmail: "bob@x.example")
        #expect(two.map(\.key) == ["user:U2", "email:bob@x.example"])
        #expect(PaymentNotices.recipients(assignedUser: quiet, receivablesManager: nil, branchUser: nil, branchEmail: nil).isEmpty)
    }

    @Test func receiptsGoToContactsWhoseProfileReceivesThem() {
        let contacts = [
            Contact(id: "a", name: "A", email: "a@x.example", profile: "full"),
            Contact(id: "b", name: "B", email: "b@x.example", profile: "view"),
            Contact(id: "c", name: "C", email: nil, profile: "full"),
            Contact(id: "d", name: "D", email: "d@x.example", profile: "full", revoked: true),
            Contact(id: "e", name: "E", email: "A@x.example", profile: "full"),
        ]
        let permissions = ["full": ["pay", "receive_receipts"], "view": ["view_balances"]]
        #expect(PaymentNotices.receiptContacts(contacts, permissions: permissions).map(\.id) == ["a"])
    }

    @Test func defaultTermsWhenTheBranchHasNone() {
        #expect(PaymentTerms.text(for: plain) == PaymentTerms.defaultText)
        var b = plain
        b.terms = "Pay now."
        #expect(PaymentTerms.text(for: b) == "Pay now.")
        b.terms = "   "
        #expect(PaymentTerms.text(for: b) == PaymentTerms.defaultText)
    }

    // Issue 11: what covers an invoice, and a payment processed here until the back office carries it.
    @Test func processedHereStillCoversItsInvoicesButNotTwiceOnBalanceForward() {
        let processed = PaymentCommitment(paymentID: "K1", job: nil, state: .processed, amount: 10_000, lines: ["i1": 10_000])
        let q = quote(openItem, PaymentRequest(invoices: ["i1"]), commitments: [processed])
        #expect(q.problems.first?.message == "invoice i1 is already being paid by payment K1", "\(q.problems)")
        #expect(Figures.covers([processed])["i1"]?.map(\.paymentID) == ["K1"])
        #expect(Figures.covers([PaymentCommitment(paymentID: "R", job: nil, state: .rejected, amount: 1, lines: ["i1": 1])]).isEmpty)

        // Balance forward: while its unapplied credit is on the account, Total already counts it.
        let bf = PaymentCommitment(paymentID: "K2", job: nil, state: .processed, amount: 4_000, lines: ["balance": 4_000])
        var withCredit = balanceForward
        withCredit.items.append(Fx.item(PaymentCommitment.kioskCreditID("K2"), .payment, open: 4_000))
        let total = Figures.balances(withCredit, scope: .account).total
        #expect(quote(withCredit, PaymentRequest(amount: total), commitments: [bf]).total == total)
        // A sync that dropped the credit without carrying the payment: the payment still counts.
        #expect(quote(balanceForward, PaymentRequest(amount: 10_500), commitments: [bf]).problems.map(\.kind) == [.invalidAmount])
        #expect(quote(balanceForward, PaymentRequest(amount: 6_500), commitments: [bf]).total == 6_500)
    }

    @Test func scopesAndTheDayWindow() {
        #expect(PaymentScope.overlaps(nil, 3) && PaymentScope.overlaps(2, nil) && PaymentScope.overlaps(1, 1))
        #expect(!PaymentScope.overlaps(1, 2))
        let waiting = PaymentCommitment(paymentID: "W", job: 1, state: .waiting, amount: 1, lines: [:])
        let pending = PaymentCommitment(paymentID: "P", job: 1, state: .pending, amount: 1, lines: [:])
        #expect(PaymentScope.pendingBlocker(for: 1, among: [waiting, pending])?.paymentID == "P")
        #expect(PaymentScope.pendingBlocker(for: 2, among: [waiting, pending]) == nil)
        #expect(PaymentSchedule.problem(payOn: today, today: today) == nil)
        #expect(PaymentSchedule.problem(payOn: today.adding(days: 365), today: today) == nil)
        #expect(PaymentSchedule.problem(payOn: today.adding(days: 366), today: today)?.kind == .invalidParams)
        #expect(PaymentSchedule.problem(payOn: today.adding(days: -1), today: today)?.kind == .invalidParams)
    }
}

@Suite struct OnePendingPaymentTests {
    @Test func aPendingPaymentBlocksItsJobAndConsolidatedOnesBlockEveryJob() {
        let a = Fx.jobAccount(jobs: [1, 2], items: [Fx.invoice("a", job: 1, open: 100), Fx.invoice("b", job: 2, open: 200)])
        let branch = Fx.branch(financeFirst: false)
        func quote(_ r: PaymentRequest, _ c: [PaymentCommitment]) -> PaymentQuote {
            let scope: FigureScope = r.job.map { .job($0) } ?? .consolidated
            return Figures.quote(a, scope: scope, branch: branch, today: Fx.d("2026-03-15"), request: r, commitments: c, currency: "USD")
        }
        let onJob1 = PaymentCommitment(paymentID: "P1PEND", job: 1, state: .pending, amount: 100, lines: ["a": 100])
        let refused = quote(PaymentRequest(job: 1, invoices: ["a"]), [onJob1])
        #expect(refused.problems.first?.kind == .conflict)
        #expect(refused.problems.first?.message == "Payment P1PEND for 1.00 USD is still pending on this account; the store must process it before another payment can go ahead.")
        #expect(quote(PaymentRequest(job: 2, invoices: ["b"]), [onJob1]).problems.isEmpty, "another job may pay")
        #expect(quote(PaymentRequest(invoices: ["b"]), [onJob1]).problems.first?.kind == .conflict, "a consolidated payment waits")
        let consolidated = PaymentCommitment(paymentID: "P2PEND", job: nil, state: .pending, amount: 200, lines: ["b": 200])
        #expect(quote(PaymentRequest(job: 1, invoices: ["a"]), [consolidated]).problems.first?.kind == .conflict)
        let scheduled = PaymentCommitment(paymentID: "P3SCHD", job: 1, state: .scheduled, amount: 50, lines: ["a": 50])
        #expect(quote(PaymentRequest(job: 1, invoices: ["a"]), [scheduled]).lines == [QuoteLine(id: "a", amount: 50)], "scheduled ones only count")
        // A payment for a later day is not refused by a pending one (it waits on its day if need be).
        let later = PaymentRequest(job: 1, invoices: ["a"], payOn: Fx.d("2026-03-16"))
        #expect(quote(later, [PaymentCommitment(paymentID: "P1PEND", job: 1, state: .pending, amount: 50, lines: ["a": 50])]).problems.isEmpty)
        var today = later
        today.payOn = Fx.d("2026-03-15")
        #expect(quote(today, [onJob1]).problems.first?.kind == .conflict, "dated today is now")
    }
}
