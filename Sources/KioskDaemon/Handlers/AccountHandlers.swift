import Foundation
import KioskCore
import KioskProtocol
import KioskStore

/// The account read methods: store query → domain figures → wire objects. The gate has
/// already decided which account the call is about (the session's, or the one staff named).
struct AccountHandlers: Sendable {
    let store: KioskStore
    let now: @Sendable () -> Date

    func register(in table: inout HandlerTable) {
        table.on(Methods.accountGet) { params, call in try await info(account: call.account, job: params.job) }
        table.on(Methods.accountBalances) { params, call in try await balances(account: call.account, job: params.job) }
        table.on(Methods.accountSummary) { params, call in try await summary(account: call.account, job: params.job) }
        table.on(Methods.accountActivity) { params, call in try await activity(account: call.account, job: params.job) }
        table.on(Methods.itemsOpen) { params, call in
            let window = try PageWindow(page: params.page, limit: params.limit)
            return try await openItems(account: call.account, job: params.job, window: window)
        }
    }

    /// The account with the rows `slice` names (only what the figure reads, so the read grows
    /// with open items, not history), its figure scope and "today" at its branch.
    private func load(_ account: String?, job: Int?, slice: (Date) -> AccountSlice) async throws -> (StoredAccount, FigureScope, LocalDate) {
        guard let number = account, !number.isEmpty else {
            throw RPCError.invalidParams("invalid params: params.account is required (the account number)", path: "params.account")
        }
        // One instant for the rows loaded and for "today", so both agree at midnight.
        let at = now()
        let stored: StoredAccount?
        do { stored = try await store.account(number: number, slice: slice(at)) } catch {
            throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be read right now (\(error.description))")
        }
        guard let stored else {
            throw RPCError.app(.notFound, "no account with that number is on this kiosk; check the number, or sync the account data")
        }
        let scope: FigureScope
        do { scope = try Figures.scope(for: stored.account, job: job) } catch {
            switch error {
            case .noSuchJob: throw RPCError.app(.notFound, error.description)
            case .noJobsOnAccount: throw RPCError.invalidParams("invalid params: \(error.description)", path: "params.job")
            }
        }
        return (stored, scope, stored.branch.today(at: at))
    }

    func info(account: String?, job: Int?) async throws -> AccountInfo {
        let (stored, _, today) = try await load(account, job: job) { _ in .header }
        let a = stored.account
        let representative = stored.representative.map { user in
            AccountInfo.Representative(firstName: user.firstName, lastName: user.lastName,
                                       email: user.email.flatMap { $0.isEmpty ? nil : $0 },
                                       cell: user.cell.flatMap { $0.isEmpty ? nil : $0 })
        }
        var info = AccountInfo(
            number: a.number, name: a.name, company: a.company, address: a.usedAddressLines, city: a.city, region: a.region,
            postalCode: a.postalCode, country: a.country, phone: a.phone, receivablesType: a.receivablesType.rawValue,
            billingType: a.billingType.rawValue, jobs: a.jobs.map { .init(number: $0.number, name: $0.name) },
            representative: representative,
            links: .init(erp: a.links.erp, accounting: a.links.accounting, gateway: a.links.gateway),
            branch: a.branch, currency: stored.currency)
        let notices = await SessionRegistry.rejectionNotices(store, account: a.number)
        if !notices.isEmpty { info.rejectedPayments = notices }
        info.today = today.description
        return info
    }

    func balances(account: String?, job: Int?) async throws -> BalancesResult {
        let (stored, scope, _) = try await load(account, job: job) { _ in .openFigures }
        let b = Figures.balances(stored.account, scope: scope)
        return BalancesResult(scope: scope.wireName, job: scope.job, creditLimit: b.creditLimit, creditAvailable: b.creditAvailable,
                              outstanding: b.outstanding, credits: b.credits, amountDue: b.amountDue, newCharges: b.newCharges,
                              total: b.total, currency: stored.currency)
    }

    func summary(account: String?, job: Int?) async throws -> SummaryResult {
        let (stored, scope, today) = try await load(account, job: job) { _ in .openFigures }
        let s = Figures.summary(stored.account, scope: scope, today: today)
        return SummaryResult(totalBalance: s.totalBalance, totalPastDue: s.totalPastDue,
                             oldestInvoice: s.oldestInvoice.map { .init(number: $0.number, date: $0.date.description) },
                             invoiceCount: s.invoiceCount, currency: stored.currency)
    }

    func activity(account: String?, job: Int?) async throws -> ActivityResult {
        let (stored, scope, today) = try await load(account, job: job) { .activity(job: job, at: $0) }
        let a = Figures.activity(stored.account, scope: scope, today: today)
        return ActivityResult(lastChargeDate: a.lastChargeDate?.description, lastSaleDate: a.lastSaleDate?.description,
                              lastPaymentDate: a.lastPaymentDate?.description, lastPaymentAmount: a.lastPaymentAmount,
                              ytdSales: a.ytdSales, mtdSales: a.mtdSales, priorMonthSales: a.priorMonthSales,
                              priorYearSales: a.priorYearSales, currency: stored.currency)
    }

    /// One page of the scope's open invoices; the totals are the whole list's (PROTOCOL.md "Paged lists").
    /// The page, count and totals are read in SQL in pay order (KioskStore.openInvoicePage, migration
    /// 019), so a page costs the same with 10 or 10,000 open invoices; `Figures.openItems` is
    /// the reference it is tested against.
    func openItems(account: String?, job: Int?, window: PageWindow = PageWindow(first: PageWindow.defaultLimit)) async throws -> OpenItemsResult {
        let (stored, scope, today) = try await load(account, job: job) { _ in .header }
        let o: OpenInvoicePage
        let commitments: [PaymentCommitment]
        do {
            // page ≤ 99,999 and limit ≤ 100: the offset cannot overflow.
            o = try await store.openInvoicePage(account: stored.account.number, scope: scope, branch: stored.branch, today: today,
                                                offset: window.page * window.limit, limit: window.limit)
            // Pending and not-yet-synced payments only: grows with what is being paid, not history.
            commitments = try await store.commitments(account: stored.account.number)
        } catch {
            throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be read right now (\(error.description))")
        }
        // Never charge twice: an invoice a payment covers is listed as being paid by it.
        let covers = Figures.covers(commitments)
        return OpenItemsResult(
            invoices: o.invoices.map {
                .init(id: $0.id, number: $0.number, job: $0.job, date: $0.date.description, dueDate: $0.dueDate?.description,
                      poNumber: $0.poNumber, amount: $0.amount, openAmount: $0.openAmount, amountDue: $0.amountDue, pastDue: $0.pastDue,
                      coveredBy: covers[$0.id].map { $0.map { .init(id: $0.paymentID, state: $0.state.rawValue) } })
            },
            financeCharges: o.financeCharges, financeChargesRequired: o.financeChargesRequired, currency: stored.currency,
            page: window.page, limit: window.limit, more: window.page * window.limit + o.invoices.count < o.count, count: o.count,
            openTotal: o.openTotal, amountDueTotal: o.amountDueTotal)
    }
}
