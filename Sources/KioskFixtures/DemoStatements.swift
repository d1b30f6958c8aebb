import Foundation
import KioskCore

/// The demo's printed detail (SYNC.md "Optional additions"): each month-end statement with
/// its opening and closing balance, aging and lines, worked out from the account's own items
/// and payments as a back office would print them; and billed lines on two invoices.
extension DemoStore {
    /// Invoice lines by item id (their sums are the invoices' amounts, a discount included).
    static let invoiceLines: [String: [InvoiceLine]] = [
        "I-1001-1": [InvoiceLine(name: "Framing lumber", amount: 401_350), InvoiceLine(name: "Engineered joists", amount: 68_000),
                     InvoiceLine(name: "Delivery", amount: 13_000)],
        "I-1001-3": [InvoiceLine(name: "Cedar decking", amount: 81_775), InvoiceLine(name: "Deck screws", amount: 12_500),
                     InvoiceLine(name: "Contractor discount", amount: -1_000)],
    ]

    /// `account` with its invoices' lines and its statements' printed detail.
    static func printed(_ account: Account) -> Account {
        var out = account
        for i in out.items.indices { out.items[i].lines = invoiceLines[out.items[i].id] ?? [] }
        out.statements = account.statements.map { detail($0, of: out) }
        return out
    }

    /// One statement: what happened in its month (up to the day it was issued) for its scope.
    static func detail(_ statement: Statement, of account: Account) -> Statement {
        let utc = TimeZone(identifier: "UTC")!
        let end = LocalDate(instant: statement.issuedAt.date, in: utc)
        let start = end.firstOfMonth
        let job = statement.job
        func inScope(_ j: Int?) -> Bool { job == nil || j == job }
        // Every record as (date, kind, number, signed amount).
        var records: [(date: LocalDate, kind: ItemKind, number: String, signed: Int)] = []
        for item in account.items where inScope(item.job) && item.kind != .payment {
            records.append((item.date, item.kind, item.number, item.kind.isCharge ? item.amount : -item.amount))
        }
        for payment in account.payments where inScope(payment.job) {
            records.append((payment.date, .payment, payment.id, -payment.amount))
        }
        records.sort { ($0.date, $0.number) < ($1.date, $1.number) }
        let opening = records.filter { $0.date < start }.reduce(0) { $0 + $1.signed }
        let period = records.filter { $0.date >= start && $0.date <= end }
        let closing = opening + period.reduce(0) { $0 + $1.signed }
        // Aging: what was still open on each charge at month end, by days past due then.
        var paid = [String: Int]()
        for payment in account.payments where payment.date <= end {
            for application in payment.applied { paid[application.item, default: 0] += application.amount }
        }
        var buckets = [AgingBucket: Int]()
        for item in account.items where inScope(item.job) && item.kind.isCharge && item.date <= end {
            let open = item.amount - (paid[item.id] ?? 0)
            guard open > 0 else { continue }
            buckets[AgingBucket(daysPastDue: end.days(since: item.dueDate ?? item.date)), default: 0] += open
        }
        var printed = statement
        printed.openingBalance = opening
        printed.closingBalance = closing
        printed.aging = StatementAging(current: buckets[.current] ?? 0, days1to30: buckets[.days1to30] ?? 0,
                                       days31to60: buckets[.days31to60] ?? 0, days61to90: buckets[.days61to90] ?? 0,
                                       over90: buckets[.over90] ?? 0)
        printed.lines = period.map { StatementLine(date: $0.date, kind: $0.kind, number: $0.number, amount: abs($0.signed)) }
        return printed
    }
}
