import Foundation
import KioskCore
import KioskProtocol
import KioskStore

/// The front's history reads: statements (25 a page, newest first), open credits by kind,
/// and payments (the back office's processed ones plus this kiosk's not yet processed).
/// Store query → plain filtering → wire rows; no figures are recomputed here.
struct HistoryHandlers: Sendable {
    let store: KioskStore

    func register(in table: inout HandlerTable) {
        table.on(Methods.statementsList) { params, call in
            let window = try PageWindow(page: params.page, limit: params.limit)
            let (stored, job) = try await load(call.account ?? "", job: params.job)
            return Self.statements(stored.account, job: job, window: window)
        }
        table.on(Methods.statementGet) { params, call in
            let (stored, _) = try await load(call.account ?? "", job: nil)
            // Only a statement this account has is answered; the number sent is never repeated.
            guard let detail = Self.statement(stored.account, number: params.number, currency: stored.currency) else {
                throw RPCError.app(.notFound, "this account has no statement with that number")
            }
            return detail
        }
        table.on(Methods.creditsList) { params, call in
            let window = try PageWindow(page: params.page, limit: params.limit)
            let (stored, job) = try await load(call.account ?? "", job: params.job)
            return Self.credits(stored.account, job: job, filter: params.filter ?? .all, currency: stored.currency, window: window)
        }
        table.on(Methods.paymentGet) { params, call in
            let staff = call.caller.role != .front
            let kiosk: PaymentRecord?
            do { kiosk = try await store.payment(id: params.id) } catch {
                throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be read right now (\(error))")
            }
            // Staff naming no account: the kiosk payment's own (StaffMayOmitAccount).
            guard let number = call.account ?? (staff ? kiosk?.account : nil) else {
                throw RPCError.app(.notFound, "there is no kiosk payment with that id; a back-office payment needs its account named")
            }
            let (stored, _) = try await load(number, job: nil)
            // Only a payment of this account is answered; the id sent is never repeated.
            guard var detail = Self.detail(stored.account, kiosk: kiosk, id: params.id, staff: staff, currency: stored.currency) else {
                throw RPCError.app(.notFound, "this account has no payment with that id")
            }
            // Staff see who changed a kiosk payment, and when.
            if staff, detail.row.source == "kiosk" {
                do { detail.history = try await store.paymentHistory(id: params.id).map(Self.wire) } catch {
                    throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be read right now (\(error))")
                }
            }
            return detail
        }
        table.on(Methods.historyList) { params, call in
            let window = try PageWindow(page: params.page, limit: params.limit)
            let account = call.account ?? ""
            let (stored, job) = try await load(account, job: params.job)
            let kiosk: [PaymentRecord]
            do { kiosk = try await store.payments(account: account) } catch {
                throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be read right now (\(error))")
            }
            return Self.history(stored.account, kiosk: kiosk, job: job, currency: stored.currency, window: window)
        }
    }

    /// The account and the job asked for (nil: all), refused as the account reads refuse.
    private func load(_ number: String, job: Int?) async throws -> (StoredAccount, Int?) {
        let stored: StoredAccount?
        do { stored = try await store.account(number: number) } catch {
            throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be read right now (\(error.description))")
        }
        guard let stored else { throw RPCError.app(.notFound, "no account with that number is on this kiosk") }
        do { _ = try Figures.scope(for: stored.account, job: job) } catch {
            switch error {
            case .noSuchJob: throw RPCError.app(.notFound, error.description)
            case .noJobsOnAccount: throw RPCError.invalidParams("invalid params: \(error.description)", path: "params.job")
            }
        }
        return (stored, job)
    }

    static func statements(_ account: Account, job: Int?, window: PageWindow) -> StatementsResult {
        // The whole list on one "page" (an account holds at most 100,000 statements), paged here
        // by the one rule every paged list follows.
        let all = Figures.statementPage(account, job: job, page: 0, size: Int.max).statements
        let shown = window.slice(all)
        let names = Dictionary(account.jobs.map { ($0.number, $0.name) }, uniquingKeysWith: { a, _ in a })
        let rows = shown.rows.map {
            StatementsResult.Row(number: $0.number, issuedAt: $0.issuedAt.description, job: $0.job, jobName: $0.job.flatMap { names[$0] })
        }
        return StatementsResult(statements: rows, page: window.page, more: shown.more, limit: window.limit, count: shown.count)
    }

    /// `statement.get`: a past statement as the sync sent it.
    static func statement(_ account: Account, number: String, currency: String) -> StatementDetail? {
        guard let s = account.statements.first(where: { $0.number == number }) else { return nil }
        let name = s.job.flatMap { job in account.jobs.first(where: { $0.number == job })?.name }
        return StatementDetail(
            number: s.number, issuedAt: s.issuedAt.description, job: s.job, jobName: name,
            openingBalance: s.openingBalance, closingBalance: s.closingBalance,
            aging: s.aging.map { .init(current: $0.current, days1to30: $0.days1to30, days31to60: $0.days31to60,
                                       days61to90: $0.days61to90, over90: $0.over90) },
            lines: s.lines.map { .init(date: $0.date.description, kind: $0.kind.rawValue, number: $0.number, amount: $0.amount) },
            currency: currency)
    }

    static func credits(_ account: Account, job: Int?, filter: CreditsParams.Filter, currency: String,
                        window: PageWindow = PageWindow(first: PageWindow.defaultLimit)) -> CreditsResult {
        let core: CreditFilter = switch filter {
        case .all: .all
        case .memos: .memos
        case .unapplied: .unapplied
        }
        let all = Figures.openCredits(account, job: job, filter: core)
        let shown = window.slice(all)
        let rows = shown.rows.map { CreditsResult.Row(id: $0.id, kind: $0.kind.rawValue, number: $0.number, date: $0.date.description,
                                                      job: $0.job, amount: $0.amount, remaining: $0.openAmount) }
        // `count` and `total` stay the whole list's: the screen's "3 credits, total" is not a page's.
        return CreditsResult(filter: filter.rawValue, credits: rows, count: shown.count,
                             total: all.reduce(0) { $0 + $1.openAmount }, currency: currency,
                             page: window.page, limit: window.limit, more: shown.more)
    }

    /// The back office's processed payments, and this kiosk's payments in their real state
    /// (every state but deleted). A payment processed here stays listed, as processed, until
    /// the back office's history carries it (same id): then only the back office's row is.
    static func history(_ account: Account, kiosk: [PaymentRecord], job: Int?, currency: String,
                        window: PageWindow = PageWindow(first: PageWindow.defaultLimit)) -> HistoryResult {
        let processed = account.payments.filter { job == nil || $0.job == job }.map(row)
        let carried = Set(account.payments.map(\.id))
        let taken = kiosk.filter { !$0.state.isHidden && !carried.contains($0.id) && (job == nil || $0.job == job) }.map(row)
        let shown = window.slice((taken + processed).sorted { $0.date > $1.date })
        return HistoryResult(payments: Array(shown.rows), currency: currency, page: window.page, limit: window.limit,
                             more: shown.more, count: shown.count)
    }

    /// A back-office payment's history row.
    static func row(_ p: ProcessedPayment) -> HistoryResult.Row {
        HistoryResult.Row(id: p.id, source: "backoffice", date: p.date.description, job: p.job, amount: p.amount,
                          method: p.method, state: PaymentState.processed.rawValue, pending: false)
    }

    /// A kiosk payment's history row, in its real state.
    static func row(_ p: PaymentRecord) -> HistoryResult.Row {
        HistoryResult.Row(id: p.id, source: "kiosk", date: p.createdAt, job: p.job, amount: p.amount, method: p.methodDescription,
                          state: p.state.rawValue, pending: p.state == .pending,
                          payOn: p.state.isDated ? p.payOn : nil,
                          reason: p.state == .rejected ? p.reason : nil, message: p.state == .rejected ? p.message : nil,
                          waitingFor: p.state == .waiting ? p.waitingFor : nil, autopayRule: p.autopayRule)
    }

    /// `payment.get`: the row `history.list` shows for `id`, with the back office's
    /// applications or the kiosk's chosen lines. Staff also reach a deleted kiosk payment.
    static func detail(_ account: Account, kiosk: PaymentRecord?, id: String, staff: Bool, currency: String) -> PaymentDetail? {
        let items = Dictionary(account.items.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        if let p = account.payments.first(where: { $0.id == id }) {
            return PaymentDetail(row: row(p), currency: currency, applied: p.applied.map {
                .init(item: $0.item, number: items[$0.item]?.number, kind: items[$0.item]?.kind.rawValue, amount: $0.amount)
            }, lines: [])
        }
        guard let p = kiosk, p.id == id, p.account == account.number, staff || !p.state.isHidden else { return nil }
        return PaymentDetail(row: row(p), currency: currency, applied: [],
                             lines: p.lines.map { .init(id: $0.id, number: items[$0.id]?.number, amount: $0.amount) })
    }

    static func wire(_ h: PaymentHistoryEntry) -> PaymentHistoryWire {
        PaymentHistoryWire(at: h.at, from: h.from?.rawValue, to: h.to.rawValue,
                           actor: PaymentActorWire(uid: h.actor.uid, user: h.actor.user, role: h.actor.role), reason: h.reason, message: h.message)
    }
}
