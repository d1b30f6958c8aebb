import Foundation

/// `statements.list` params: one job's statements (or all), a page of 25, newest first.
public struct StatementsParams: Codable, Sendable, Equatable {
    public var account: String?
    public var job: Int?
    /// 0-based.
    public var page: Int?
    public init(account: String? = nil, job: Int? = nil, page: Int? = nil) { self.account = account; self.job = job; self.page = page }
}

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
    public static let pageSize = 25
    public var statements: [Row]
    public var page: Int
    /// More (older) statements exist after this page ("Load more").
    public var more: Bool
    public init(statements: [Row], page: Int, more: Bool) { self.statements = statements; self.page = page; self.more = more }
}

/// `credits.list` params: which open credits to list.
public struct CreditsParams: Codable, Sendable, Equatable {
    public enum Filter: String, Codable, Sendable, CaseIterable { case all, memos, unapplied }
    public var account: String?
    public var job: Int?
    public var filter: Filter?
    public init(account: String? = nil, job: Int? = nil, filter: Filter? = nil) { self.account = account; self.job = job; self.filter = filter }
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
    public var credits: [Row]
    public var count: Int
    /// Sum of `remaining`.
    public var total: Int
    public var currency: String
    public init(filter: String, credits: [Row], count: Int, total: Int, currency: String) {
        self.filter = filter; self.credits = credits; self.count = count; self.total = total; self.currency = currency
    }
}

/// `history.list` params.
public struct HistoryParams: Codable, Sendable, Equatable {
    public var account: String?
    public var job: Int?
    public init(account: String? = nil, job: Int? = nil) { self.account = account; self.job = job }
}

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
    public var payments: [Row]
    public var currency: String
    public init(payments: [Row], currency: String) { self.payments = payments; self.currency = currency }
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
