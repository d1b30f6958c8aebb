import Foundation

/// Who changed a payment: a caller (uid, user, role as the audit log names them) or the kiosk
/// itself (`user: "kioskd"`, `role: "daemon"`, no uid).
public struct PaymentActorWire: Codable, Sendable, Equatable {
    public var uid: UInt32?
    public var user: String?
    public var role: String
    public init(uid: UInt32?, user: String?, role: String) { self.uid = uid; self.user = user; self.role = role }
}

/// One change of a payment's state (`payment.get` `history[]`).
public struct PaymentHistoryWire: Codable, Sendable, Equatable {
    /// RFC 3339, UTC.
    public var at: String
    /// Absent: the payment was made.
    public var from: String?
    public var to: String
    public var actor: PaymentActorWire
    public var reason: String?
    public var message: String?
    public init(at: String, from: String?, to: String, actor: PaymentActorWire, reason: String?, message: String?) {
        self.at = at; self.from = from; self.to = to; self.actor = actor; self.reason = reason; self.message = message
    }
}

/// `payment.delete` params: an optional reason, kept in the payment's history and shown by
/// `report.day` (1–200 characters, never card data).
public struct PaymentDeleteParams: Codable, Sendable, Equatable {
    public var id: String
    public var reason: String?
    public init(id: String, reason: String? = nil) { self.id = id; self.reason = reason }
}

/// `report.day` params: the branch's day, `YYYY-MM-DD` (absent: today).
public struct ReportDayParams: Codable, Sendable, Equatable {
    public var date: String?
    public init(date: String? = nil) { self.date = date }
}

/// `report.range` params: first and last day, `YYYY-MM-DD`, inclusive.
public struct ReportRangeParams: Codable, Sendable, Equatable {
    public var from: String
    public var to: String
    public init(from: String, to: String) { self.from = from; self.to = to }
}

/// A count and, per currency, a count and an amount (minor units).
public struct ReportTallyWire: Codable, Sendable, Equatable {
    public struct Total: Codable, Sendable, Equatable {
        public var currency: String
        public var count: Int
        public var amount: Int
        public init(currency: String, count: Int, amount: Int) { self.currency = currency; self.count = count; self.amount = amount }
    }
    public var count: Int
    public var totals: [Total]
    public init(count: Int, totals: [Total]) { self.count = count; self.totals = totals }
}

/// Payments taken on a day (or a range), deleted ones not included.
public struct ReportPaymentsWire: Codable, Sendable, Equatable {
    public struct ByState: Codable, Sendable, Equatable {
        public var state: String
        public var count: Int
        public var totals: [ReportTallyWire.Total]
        public init(state: String, count: Int, totals: [ReportTallyWire.Total]) { self.state = state; self.count = count; self.totals = totals }
    }
    public struct ByMethod: Codable, Sendable, Equatable {
        public var method: String
        public var count: Int
        public var totals: [ReportTallyWire.Total]
        public init(method: String, count: Int, totals: [ReportTallyWire.Total]) { self.method = method; self.count = count; self.totals = totals }
    }
    public var count: Int
    public var totals: [ReportTallyWire.Total]
    public var byState: [ByState]
    public var byMethod: [ByMethod]
    public init(count: Int, totals: [ReportTallyWire.Total], byState: [ByState], byMethod: [ByMethod]) {
        self.count = count; self.totals = totals; self.byState = byState; self.byMethod = byMethod
    }
    enum CodingKeys: String, CodingKey { case count, totals, byState = "by_state", byMethod = "by_method" }
}

/// A payment rejected or deleted on the day, with who, when and why.
public struct ReportEventWire: Codable, Sendable, Equatable {
    public var id: String
    public var account: String
    public var job: Int?
    public var amount: Int
    public var currency: String
    /// When it was taken (RFC 3339, UTC).
    public var takenAt: String
    /// When it was rejected or deleted.
    public var at: String
    public var actor: PaymentActorWire
    public var reason: String?
    public var message: String?
    public init(id: String, account: String, job: Int?, amount: Int, currency: String, takenAt: String, at: String, actor: PaymentActorWire,
                reason: String?, message: String?) {
        self.id = id; self.account = account; self.job = job; self.amount = amount; self.currency = currency; self.takenAt = takenAt
        self.at = at; self.actor = actor; self.reason = reason; self.message = message
    }
    enum CodingKeys: String, CodingKey { case id, account, job, amount, currency, takenAt = "taken_at", at, actor, reason, message }
}

/// The outbox entries not delivered yet, as of the report's making.
public struct ReportOutboxWire: Codable, Sendable, Equatable {
    public struct Topic: Codable, Sendable, Equatable {
        public var topic: String
        public var count: Int
        public var oldest: String
        public init(topic: String, count: Int, oldest: String) { self.topic = topic; self.count = count; self.oldest = oldest }
    }
    public var undelivered: Int
    public var oldest: String?
    public var byTopic: [Topic]
    public init(undelivered: Int, oldest: String?, byTopic: [Topic]) { self.undelivered = undelivered; self.oldest = oldest; self.byTopic = byTopic }
    enum CodingKeys: String, CodingKey { case undelivered, oldest, byTopic = "by_topic" }
}

/// `report.day` result: the end of day a manager reconciles before closing.
public struct ReportDayResult: Codable, Sendable, Equatable {
    public var date: String
    public var payments: ReportPaymentsWire
    /// Payments taken that day and deleted since: not in `payments`.
    public var deleted: ReportTallyWire
    /// Payments rejected that day (whenever taken), oldest first.
    public var rejections: [ReportEventWire]
    /// Payments deleted or cancelled that day (whenever taken), oldest first.
    public var deletions: [ReportEventWire]
    public var outbox: ReportOutboxWire
    public init(date: String, payments: ReportPaymentsWire, deleted: ReportTallyWire, rejections: [ReportEventWire],
                deletions: [ReportEventWire], outbox: ReportOutboxWire) {
        self.date = date; self.payments = payments; self.deleted = deleted; self.rejections = rejections
        self.deletions = deletions; self.outbox = outbox
    }
}

/// `report.range` result: one row per day (every day, empty ones too), and the range's totals.
public struct ReportRangeResult: Codable, Sendable, Equatable {
    public struct Day: Codable, Sendable, Equatable {
        public var date: String
        public var payments: ReportPaymentsWire
        public var deleted: ReportTallyWire
        public init(date: String, payments: ReportPaymentsWire, deleted: ReportTallyWire) {
            self.date = date; self.payments = payments; self.deleted = deleted
        }
    }
    public var from: String
    public var to: String
    public var days: [Day]
    public var payments: ReportPaymentsWire
    public var deleted: ReportTallyWire
    public init(from: String, to: String, days: [Day], payments: ReportPaymentsWire, deleted: ReportTallyWire) {
        self.from = from; self.to = to; self.days = days; self.payments = payments; self.deleted = deleted
    }
    /// The longest range one call covers.
    public static let maximumDays = 366
}
