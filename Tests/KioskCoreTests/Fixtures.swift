import KioskCore

/// Builders that keep tests to the facts they check.
enum Fx {
    static func d(_ text: String) -> LocalDate {
        guard let date = LocalDate(text) else { fatalError("bad test date \(text)") }
        return date
    }

    static func item(_ id: String, _ kind: ItemKind, number: String? = nil, job: Int? = nil, date: String = "2026-01-10",
                     due: String? = nil, po: String? = nil, amount: Int? = nil, open: Int, billed: Bool = true,
                     linked: String? = nil) -> Item {
        Item(id: id, kind: kind, number: number ?? id, job: job, date: d(date), dueDate: due.map(d), poNumber: po,
             amount: amount ?? open, openAmount: open, billed: billed, linkedInvoice: linked)
    }

    static func invoice(_ id: String, number: String? = nil, job: Int? = nil, date: String = "2026-01-10",
                        due: String? = nil, amount: Int? = nil, open: Int, billed: Bool = true) -> Item {
        item(id, .invoice, number: number, job: job, date: date, due: due, amount: amount, open: open, billed: billed)
    }

    static func memo(_ id: String, job: Int? = nil, open: Int, linked: String?) -> Item {
        item(id, .creditMemo, job: job, open: open, linked: linked)
    }

    static func sale(_ date: String, job: Int? = nil, _ kind: Sale.Kind = .sale, amount: Int, tax: Int = 0,
                     charge: Bool = true, giftCard: Bool = false) -> Sale {
        Sale(date: d(date), job: job, kind: kind, amount: amount, tax: tax, charge: charge, giftCard: giftCard)
    }

    static func payment(_ id: String, job: Int? = nil, date: String, amount: Int) -> ProcessedPayment {
        ProcessedPayment(id: id, job: job, date: d(date), amount: amount, method: "check")
    }

    static func account(number: String = "1001", limit: Int = 0, pending: Int = 0, items: [Item] = [],
                        sales: [Sale] = [], payments: [ProcessedPayment] = []) -> Account {
        Account(number: number, name: "Acme", branch: "main", creditLimit: limit, pendingTransactions: pending,
                billingType: .account, items: items, sales: sales, payments: payments)
    }

    static func jobAccount(number: String = "2002", jobs: [Int], limit: Int = 0, pending: Int = 0, items: [Item] = [],
                           sales: [Sale] = [], payments: [ProcessedPayment] = []) -> Account {
        Account(number: number, name: "Builder", branch: "main", creditLimit: limit, pendingTransactions: pending,
                billingType: .job, jobs: jobs.map { Job(number: $0, name: "Job \($0)") },
                items: items, sales: sales, payments: payments)
    }

    static func branch(financeFirst: Bool) -> Branch {
        Branch(id: "main", name: "Main", timeZone: "America/Chicago", payFinanceChargesFirst: financeFirst)
    }
}
