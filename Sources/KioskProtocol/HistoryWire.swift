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
        public init(number: String, issuedAt: String, job: Int?) { self.number = number; self.issuedAt = issuedAt; self.job = job }
        enum CodingKeys: String, CodingKey { case number, issuedAt = "issued_at", job }
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
        /// `YYYY-MM-DD` (processed) or the RFC 3339 instant the kiosk took it (pending).
        public var date: String
        public var job: Int?
        public var amount: Int
        public var method: String
        /// `processed` (from the back office), or a kiosk payment's state (`pending`, …).
        public var state: String
        /// Taken at this kiosk and not yet in the back office's records.
        public var pending: Bool
        public init(id: String, date: String, job: Int?, amount: Int, method: String, state: String, pending: Bool) {
            self.id = id; self.date = date; self.job = job; self.amount = amount; self.method = method; self.state = state; self.pending = pending
        }
    }
    public var payments: [Row]
    public var currency: String
    public init(payments: [Row], currency: String) { self.payments = payments; self.currency = currency }
}
