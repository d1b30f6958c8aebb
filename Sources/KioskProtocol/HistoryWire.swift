import Foundation

/// `statements.list` params: one job's statements (or all), a page (25 by default), newest first.
public typealias StatementsParams = PagedAccountParams

public struct StatementsResult: Codable, Sendable, Equatable {
    public struct Row: Codable, Sendable, Equatable {
        public var number: String
        public var issuedAt: String
        public var job: Int?
        /// The job's name when the statement is a job's.
        public var jobName: String?
        public init(number: String, issuedAt: String, job: Int?, jobName: String? = nil) {
            self.number = number; self.issuedAt = issuedAt; self.job = job; self.jobName = jobName
        }
        enum CodingKeys: String, CodingKey { case number, issuedAt = "issued_at", job, jobName = "job_name" }
    }
    public static let pageSize = PageWindow.defaultLimit
    public var statements: [Row]
    public var page: Int
    /// More (older) statements exist after this page ("Load more").
    public var more: Bool
    /// Rows a page, and the statements in the whole list.
    public var limit: Int
    public var count: Int
    public init(statements: [Row], page: Int, more: Bool, limit: Int = PageWindow.defaultLimit, count: Int? = nil) {
        self.statements = statements; self.page = page; self.more = more; self.limit = limit
        self.count = count ?? page * limit + statements.count
    }
    enum CodingKeys: String, CodingKey { case statements, page, more, limit, count }
    /// A daemon before `limit` and `count` sent pages of 25 and no count.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(statements: try c.decode([Row].self, forKey: .statements), page: try c.decode(Int.self, forKey: .page),
                  more: try c.decode(Bool.self, forKey: .more), limit: try c.decodeIfPresent(Int.self, forKey: .limit) ?? PageWindow.defaultLimit,
                  count: try c.decodeIfPresent(Int.self, forKey: .count))
    }
}

/// `credits.list` params: which open credits to list.
public struct CreditsParams: Codable, Sendable, Equatable {
    public enum Filter: String, Codable, Sendable, CaseIterable { case all, memos, unapplied }
    public var account: String?
    public var job: Int?
    public var filter: Filter?
    /// 0-based; absent: the first.
    public var page: Int?
    /// Rows a page, 1–100; absent: 25.
    public var limit: Int?
    public init(account: String? = nil, job: Int? = nil, filter: Filter? = nil, page: Int? = nil, limit: Int? = nil) {
        self.account = account; self.job = job; self.filter = filter; self.page = page; self.limit = limit
    }
}

public struct CreditsResult: Codable, Sendable, Equatable {
    public struct Row: Codable, Sendable, Equatable {
        public var id: String
        /// `credit_memo`, `credit_adjustment` or `payment` (unapplied).
        public var kind: String
        public var number: String
        public var date: String
        public var job: Int?
        public var amount: Int
        public var remaining: Int
        public init(id: String, kind: String, number: String, date: String, job: Int?, amount: Int, remaining: Int) {
            self.id = id; self.kind = kind; self.number = number; self.date = date; self.job = job; self.amount = amount; self.remaining = remaining
        }
    }
    public var filter: String
    /// This page's credits.
    public var credits: [Row]
    /// The credits in the whole list (all pages).
    public var count: Int
    /// Sum of `remaining` over the whole list (all pages).
    public var total: Int
    public var currency: String
    public var page: Int
    public var limit: Int
    public var more: Bool
    public init(filter: String, credits: [Row], count: Int, total: Int, currency: String,
                page: Int = 0, limit: Int = PageWindow.defaultLimit, more: Bool = false) {
        self.filter = filter; self.credits = credits; self.count = count; self.total = total; self.currency = currency
        self.page = page; self.limit = limit; self.more = more
    }
    enum CodingKeys: String, CodingKey { case filter, credits, count, total, currency, page, limit, more }
    /// A reply from a daemon before paging (every credit, no page members) reads as one page.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let credits = try c.decode([Row].self, forKey: .credits)
        self.init(filter: try c.decode(String.self, forKey: .filter), credits: credits, count: try c.decode(Int.self, forKey: .count),
                  total: try c.decode(Int.self, forKey: .total), currency: try c.decode(String.self, forKey: .currency),
                  page: try c.decodeIfPresent(Int.self, forKey: .page) ?? 0,
                  limit: try c.decodeIfPresent(Int.self, forKey: .limit) ?? max(PageWindow.defaultLimit, credits.count),
                  more: try c.decodeIfPresent(Bool.self, forKey: .more) ?? false)
    }
}

/// `history.list` params: one job's payments (or all), a page (25 by default), newest first.
public typealias HistoryParams = PagedAccountParams

public struct HistoryResult: Codable, Sendable, Equatable {
    public struct Row: Codable, Sendable, Equatable {
        public var id: String
        /// `backoffice` (the sync's processed payments) or `kiosk` (this kiosk's payments).
        public var source: String
        /// `YYYY-MM-DD` (back office) or the RFC 3339 instant the kiosk took it.
        public var date: String
        public var job: Int?
        public var amount: Int
        public var method: String
        /// `processed`, or a kiosk payment's state: `pending`, `scheduled`, `waiting`, `rejected`.
        public var state: String
        /// True only for `state: "pending"`.
        public var pending: Bool
        /// Scheduled and waiting payments: their day.
        public var payOn: String?
        /// Rejected payments: the reason and the manager's message.
        public var reason: String?
        public var message: String?
        /// Waiting payments: the pending payment they wait for.
        public var waitingFor: String?
        /// A payment an autopay rule made: the rule's id.
        public var autopayRule: String?
        enum CodingKeys: String, CodingKey {
            case id, source, date, job, amount, method, state, pending, payOn = "pay_on", reason, message, waitingFor = "waiting_for"
            case autopayRule = "autopay_rule"
        }
        public init(id: String, source: String = "backoffice", date: String, job: Int?, amount: Int, method: String, state: String,
                    pending: Bool, payOn: String? = nil, reason: String? = nil, message: String? = nil, waitingFor: String? = nil,
                    autopayRule: String? = nil) {
            self.id = id; self.source = source; self.date = date; self.job = job; self.amount = amount; self.method = method
            self.state = state; self.pending = pending; self.payOn = payOn; self.reason = reason; self.message = message
            self.waitingFor = waitingFor; self.autopayRule = autopayRule
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            date = try c.decode(String.self, forKey: .date)
            job = try c.decodeIfPresent(Int.self, forKey: .job)
            amount = try c.decode(Int.self, forKey: .amount)
            method = try c.decode(String.self, forKey: .method)
            state = try c.decode(String.self, forKey: .state)
            pending = try c.decodeIfPresent(Bool.self, forKey: .pending) ?? (state == "pending")
            // Daemons before issue 11 sent no source: a pending row was the kiosk's.
            source = try c.decodeIfPresent(String.self, forKey: .source) ?? (pending ? "kiosk" : "backoffice")
            payOn = try c.decodeIfPresent(String.self, forKey: .payOn)
            reason = try c.decodeIfPresent(String.self, forKey: .reason)
            message = try c.decodeIfPresent(String.self, forKey: .message)
            waitingFor = try c.decodeIfPresent(String.self, forKey: .waitingFor)
            autopayRule = try c.decodeIfPresent(String.self, forKey: .autopayRule)
        }
    }
    /// This page's payments.
    public var payments: [Row]
    public var currency: String
    public var page: Int
    public var limit: Int
    public var more: Bool
    /// The payments in the whole list.
    public var count: Int
    /// Without a page's members given, `payments` is taken as the whole list on one page.
    public init(payments: [Row], currency: String, page: Int = 0, limit: Int = PageWindow.defaultLimit, more: Bool = false,
                count: Int? = nil) {
        self.payments = payments; self.currency = currency; self.page = page; self.limit = limit; self.more = more
        self.count = count ?? payments.count
    }
    enum CodingKeys: String, CodingKey { case payments, currency, page, limit, more, count }
    /// A reply from a daemon before paging (every payment, no page members) reads as one page.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let payments = try c.decode([Row].self, forKey: .payments)
        self.init(payments: payments, currency: try c.decode(String.self, forKey: .currency),
                  page: try c.decodeIfPresent(Int.self, forKey: .page) ?? 0,
                  limit: try c.decodeIfPresent(Int.self, forKey: .limit) ?? max(PageWindow.defaultLimit, payments.count),
                  more: try c.decodeIfPresent(Bool.self, forKey: .more) ?? false, count: try c.decodeIfPresent(Int.self, forKey: .count))
    }
}

/// `payment.get` params: one payment as `history.list` shows it.
public struct PaymentGetParams: Codable, Sendable, Equatable, StaffMayOmitAccount {
    public var account: String?
    public var id: String
    public init(account: String? = nil, id: String) { self.account = account; self.id = id }
}

/// `payment.get` result: the history row's members, plus where the money went.
public struct PaymentDetail: Codable, Sendable, Equatable {
    /// A back-office application of the payment to one item.
    public struct Applied: Codable, Sendable, Equatable {
        public var item: String
        public var number: String?
        public var kind: String?
        public var amount: Int
        public init(item: String, number: String?, kind: String?, amount: Int) {
            self.item = item; self.number = number; self.kind = kind; self.amount = amount
        }
    }
    /// A line chosen at the kiosk: an invoice id (with its number), `finance_charges` or `balance`.
    public struct Line: Codable, Sendable, Equatable {
        public var id: String
        public var number: String?
        public var amount: Int
        public init(id: String, number: String?, amount: Int) { self.id = id; self.number = number; self.amount = amount }
    }
    public var row: HistoryResult.Row
    public var currency: String
    /// `[]` for a kiosk payment.
    public var applied: [Applied]
    /// `[]` for a back-office payment.
    public var lines: [Line]
    /// Staff only, kiosk payments only: every change of its state with who and when, oldest first.
    public var history: [PaymentHistoryWire]?

    public init(row: HistoryResult.Row, currency: String, applied: [Applied], lines: [Line], history: [PaymentHistoryWire]? = nil) {
        self.row = row; self.currency = currency; self.applied = applied; self.lines = lines; self.history = history
    }

    enum CodingKeys: String, CodingKey { case currency, applied, lines, history }

    // The row's members sit beside the detail's, in one object, as PROTOCOL.md says.
    public init(from decoder: any Decoder) throws {
        row = try HistoryResult.Row(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        currency = try c.decode(String.self, forKey: .currency)
        applied = try c.decode([Applied].self, forKey: .applied)
        lines = try c.decode([Line].self, forKey: .lines)
        history = try c.decodeIfPresent([PaymentHistoryWire].self, forKey: .history)
    }

    public func encode(to encoder: any Encoder) throws {
        try row.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(currency, forKey: .currency)
        try c.encode(applied, forKey: .applied)
        try c.encode(lines, forKey: .lines)
        try c.encodeIfPresent(history, forKey: .history)
    }
}
