import Foundation

/// What an open-item account can pay by invoice, in the order it is shown.
public struct OpenItems: Equatable, Sendable {
    /// Invoices with something still to pay after their linked credit memos.
    public var invoices: [OpenInvoice]
    /// Finance charges due, shown as one line.
    public var financeCharges: Int
    /// True when the branch makes the finance-charge line selected and impossible to clear.
    public var financeChargesRequired: Bool

    public init(invoices: [OpenInvoice], financeCharges: Int, financeChargesRequired: Bool) {
        self.invoices = invoices; self.financeCharges = financeCharges
        self.financeChargesRequired = financeChargesRequired
    }
}

/// One payable invoice line.
public struct OpenInvoice: Equatable, Sendable {
    public var id: String
    public var number: String
    public var job: Int?
    public var date: LocalDate
    public var dueDate: LocalDate?
    public var poNumber: String?
    /// The invoice's original amount.
    public var amount: Int
    /// What the back office still has open on it.
    public var openAmount: Int
    /// The open amount less unapplied credit memos linked to it: what paying it costs.
    public var amountDue: Int
    /// Due before today; an invoice due today is not late yet.
    public var pastDue: Bool

    public init(id: String, number: String, job: Int?, date: LocalDate, dueDate: LocalDate?, poNumber: String?,
                amount: Int, openAmount: Int, amountDue: Int, pastDue: Bool) {
        self.id = id; self.number = number; self.job = job; self.date = date; self.dueDate = dueDate
        self.poNumber = poNumber; self.amount = amount; self.openAmount = openAmount
        self.amountDue = amountDue; self.pastDue = pastDue
    }
}

extension Figures {
    /// The pay-by-invoice list for `scope`. Credit memos are matched over the whole account:
    /// a memo booked on another job still covers the invoice it names, and ignoring it would
    /// let the customer pay twice. Invoices fully covered are left out, since there is nothing
    /// to pay. Most urgent first: by due date (none last), then date, number and id so the
    /// order is stable.
    public static func openItems(_ a: Account, scope: FigureScope, branch: Branch, today: LocalDate) -> OpenItems {
        let memoCover = Figures.memoCover(a)

        var invoices = [OpenInvoice]()
        var financeCharges = 0
        for item in a.items(in: scope) {
            if item.kind == .financeCharge { financeCharges += item.openAmount }
            guard item.isOpenInvoice else { continue }
            let due = item.openAmount - memoCover[item.id, default: 0]
            guard due > 0 else { continue }
            invoices.append(OpenInvoice(id: item.id, number: item.number, job: item.job, date: item.date,
                                        dueDate: item.dueDate, poNumber: item.poNumber, amount: item.amount,
                                        openAmount: item.openAmount, amountDue: due,
                                        pastDue: item.dueDate.map { $0 < today } ?? false))
        }
        invoices.sort(by: payOrder)
        return OpenItems(invoices: invoices, financeCharges: financeCharges,
                         financeChargesRequired: branch.payFinanceChargesFirst && financeCharges > 0)
    }

    /// Due date (none last), date, number (``InvoiceNumberOrder``), then id.
    static func payOrder<Charge: PayOrdered>(_ x: Charge, _ y: Charge) -> Bool {
        switch (x.dueDate, y.dueDate) {
        case let (a?, b?) where a != b: return a < b
        case (.some, .none): return true
        case (.none, .some): return false
        default: break
        }
        if x.date != y.date { return x.date < y.date }
        switch InvoiceNumberOrder.compare(x.number, y.number) {
        case .orderedAscending: return true
        case .orderedDescending: return false
        case .orderedSame: return Array(x.id.utf8).lexicographicallyPrecedes(Array(y.id.utf8))
        }
    }
}

/// What the pay order compares: an open invoice line, or an open charge as a statement lists it.
protocol PayOrdered {
    var dueDate: LocalDate? { get }
    var date: LocalDate { get }
    var number: String { get }
    var id: String { get }
}

extension OpenInvoice: PayOrdered {}
extension Item: PayOrdered {}
