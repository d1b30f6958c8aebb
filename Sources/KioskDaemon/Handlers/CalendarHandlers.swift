import Foundation
import KioskCore
import KioskProtocol
import KioskStore

/// `calendar.month` and `calendar.day`: the account's scheduled (and, with autopay rules,
/// autopay) payments per day, from today, as `PaymentsCalendar` places them.
struct CalendarHandlers: Sendable {
    let store: KioskStore
    let now: @Sendable () -> Date
    var accounts: InvoiceHandlers { InvoiceHandlers(store: store, now: now) }

    func register(in table: inout HandlerTable) {
        table.on(Methods.calendarMonth) { params, call in
            guard (1...12).contains(params.month) else {
                throw RPCError.invalidParams("invalid params: params.month must be 1 to 12", path: "params.month")
            }
            guard (2000...9999).contains(params.year) else {
                throw RPCError.invalidParams("invalid params: params.year must be a year from 2000 to 9999", path: "params.year")
            }
            let (stored, entries) = try await load(call.account, job: params.job)
            let days = PaymentsCalendar.month(year: params.year, month: params.month, entries: entries).map(Self.wire)
            return CalendarMonthResult(year: params.year, month: params.month, days: days, currency: stored.currency)
        }
        table.on(Methods.calendarDay) { params, call in
            guard let date = LocalDate(params.date) else {
                throw RPCError.invalidParams("invalid params: params.date must be a day as YYYY-MM-DD", path: "params.date")
            }
            let (stored, entries) = try await load(call.account, job: params.job)
            let numbers = Dictionary(stored.account.items.map { ($0.id, $0.number) }, uniquingKeysWith: { a, _ in a })
            let (day, ordered) = PaymentsCalendar.day(date, entries: entries, numbers: numbers)
            let summary = Self.wire(day)
            return CalendarDayResult(date: summary.date, scheduled: summary.scheduled, autopay: summary.autopay, payments: ordered.map { entry in
                let p = entry.payment
                return .init(kind: entry.kind.rawValue, id: entry.exists ? p.id : nil, state: entry.exists ? p.state.rawValue : nil, job: p.job,
                             amount: p.amount, methodDescription: p.methodDescription, rule: p.rule.map { .init(id: $0.id, position: $0.position) },
                             lines: p.lines.map { .init(id: $0.id, number: numbers[$0.id], amount: $0.amount) })
            }, currency: stored.currency)
        }
    }

    /// The account (scope checked as every account read checks it) and its calendar entries.
    private func load(_ number: String?, job: Int?) async throws -> (StoredAccount, [PaymentsCalendar.Entry]) {
        let (stored, _) = try await accounts.load(number, job: job)
        let records: [PaymentRecord]
        do { records = try await store.payments(account: stored.account.number) } catch {
            throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be read right now (\(error))")
        }
        let positions = Dictionary((stored.account.autopayRules ?? []).map { ($0.id, $0.position) }, uniquingKeysWith: { a, _ in a })
        let payments = records.map { r in
            PaymentsCalendar.Payment(id: r.id, state: r.state, payOn: r.payOn.flatMap(LocalDate.init), job: r.job, amount: r.amount,
                                     methodDescription: r.methodDescription,
                                     rule: r.autopayRule.map { .init(id: $0, position: positions[$0] ?? 0) },
                                     lines: r.lines.map { .init(id: $0.id, amount: $0.amount) }, createdAt: r.createdAt)
        }
        let today = stored.branch.today(at: now())
        // The rules project the payments they will make (AutopayPlan): the same plan the daily
        // run follows, with the same inputs, so the calendar shows what will happen.
        let inputs: (covered: Set<String>, methods: [MethodOnFile])?
        do { inputs = try await store.autopayInputs(account: stored.account.number, now: now()) } catch {
            throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be read right now (\(error))")
        }
        let plan = AutopayPlan.inputs(stored.account, methods: inputs?.methods ?? [], branch: stored.branch, today: today, covered: inputs?.covered ?? [])
        let planned = AutopayPlan.payments(plan.invoices, rules: plan.rules, today: today, through: today.adding(days: AutopayPlan.horizonDays))
        let methods = inputs?.methods ?? []
        let projected = PaymentsCalendar.projections(planned, job: job) { AutopayPlan.methodDescription($0, methods: methods) }
        return (stored, PaymentsCalendar.entries(payments, today: today, job: job) + projected)
    }

    static func wire(_ day: PaymentsCalendar.Day) -> CalendarMonthResult.Day {
        .init(date: day.date.description, scheduled: .init(count: day.scheduled.count, total: day.scheduled.total),
              autopay: .init(count: day.autopay.count, total: day.autopay.total))
    }
}
