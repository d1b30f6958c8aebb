import Foundation
import KioskCore
import KioskProtocol
import KioskStore

/// `invoices.list` and `invoice.get`: the customer's invoices, open and closed, with what
/// paid them (the back office's applications) and what is paying them (kiosk payments);
/// `statement.current`, the statement as of today.
struct InvoiceHandlers: Sendable {
    let store: KioskStore
    let now: @Sendable () -> Date

    func register(in table: inout HandlerTable) {
        table.on(Methods.invoicesList) { params, call in
            if let search = params.search, !InvoicePage.searchLength.contains(search.count) {
                throw RPCError.invalidParams("invalid params: params.search must be 1 to 40 characters of an invoice or PO number", path: "params.search")
            }
            let window = try PageWindow(page: params.page, limit: params.limit)
            let (stored, scope) = try await load(call.account, job: params.job)
            let status = InvoiceStatus(rawValue: (params.status ?? .all).rawValue) ?? .all
            // The whole filtered list on one "page", paged here by the rule every paged list follows.
            let all = Figures.invoices(stored.account, scope: scope, today: stored.branch.today(at: now()), status: status,
                                       search: params.search, page: 0, size: Int.max).rows
            let shown = window.slice(all)
            let covers = Figures.covers(try await commitments(stored))
            return InvoicesListResult(invoices: shown.rows.map { row in
                .init(invoice: Self.facts(row), coveredBy: (covers[row.item.id] ?? []).map { .init(id: $0.paymentID, state: $0.state.rawValue) })
            }, page: window.page, more: shown.more, currency: stored.currency, limit: window.limit, count: shown.count)
        }
        table.on(Methods.statementCurrent) { params, call in try await currentStatement(params, call: call) }
        table.on(Methods.invoiceGet) { params, call in
            let (stored, _) = try await load(call.account, job: nil)
            // Only an id this account has is answered; the id sent is never repeated.
            guard let row = Figures.invoice(stored.account, id: params.id, today: stored.branch.today(at: now())) else {
                throw RPCError.app(.notFound, "this account has no invoice with that id")
            }
            let i = row.item
            let covering = (Figures.covers(try await commitments(stored))[i.id] ?? []).map {
                InvoiceDetail.Covering(id: $0.paymentID, state: $0.state.rawValue, amount: $0.lines[i.id] ?? 0, payOn: $0.payOn?.description)
            }
            let applied = Figures.applications(to: i.id, in: stored.account).map {
                InvoiceDetail.Applied(payment: $0.payment.id, date: $0.payment.date.description, amount: $0.amount, method: $0.payment.method)
            }
            // The rule that will pay it (the calendar's plan), when it is open and nothing covers it.
            let today = stored.branch.today(at: now())
            var autopay: InvoiceDetail.Autopay?
            if stored.account.autopayRules?.isEmpty == false, row.amountDue > 0,
               let inputs = try await storeCall({ try await store.autopayInputs(account: stored.account.number, now: now()) }) {
                let plan = AutopayPlan.inputs(stored.account, methods: inputs.methods, branch: stored.branch, today: today, covered: inputs.covered)
                if let invoice = plan.invoices.first(where: { $0.facts.id == i.id }),
                   let a = AutopayPlan.assignment(invoice, rules: plan.rules, today: today) {
                    autopay = .init(rule: a.rule.id, position: a.rule.position, date: a.day.description)
                }
            }
            return InvoiceDetail(invoice: Self.facts(row), amountDue: row.amountDue, lines: i.lines.map { .init(name: $0.name, amount: $0.amount) }, applied: applied, coveredBy: covering,
                                 autopay: autopay, currency: stored.currency)
        }
    }

    /// `statement.current`: built now, as of today at the account's branch.
    func currentStatement(_ params: CurrentStatementParams, call: Call) async throws -> CurrentStatementResult {
        let (stored, scope) = try await load(call.account, job: params.job)
        let s = Figures.currentStatement(stored.account, scope: scope, branch: stored.branch, today: stored.branch.today(at: now()))
        return CurrentStatementResult(
            scope: scope.wireName, job: scope.job, date: s.date.description,
            lastStatement: s.lastStatement.map { .init(number: $0.number, issuedAt: $0.issuedAt.description) },
            items: s.items.map {
                .init(id: $0.item.id, kind: $0.item.kind.rawValue, number: $0.item.number, date: $0.item.date.description,
                      dueDate: $0.item.dueDate?.description, poNumber: $0.item.poNumber, openAmount: $0.item.openAmount,
                      daysPastDue: $0.daysPastDue, bucket: $0.bucket.rawValue)
            },
            aging: .init(current: s.aging[.current] ?? 0, days1to30: s.aging[.days1to30] ?? 0, days31to60: s.aging[.days31to60] ?? 0,
                         days61to90: s.aging[.days61to90] ?? 0, over90: s.aging[.over90] ?? 0),
            activity: s.activity.map { .init(date: $0.date.description, kind: $0.kind, id: $0.id, number: $0.number, amount: $0.amount) },
            activityTotals: .init(charges: s.charges, payments: s.payments, credits: s.credits),
            credits: s.openCredits, amountDue: s.amountDue, currency: stored.currency)
    }

    static func facts(_ row: InvoiceRow) -> InvoiceFacts {
        let i = row.item
        return InvoiceFacts(id: i.id, number: i.number, job: i.job, date: i.date.description, dueDate: i.dueDate?.description,
                            poNumber: i.poNumber, amount: i.amount, openAmount: i.openAmount, status: row.isOpen ? "open" : "closed",
                            pastDue: row.pastDue)
    }

    /// The account and its figure scope, refused as the other account reads refuse (the
    /// calendar reads load the same way).
    func load(_ number: String?, job: Int?) async throws -> (StoredAccount, FigureScope) {
        let stored: StoredAccount?
        do { stored = try await store.account(number: number ?? "") } catch {
            throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be read right now (\(error))")
        }
        guard let stored else { throw RPCError.app(.notFound, "no account with that number is on this kiosk") }
        do { return (stored, try Figures.scope(for: stored.account, job: job)) } catch {
            switch error {
            case .noSuchJob: throw RPCError.app(.notFound, error.description)
            case .noJobsOnAccount: throw RPCError.invalidParams("invalid params: \(error.description)", path: "params.job")
            }
        }
    }

    private func commitments(_ stored: StoredAccount) async throws -> [PaymentCommitment] {
        do { return try await store.commitments(account: stored.account.number) } catch {
            throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be read right now (\(error))")
        }
    }

    private func storeCall<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as StoreError {
            throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be read right now (\(error.description))")
        }
    }
}
