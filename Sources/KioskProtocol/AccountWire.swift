import Foundation

/// Parameters of every account read. The front omits `account` (its session decides).
public struct AccountParams: Codable, Sendable, Equatable {
    public var account: String?
    public var job: Int?
    public init(account: String?, job: Int? = nil) { self.account = account; self.job = job }
}

/// An account read of a paged list: `items.open`, `statements.list`, `history.list`
/// (PROTOCOL.md "Paged lists"; `PageWindow`).
public struct PagedAccountParams: Codable, Sendable, Equatable {
    public var account: String?
    public var job: Int?
    /// 0-based; absent: the first.
    public var page: Int?
    /// Rows a page, 1–100; absent: 25.
    public var limit: Int?
    public init(account: String? = nil, job: Int? = nil, page: Int? = nil, limit: Int? = nil) {
        self.account = account; self.job = job; self.page = page; self.limit = limit
    }
}
public typealias OpenItemsParams = PagedAccountParams

/// `hello` result.
public struct HelloResult: Codable, Sendable, Equatable {
    public var server: String
    public var version: String
    public var `protocol`: Int
    public var role: Role
    public var capabilities: [String]
    public init(server: String, version: String, protocol: Int, role: Role, capabilities: [String]) {
        self.server = server; self.version = version; self.protocol = `protocol`; self.role = role; self.capabilities = capabilities
    }
}

/// `account.get` result: who the account is, as a person reads it.
public struct AccountInfo: Codable, Sendable, Equatable {
    public struct JobRef: Codable, Sendable, Equatable {
        public var number: Int
        public var name: String
        public init(number: Int, name: String) { self.number = number; self.name = name }
    }
    /// The store representative; only present when a user is assigned.
    public struct Representative: Codable, Sendable, Equatable {
        public var firstName: String
        public var lastName: String
        public var email: String?
        public var cell: String?
        enum CodingKeys: String, CodingKey { case firstName = "first_name", lastName = "last_name", email, cell }
        public init(firstName: String, lastName: String, email: String?, cell: String?) {
            self.firstName = firstName; self.lastName = lastName; self.email = email; self.cell = cell
        }
    }
    /// Links are always written, null included: a missing link explains missing data.
    public struct Links: Codable, Sendable, Equatable {
        public var erp: String?
        public var accounting: String?
        public var gateway: String?
        public init(erp: String?, accounting: String?, gateway: String?) { self.erp = erp; self.accounting = accounting; self.gateway = gateway }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(erp, forKey: .erp)
            try c.encode(accounting, forKey: .accounting)
            try c.encode(gateway, forKey: .gateway)
        }
    }
    public var number: String
    public var name: String
    public var company: String?
    public var address: [String]
    public var city: String?
    public var region: String?
    public var postalCode: String?
    public var country: String?
    public var phone: String?
    public var receivablesType: String
    public var billingType: String
    public var jobs: [JobRef]
    public var representative: Representative?
    public var links: Links
    public var branch: String?
    public var currency: String
    /// Payments the store rejected that the customer has not acknowledged yet (reason and
    /// message shown until `payment.acknowledge`). Absent when there are none.
    public var rejectedPayments: [RejectionNotice]?
    /// Today at the account's branch (`YYYY-MM-DD`, its zone): the day a front's calendars
    /// start from, so a front never guesses the branch's day. Absent from older daemons.
    public var today: String?

    enum CodingKeys: String, CodingKey {
        case number, name, company, address, city, region, postalCode = "postal_code", country, phone
        case receivablesType = "receivables_type", billingType = "billing_type", jobs, representative, links, branch, currency
        case rejectedPayments = "rejected_payments", today
    }

    public init(number: String, name: String, company: String?, address: [String], city: String?, region: String?,
                postalCode: String?, country: String?, phone: String?, receivablesType: String, billingType: String,
                jobs: [JobRef], representative: Representative?, links: Links, branch: String?, currency: String) {
        self.number = number; self.name = name; self.company = company; self.address = address; self.city = city
        self.region = region; self.postalCode = postalCode; self.country = country; self.phone = phone
        self.receivablesType = receivablesType; self.billingType = billingType; self.jobs = jobs
        self.representative = representative; self.links = links; self.branch = branch; self.currency = currency
    }
}

/// `account.balances` result.
public struct BalancesResult: Codable, Sendable, Equatable {
    public var scope: String
    /// The job these figures cover, when `scope` is `job`.
    public var job: Int?
    public var creditLimit: Int
    public var creditAvailable: Int
    public var outstanding: Int
    public var credits: Int
    public var amountDue: Int
    public var newCharges: Int
    public var total: Int
    public var currency: String

    enum CodingKeys: String, CodingKey {
        case scope, job, creditLimit = "credit_limit", creditAvailable = "credit_available", outstanding, credits
        case amountDue = "amount_due", newCharges = "new_charges", total, currency
    }

    public init(scope: String, job: Int?, creditLimit: Int, creditAvailable: Int, outstanding: Int, credits: Int,
                amountDue: Int, newCharges: Int, total: Int, currency: String) {
        self.scope = scope; self.job = job; self.creditLimit = creditLimit; self.creditAvailable = creditAvailable
        self.outstanding = outstanding; self.credits = credits; self.amountDue = amountDue; self.newCharges = newCharges
        self.total = total; self.currency = currency
    }
}

/// `account.summary` result.
public struct SummaryResult: Codable, Sendable, Equatable {
    public struct OldestInvoice: Codable, Sendable, Equatable {
        public var number: String
        public var date: String
        public init(number: String, date: String) { self.number = number; self.date = date }
    }
    public var totalBalance: Int
    public var totalPastDue: Int
    public var oldestInvoice: OldestInvoice?
    public var invoiceCount: Int
    public var currency: String

    enum CodingKeys: String, CodingKey {
        case totalBalance = "total_balance", totalPastDue = "total_past_due", oldestInvoice = "oldest_invoice"
        case invoiceCount = "invoice_count", currency
    }

    public init(totalBalance: Int, totalPastDue: Int, oldestInvoice: OldestInvoice?, invoiceCount: Int, currency: String) {
        self.totalBalance = totalBalance; self.totalPastDue = totalPastDue; self.oldestInvoice = oldestInvoice
        self.invoiceCount = invoiceCount; self.currency = currency
    }
}

/// `account.activity` result. Dates are `YYYY-MM-DD`; absent when there is no such event.
public struct ActivityResult: Codable, Sendable, Equatable {
    public var lastChargeDate: String?
    public var lastSaleDate: String?
    public var lastPaymentDate: String?
    public var lastPaymentAmount: Int?
    public var ytdSales: Int
    public var mtdSales: Int
    public var priorMonthSales: Int
    public var priorYearSales: Int
    public var currency: String

    enum CodingKeys: String, CodingKey {
        case lastChargeDate = "last_charge_date", lastSaleDate = "last_sale_date", lastPaymentDate = "last_payment_date"
        case lastPaymentAmount = "last_payment_amount", ytdSales = "ytd_sales", mtdSales = "mtd_sales"
        case priorMonthSales = "prior_month_sales", priorYearSales = "prior_year_sales", currency
    }

    public init(lastChargeDate: String?, lastSaleDate: String?, lastPaymentDate: String?, lastPaymentAmount: Int?,
                ytdSales: Int, mtdSales: Int, priorMonthSales: Int, priorYearSales: Int, currency: String) {
        self.lastChargeDate = lastChargeDate; self.lastSaleDate = lastSaleDate; self.lastPaymentDate = lastPaymentDate
        self.lastPaymentAmount = lastPaymentAmount; self.ytdSales = ytdSales; self.mtdSales = mtdSales
        self.priorMonthSales = priorMonthSales; self.priorYearSales = priorYearSales; self.currency = currency
    }
}

/// `items.open` result: what may be paid, invoice by invoice.
public struct OpenItemsResult: Codable, Sendable, Equatable {
    public struct Invoice: Codable, Sendable, Equatable {
        public var id: String
        public var number: String
        public var job: Int?
        public var date: String
        public var dueDate: String?
        public var poNumber: String?
        public var amount: Int
        public var openAmount: Int
        public var amountDue: Int
        public var pastDue: Bool
        /// The kiosk payments that cover this invoice (so it is not offered again): absent or
        /// empty when none does. `id` is the short payment id, `state` one of `pending`,
        /// `scheduled`, `waiting` or `processed` (processed here, not yet in the back office's data).
        public var coveredBy: [Coverage]?
        enum CodingKeys: String, CodingKey {
            case id, number, job, date, dueDate = "due_date", poNumber = "po_number", amount
            case openAmount = "open_amount", amountDue = "amount_due", pastDue = "past_due", coveredBy = "covered_by"
        }
        public init(id: String, number: String, job: Int?, date: String, dueDate: String?, poNumber: String?,
                    amount: Int, openAmount: Int, amountDue: Int, pastDue: Bool, coveredBy: [Coverage]? = nil) {
            self.id = id; self.number = number; self.job = job; self.date = date; self.dueDate = dueDate
            self.poNumber = poNumber; self.amount = amount; self.openAmount = openAmount; self.amountDue = amountDue
            self.pastDue = pastDue; self.coveredBy = coveredBy
        }
    }
    /// A payment covering an invoice, as `items.open` names it.
    public struct Coverage: Codable, Sendable, Equatable {
        public var id: String
        public var state: String
        public init(id: String, state: String) { self.id = id; self.state = state }
    }
    /// This page's invoices, in the whole list's order.
    public var invoices: [Invoice]
    /// The whole scope's, whatever the page.
    public var financeCharges: Int
    public var financeChargesRequired: Bool
    public var currency: String
    /// The page shown (0-based), rows a page, whether later pages follow, and the invoices in
    /// the whole list (PROTOCOL.md "Paged lists").
    public var page: Int
    public var limit: Int
    public var more: Bool
    public var count: Int
    /// Σ `open_amount` and Σ `amount_due` of the WHOLE list, not of the page, so a screen or
    /// table showing one page still shows the account's totals.
    public var openTotal: Int
    public var amountDueTotal: Int

    enum CodingKeys: String, CodingKey {
        case invoices, financeCharges = "finance_charges", financeChargesRequired = "finance_charges_required", currency
        case page, limit, more, count, openTotal = "open_total", amountDueTotal = "amount_due_total"
    }

    /// Without a page's members given, `invoices` is taken as the whole list on one page.
    public init(invoices: [Invoice], financeCharges: Int, financeChargesRequired: Bool, currency: String,
                page: Int = 0, limit: Int = PageWindow.defaultLimit, more: Bool = false, count: Int? = nil,
                openTotal: Int? = nil, amountDueTotal: Int? = nil) {
        self.invoices = invoices; self.financeCharges = financeCharges; self.financeChargesRequired = financeChargesRequired
        self.currency = currency
        self.page = page; self.limit = limit; self.more = more; self.count = count ?? invoices.count
        self.openTotal = openTotal ?? invoices.reduce(0) { $0 + $1.openAmount }
        self.amountDueTotal = amountDueTotal ?? invoices.reduce(0) { $0 + $1.amountDue }
    }

    /// A reply from a daemon before paging (every invoice, no page members) reads as one page
    /// holding the whole list.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let invoices = try c.decode([Invoice].self, forKey: .invoices)
        self.init(invoices: invoices, financeCharges: try c.decode(Int.self, forKey: .financeCharges),
                  financeChargesRequired: try c.decode(Bool.self, forKey: .financeChargesRequired),
                  currency: try c.decode(String.self, forKey: .currency),
                  page: try c.decodeIfPresent(Int.self, forKey: .page) ?? 0,
                  limit: try c.decodeIfPresent(Int.self, forKey: .limit) ?? max(PageWindow.defaultLimit, invoices.count),
                  more: try c.decodeIfPresent(Bool.self, forKey: .more) ?? false,
                  count: try c.decodeIfPresent(Int.self, forKey: .count),
                  openTotal: try c.decodeIfPresent(Int.self, forKey: .openTotal),
                  amountDueTotal: try c.decodeIfPresent(Int.self, forKey: .amountDueTotal))
    }
}

/// `sync.apply` result: per kind of record, how many were inserted, updated or left unchanged.
public struct SyncApplyResult: Codable, Sendable, Equatable {
    public struct Counts: Codable, Sendable, Equatable {
        public var inserted: Int
        public var updated: Int
        public var unchanged: Int
        public init(inserted: Int = 0, updated: Int = 0, unchanged: Int = 0) {
            self.inserted = inserted; self.updated = updated; self.unchanged = unchanged
        }
    }
    public var asOf: String
    public var branches: Counts
    public var users: Counts
    public var profiles: Counts
    public var accounts: Counts
    /// Rows written for the accounts that changed (items, sales, payments, cards, statements, jobs, contacts).
    public var rowsWritten: Int

    enum CodingKeys: String, CodingKey { case asOf = "as_of", branches, users, profiles, accounts, rowsWritten = "rows_written" }

    public init(asOf: String, branches: Counts, users: Counts, profiles: Counts, accounts: Counts, rowsWritten: Int) {
        self.asOf = asOf; self.branches = branches; self.users = users; self.profiles = profiles
        self.accounts = accounts; self.rowsWritten = rowsWritten
    }

    /// True when applying the document changed nothing.
    public var changedNothing: Bool {
        [branches, users, profiles, accounts].allSatisfy { $0.inserted == 0 && $0.updated == 0 }
    }
}

/// A rejected payment as the customer is told about it.
public struct RejectionNotice: Codable, Sendable, Equatable {
    public var payment: String
    public var amount: Int
    public var currency: String
    public var createdAt: String
    /// `account_issue_call` or `payment_issue_call`.
    public var reason: String
    /// The reason as the customer reads it ("Account issue – please call the store").
    public var reasonText: String
    public var message: String
    public init(payment: String, amount: Int, currency: String, createdAt: String, reason: String, message: String) {
        self.payment = payment; self.amount = amount; self.currency = currency; self.createdAt = createdAt; self.reason = reason
        self.message = message
        reasonText = reason == "account_issue_call" ? "Account issue – please call the store" : "Payment issue – please call the store"
    }
    enum CodingKeys: String, CodingKey { case payment, amount, currency, createdAt = "created_at", reason, reasonText = "reason_text", message }
}
