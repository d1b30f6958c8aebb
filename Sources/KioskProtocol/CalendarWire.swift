import Foundation

/// `calendar.month` params: one month of the payments calendar.
public struct CalendarMonthParams: Codable, Sendable, Equatable, NamesAccount {
    public var account: String?
    public var job: Int?
    public var year: Int
    /// 1–12.
    public var month: Int
    public init(account: String? = nil, job: Int? = nil, year: Int, month: Int) {
        self.account = account; self.job = job; self.year = year; self.month = month
    }
}

/// A count of payments and their total.
public struct CalendarTally: Codable, Sendable, Equatable {
    public var count: Int
    public var total: Int
    public init(count: Int, total: Int) { self.count = count; self.total = total }
}

/// `calendar.month` result: only days with at least one payment, in date order.
public struct CalendarMonthResult: Codable, Sendable, Equatable {
    public struct Day: Codable, Sendable, Equatable {
        public var date: String
        public var scheduled: CalendarTally
        public var autopay: CalendarTally
        public init(date: String, scheduled: CalendarTally, autopay: CalendarTally) { self.date = date; self.scheduled = scheduled; self.autopay = autopay }
    }
    public var year: Int
    public var month: Int
    public var days: [Day]
    public var currency: String
    public init(year: Int, month: Int, days: [Day], currency: String) { self.year = year; self.month = month; self.days = days; self.currency = currency }
}

/// `calendar.day` params.
public struct CalendarDayParams: Codable, Sendable, Equatable, NamesAccount {
    public var account: String?
    public var job: Int?
    /// `YYYY-MM-DD`.
    public var date: String
    public init(account: String? = nil, job: Int? = nil, date: String) { self.account = account; self.job = job; self.date = date }
}

/// `calendar.day` result: the day's tallies and its payments.
public struct CalendarDayResult: Codable, Sendable, Equatable {
    public struct Payment: Codable, Sendable, Equatable {
        public struct Rule: Codable, Sendable, Equatable {
            public var id: String
            public var position: Int
            public init(id: String, position: Int) { self.id = id; self.position = position }
        }
        public struct Line: Codable, Sendable, Equatable {
            public var id: String
            public var number: String?
            public var amount: Int
            public init(id: String, number: String?, amount: Int) { self.id = id; self.number = number; self.amount = amount }
        }
        /// `scheduled` or `autopay`.
        public var kind: String
        /// Absent for an autopay payment projected from a rule (none exists yet).
        public var id: String?
        public var state: String?
        public var job: Int?
        public var amount: Int
        public var methodDescription: String
        public var rule: Rule?
        public var lines: [Line]
        enum CodingKeys: String, CodingKey { case kind, id, state, job, amount, methodDescription = "method_description", rule, lines }
        public init(kind: String, id: String?, state: String?, job: Int?, amount: Int, methodDescription: String, rule: Rule?, lines: [Line]) {
            self.kind = kind; self.id = id; self.state = state; self.job = job; self.amount = amount
            self.methodDescription = methodDescription; self.rule = rule; self.lines = lines
        }
    }
    public var date: String
    public var scheduled: CalendarTally
    public var autopay: CalendarTally
    public var payments: [Payment]
    public var currency: String
    public init(date: String, scheduled: CalendarTally, autopay: CalendarTally, payments: [Payment], currency: String) {
        self.date = date; self.scheduled = scheduled; self.autopay = autopay; self.payments = payments; self.currency = currency
    }
}
