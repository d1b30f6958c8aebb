import Foundation

/// The portal's balance summary: what is owed on open invoices and how late it is.
public struct BalanceSummary: Equatable, Sendable {
    /// Open amounts of open invoices (charges other than invoices are not in this panel).
    public var totalBalance: Int
    /// The part of ``totalBalance`` whose due date is before today.
    public var totalPastDue: Int
    /// The open invoice that has waited longest; nil when nothing is open.
    public var oldestInvoice: OldestInvoice?
    /// How many invoices are open (open amount above zero).
    public var invoiceCount: Int

    public init(totalBalance: Int, totalPastDue: Int, oldestInvoice: OldestInvoice?, invoiceCount: Int) {
        self.totalBalance = totalBalance; self.totalPastDue = totalPastDue
        self.oldestInvoice = oldestInvoice; self.invoiceCount = invoiceCount
    }
}

/// The oldest open invoice as the summary names it: people recognise it by number and date.
public struct OldestInvoice: Equatable, Sendable {
    public var number: String
    public var date: LocalDate
    public init(number: String, date: LocalDate) { self.number = number; self.date = date }
}

extension Figures {
    /// The portal summary for `scope`. `today` is the branch's day: an invoice due today is
    /// not yet past due, and one without a due date never is.
    public static func summary(_ a: Account, scope: FigureScope, today: LocalDate) -> BalanceSummary {
        let open = a.items(in: scope).filter(\.isOpenInvoice)
        var total = 0, pastDue = 0
        var oldest: Item?
        for invoice in open {
            total += invoice.openAmount
            if let due = invoice.dueDate, due < today { pastDue += invoice.openAmount }
            if let current = oldest {
                if invoice.date < current.date
                    || (invoice.date == current.date && InvoiceNumberOrder.precedes(invoice.number, current.number)) {
                    oldest = invoice
                }
            } else {
                oldest = invoice
            }
        }
        return BalanceSummary(totalBalance: total, totalPastDue: pastDue,
                              oldestInvoice: oldest.map { OldestInvoice(number: $0.number, date: $0.date) },
                              invoiceCount: open.count)
    }
}
