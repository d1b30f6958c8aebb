import Foundation

/// `statement.current` params: the statement of a scope as of today, built on request.
public struct CurrentStatementParams: Codable, Sendable, Equatable, NamesAccount {
    public var account: String?
    public var job: Int?
    public init(account: String? = nil, job: Int? = nil) { self.account = account; self.job = job }
}

/// `statement.current` result (DOMAIN.md "Statements, credits, history").
public struct CurrentStatementResult: Codable, Sendable, Equatable {
    public struct LastStatement: Codable, Sendable, Equatable {
        public var number: String
        public var issuedAt: String
        enum CodingKeys: String, CodingKey { case number, issuedAt = "issued_at" }
        public init(number: String, issuedAt: String) { self.number = number; self.issuedAt = issuedAt }
    }
    /// An open charge, aged.
    public struct Item: Codable, Sendable, Equatable {
        public var id: String
        public var kind: String
        public var number: String
        public var date: String
        public var dueDate: String?
        public var poNumber: String?
        public var openAmount: Int
        public var daysPastDue: Int
        /// An `aging` key.
        public var bucket: String
        enum CodingKeys: String, CodingKey {
            case id, kind, number, date, dueDate = "due_date", poNumber = "po_number", openAmount = "open_amount"
            case daysPastDue = "days_past_due", bucket
        }
        public init(id: String, kind: String, number: String, date: String, dueDate: String?, poNumber: String?, openAmount: Int,
                    daysPastDue: Int, bucket: String) {
            self.id = id; self.kind = kind; self.number = number; self.date = date; self.dueDate = dueDate; self.poNumber = poNumber
            self.openAmount = openAmount; self.daysPastDue = daysPastDue; self.bucket = bucket
        }
    }
    /// Open amounts per bucket.
    public struct Aging: Codable, Sendable, Equatable {
        public var current: Int, days1to30: Int, days31to60: Int, days61to90: Int, over90: Int
        enum CodingKeys: String, CodingKey {
            case current, days1to30 = "1_30", days31to60 = "31_60", days61to90 = "61_90", over90 = "over_90"
        }
        public init(current: Int, days1to30: Int, days31to60: Int, days61to90: Int, over90: Int) {
            self.current = current; self.days1to30 = days1to30; self.days31to60 = days31to60; self.days61to90 = days61to90; self.over90 = over90
        }
    }
    /// A record since the last statement; `amount` positive, `kind` gives the sign.
    public struct Activity: Codable, Sendable, Equatable {
        public var date: String
        public var kind: String
        public var id: String
        public var number: String
        public var amount: Int
        public init(date: String, kind: String, id: String, number: String, amount: Int) {
            self.date = date; self.kind = kind; self.id = id; self.number = number; self.amount = amount
        }
    }
    public struct ActivityTotals: Codable, Sendable, Equatable {
        public var charges: Int, payments: Int, credits: Int
        public init(charges: Int, payments: Int, credits: Int) { self.charges = charges; self.payments = payments; self.credits = credits }
    }
    public var scope: String
    public var job: Int?
    public var date: String
    public var lastStatement: LastStatement?
    public var items: [Item]
    public var aging: Aging
    public var activity: [Activity]
    public var activityTotals: ActivityTotals
    /// As in `account.balances`.
    public var credits: Int
    /// Σ aging − credits: `account.balances`' total.
    public var amountDue: Int
    public var currency: String
    enum CodingKeys: String, CodingKey {
        case scope, job, date, lastStatement = "last_statement", items, aging, activity, activityTotals = "activity_totals"
        case credits, amountDue = "amount_due", currency
    }
    public init(scope: String, job: Int?, date: String, lastStatement: LastStatement?, items: [Item], aging: Aging, activity: [Activity],
                activityTotals: ActivityTotals, credits: Int, amountDue: Int, currency: String) {
        self.scope = scope; self.job = job; self.date = date; self.lastStatement = lastStatement; self.items = items; self.aging = aging
        self.activity = activity; self.activityTotals = activityTotals; self.credits = credits; self.amountDue = amountDue; self.currency = currency
    }
}
