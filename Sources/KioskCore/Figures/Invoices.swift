import Foundation

/// Which invoices the invoice history shows: closed means nothing is open on it any more.
public enum InvoiceStatus: String, Sendable, CaseIterable {
    case open, closed, all
}

/// One invoice, open or closed, as the customer's invoice history and detail show it.
public struct InvoiceRow: Equatable, Sendable {
    public var item: Item
    /// The open amount less unapplied credit memos linked to it (0 when closed).
    public var amountDue: Int
    /// Open and due before today.
    public var pastDue: Bool
    public var isOpen: Bool { item.openAmount > 0 }
}

/// A page of the invoice history, newest first.
public struct InvoicePage: Equatable, Sendable {
    /// As statements: the page is repeated in the reply, so it is bounded.
    public static let pages = StatementPage.pages
    /// The longest search text: a number or a PO number, or part of one.
    public static let searchLength = 1...40

    public var rows: [InvoiceRow]
    public var page: Int
    /// Older invoices follow this page.
    public var more: Bool
}

/// A back-office payment applied to an invoice (sync `payments[].applied`).
public struct InvoiceApplication: Equatable, Sendable {
    public var payment: ProcessedPayment
    /// The part of the payment applied to this invoice.
    public var amount: Int
}

extension Figures {
    /// The scope's invoices with `status`, whose number or PO number contains `search` (any
    /// case), newest first: by date, then number in invoice-number order, both descending.
    public static func invoices(_ a: Account, scope: FigureScope, today: LocalDate, status: InvoiceStatus,
                                search: String?, page: Int, size: Int) -> InvoicePage {
        let needle = search?.lowercased()
        let memos = memoCover(a)
        let rows = a.items(in: scope)
            .filter { $0.kind == .invoice }
            .filter { status == .all || ($0.openAmount > 0) == (status == .open) }
            .filter { item in
                guard let needle else { return true }
                return item.number.lowercased().contains(needle) || (item.poNumber?.lowercased().contains(needle) ?? false)
            }
            .sorted { x, y in
                if x.date != y.date { return x.date > y.date }
                let byNumber = InvoiceNumberOrder.compare(x.number, y.number)
                return byNumber != .orderedSame ? byNumber == .orderedDescending : x.id > y.id
            }
            .map { row($0, memos: memos, today: today) }
        let page = max(0, page)
        let start = min(rows.count, page.multipliedReportingOverflow(by: size).overflow ? rows.count : page * size)
        return InvoicePage(rows: Array(rows[start..<min(rows.count, start + size)]), page: page, more: start + size < rows.count)
    }

    /// The account's invoice `id`, open or closed; nil when it has none by that id.
    public static func invoice(_ a: Account, id: String, today: LocalDate) -> InvoiceRow? {
        a.items.first { $0.id == id && $0.kind == .invoice }.map { row($0, memos: memoCover(a), today: today) }
    }

    /// The back office's payments applied to invoice `id`, oldest first.
    public static func applications(to id: String, in a: Account) -> [InvoiceApplication] {
        a.payments
            .compactMap { p in
                let amount = p.applied.filter { $0.item == id }.reduce(0) { $0 + $1.amount }
                return amount > 0 ? InvoiceApplication(payment: p, amount: amount) : nil
            }
            .sorted { $0.payment.date != $1.payment.date ? $0.payment.date < $1.payment.date : $0.payment.id < $1.payment.id }
    }

    /// Unapplied credit memos per invoice they name (over the whole account, as for open items).
    static func memoCover(_ a: Account) -> [String: Int] {
        var cover = [String: Int]()
        for item in a.items where item.kind == .creditMemo {
            if let target = item.linkedInvoice { cover[target, default: 0] += item.openAmount }
        }
        return cover
    }

    private static func row(_ item: Item, memos: [String: Int], today: LocalDate) -> InvoiceRow {
        let open = item.openAmount > 0
        return InvoiceRow(item: item, amountDue: open ? max(0, item.openAmount - memos[item.id, default: 0]) : 0,
                          pastDue: open && (item.dueDate.map { $0 < today } ?? false))
    }
}
