import Foundation

/// `invoices.list` params: the invoice history, closed invoices included.
public struct InvoicesListParams: Codable, Sendable, Equatable, NamesAccount {
    public enum Status: String, Codable, Sendable, CaseIterable { case open, closed, all }
    public var account: String?
    public var job: Int?
    /// Default `all`.
    public var status: Status?
    /// 1–40 characters of an invoice number or PO number, any case.
    public var search: String?
    /// 0-based, 25 invoices a page unless `limit` says.
    public var page: Int?
    /// Rows a page, 1–100; absent: 25.
    public var limit: Int?
    public init(account: String? = nil, job: Int? = nil, status: Status? = nil, search: String? = nil, page: Int? = nil,
                limit: Int? = nil) {
        self.account = account; self.job = job; self.status = status; self.search = search; self.page = page; self.limit = limit
    }
}

/// What every view of one invoice says about it (a list row, the detail), written flat
/// beside the view's own members.
public struct InvoiceFacts: Codable, Sendable, Equatable {
    public var id: String
    public var number: String
    public var job: Int?
    public var date: String
    public var dueDate: String?
    public var poNumber: String?
    public var amount: Int
    public var openAmount: Int
    /// `open` or `closed` (nothing open on it any more).
    public var status: String
    /// Open and due before today.
    public var pastDue: Bool
    enum CodingKeys: String, CodingKey {
        case id, number, job, date, dueDate = "due_date", poNumber = "po_number", amount, openAmount = "open_amount"
        case status, pastDue = "past_due"
    }
    public init(id: String, number: String, job: Int?, date: String, dueDate: String?, poNumber: String?, amount: Int,
                openAmount: Int, status: String, pastDue: Bool) {
        self.id = id; self.number = number; self.job = job; self.date = date; self.dueDate = dueDate; self.poNumber = poNumber
        self.amount = amount; self.openAmount = openAmount; self.status = status; self.pastDue = pastDue
    }
}

/// `invoices.list` result, newest first.
public struct InvoicesListResult: Codable, Sendable, Equatable {
    public static let pageSize = PageWindow.defaultLimit
    public struct Row: Codable, Sendable, Equatable {
        public var invoice: InvoiceFacts
        /// The kiosk payments covering it, as in `items.open` (`[]` when none).
        public var coveredBy: [OpenItemsResult.Coverage]
        enum CodingKeys: String, CodingKey { case coveredBy = "covered_by" }
        public init(invoice: InvoiceFacts, coveredBy: [OpenItemsResult.Coverage]) { self.invoice = invoice; self.coveredBy = coveredBy }
        public init(from decoder: any Decoder) throws {
            invoice = try InvoiceFacts(from: decoder)
            coveredBy = try decoder.container(keyedBy: CodingKeys.self).decode([OpenItemsResult.Coverage].self, forKey: .coveredBy)
        }
        public func encode(to encoder: any Encoder) throws {
            try invoice.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(coveredBy, forKey: .coveredBy)
        }
    }
    public var invoices: [Row]
    public var page: Int
    public var more: Bool
    public var currency: String
    /// Rows a page, and the invoices in the whole (filtered) list.
    public var limit: Int
    public var count: Int
    public init(invoices: [Row], page: Int, more: Bool, currency: String, limit: Int = PageWindow.defaultLimit, count: Int? = nil) {
        self.invoices = invoices; self.page = page; self.more = more; self.currency = currency; self.limit = limit
        self.count = count ?? page * limit + invoices.count
    }
    enum CodingKeys: String, CodingKey { case invoices, page, more, currency, limit, count }
    /// A daemon before `limit` and `count` sent pages of 25 and no count.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(invoices: try c.decode([Row].self, forKey: .invoices), page: try c.decode(Int.self, forKey: .page),
                  more: try c.decode(Bool.self, forKey: .more), currency: try c.decode(String.self, forKey: .currency),
                  limit: try c.decodeIfPresent(Int.self, forKey: .limit) ?? PageWindow.defaultLimit,
                  count: try c.decodeIfPresent(Int.self, forKey: .count))
    }
}

/// `invoice.get` params: one invoice of the account, open or closed.
public struct InvoiceGetParams: Codable, Sendable, Equatable, NamesAccount {
    public var account: String?
    public var id: String
    public init(account: String? = nil, id: String) { self.account = account; self.id = id }
}

/// `invoice.get` result: the invoice, what paid it, and what is paying it.
public struct InvoiceDetail: Codable, Sendable, Equatable {
    /// An invoice line as the sync sent it (`lines` is `[]` when the sync sent none).
    public struct Line: Codable, Sendable, Equatable {
        public var name: String
        public var amount: Int
        public init(name: String, amount: Int) { self.name = name; self.amount = amount }
    }
    /// A back-office payment applied to it.
    public struct Applied: Codable, Sendable, Equatable {
        public var payment: String
        public var date: String
        /// The part applied to this invoice.
        public var amount: Int
        public var method: String
        public init(payment: String, date: String, amount: Int, method: String) {
            self.payment = payment; self.date = date; self.amount = amount; self.method = method
        }
    }
    /// A kiosk payment covering it: its state, what it pays on this invoice, its day if dated.
    public struct Covering: Codable, Sendable, Equatable {
        public var id: String
        public var state: String
        public var amount: Int
        public var payOn: String?
        enum CodingKeys: String, CodingKey { case id, state, amount, payOn = "pay_on" }
        public init(id: String, state: String, amount: Int, payOn: String?) {
            self.id = id; self.state = state; self.amount = amount; self.payOn = payOn
        }
    }
    public var invoice: InvoiceFacts
    public var amountDue: Int
    public var lines: [Line]
    public var applied: [Applied]
    public var coveredBy: [Covering]
    /// The autopay rule that will pay it, and its pay day.
    public struct Autopay: Codable, Sendable, Equatable {
        public var rule: String
        public var position: Int
        public var date: String
        public init(rule: String, position: Int, date: String) { self.rule = rule; self.position = position; self.date = date }
    }
    public var autopay: Autopay?
    public var currency: String
    enum CodingKeys: String, CodingKey { case amountDue = "amount_due", lines, applied, coveredBy = "covered_by", autopay, currency }
    public init(invoice: InvoiceFacts, amountDue: Int, lines: [Line], applied: [Applied], coveredBy: [Covering], autopay: Autopay? = nil,
                currency: String) {
        self.invoice = invoice; self.amountDue = amountDue; self.lines = lines; self.applied = applied; self.coveredBy = coveredBy
        self.autopay = autopay; self.currency = currency
    }
    public init(from decoder: any Decoder) throws {
        invoice = try InvoiceFacts(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        amountDue = try c.decode(Int.self, forKey: .amountDue)
        lines = try c.decode([Line].self, forKey: .lines)
        applied = try c.decode([Applied].self, forKey: .applied)
        coveredBy = try c.decode([Covering].self, forKey: .coveredBy)
        autopay = try c.decodeIfPresent(Autopay.self, forKey: .autopay)
        currency = try c.decode(String.self, forKey: .currency)
    }
    public func encode(to encoder: any Encoder) throws {
        try invoice.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(amountDue, forKey: .amountDue)
        try c.encode(lines, forKey: .lines)
        try c.encode(applied, forKey: .applied)
        try c.encode(coveredBy, forKey: .coveredBy)
        try c.encodeIfPresent(autopay, forKey: .autopay)
        try c.encode(currency, forKey: .currency)
    }
}
