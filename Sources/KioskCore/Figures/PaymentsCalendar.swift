/// The payments calendar (DOMAIN.md "Payments calendar"): per day, the scheduled payments and
/// the autopay payments, each kind as a count and a total, with a breakdown per payment.
///
/// What falls on which day is decided here, once, for `calendar.month` and `calendar.day`:
/// a scheduled payment on its `pay_on`; a waiting one on today (it runs as soon as the
/// payment it waits for is settled); nothing before today. A payment made by an autopay rule
/// is of kind autopay; the rules' projected payments join as autopay entries when rules
/// exist (`projected`).
public enum PaymentsCalendar {
    public enum Kind: String, Sendable, Equatable { case scheduled, autopay }

    /// A kiosk payment as the calendar needs it.
    public struct Payment: Sendable, Equatable {
        public var id: String
        public var state: PaymentState
        public var payOn: LocalDate?
        public var job: Int?
        public var amount: Int
        public var methodDescription: String
        /// The rule that made it, when one did.
        public var rule: RuleRef?
        /// What it pays: an invoice id, `finance_charges` or `balance`, with the amount.
        public var lines: [Line]
        /// RFC 3339, for the order within a day.
        public var createdAt: String
        public init(id: String, state: PaymentState, payOn: LocalDate?, job: Int?, amount: Int, methodDescription: String,
                    rule: RuleRef? = nil, lines: [Line], createdAt: String) {
            self.id = id; self.state = state; self.payOn = payOn; self.job = job; self.amount = amount
            self.methodDescription = methodDescription; self.rule = rule; self.lines = lines; self.createdAt = createdAt
        }
    }

    public struct RuleRef: Sendable, Equatable {
        public var id: String
        public var position: Int
        public init(id: String, position: Int) { self.id = id; self.position = position }
    }

    public struct Line: Sendable, Equatable {
        public var id: String
        public var amount: Int
        public init(id: String, amount: Int) { self.id = id; self.amount = amount }
    }

    /// One payment on one day: a kiosk payment (`payment` set) or a projected autopay one.
    public struct Entry: Sendable, Equatable {
        public var kind: Kind
        public var date: LocalDate
        public var payment: Payment
        /// False for a rule's projection: no payment exists yet, so it has no id or state.
        public var exists: Bool
    }

    public struct Tally: Sendable, Equatable {
        public var count = 0
        public var total = 0
        public init() {}
        mutating func add(_ amount: Int) { count += 1; total += amount }
    }

    public struct Day: Sendable, Equatable {
        public var date: LocalDate
        public var scheduled = Tally()
        public var autopay = Tally()
    }

    /// The entries of the kiosk's payments, from `today`, for `job` (nil: the whole account).
    /// Pending, processed, rejected and deleted payments are not on the calendar.
    public static func entries(_ payments: [Payment], today: LocalDate, job: Int?) -> [Entry] {
        payments.compactMap { p -> Entry? in
            if let job, p.job != job { return nil }
            let kind: Kind = p.rule == nil ? .scheduled : .autopay
            switch p.state {
            case .scheduled:
                guard let day = p.payOn, day >= today else { return nil }
                return Entry(kind: kind, date: day, payment: p, exists: true)
            case .waiting:
                return Entry(kind: kind, date: today, payment: p, exists: true)
            case .pending, .processed, .rejected, .deleted:
                return nil
            }
        }
    }

    /// The days of `year`-`month` with at least one payment, in date order.
    public static func month(year: Int, month: Int, entries: [Entry]) -> [Day] {
        var days: [LocalDate: Day] = [:]
        for entry in entries where entry.date.year == year && entry.date.month == month {
            var day = days[entry.date] ?? Day(date: entry.date)
            if entry.kind == .scheduled { day.scheduled.add(entry.payment.amount) } else { day.autopay.add(entry.payment.amount) }
            days[entry.date] = day
        }
        return days.values.sorted { $0.date < $1.date }
    }

    /// One day: its tallies and its payments, scheduled ones first (oldest first), then
    /// autopay ones (by rule position, then the first invoice's number order).
    public static func day(_ date: LocalDate, entries: [Entry], numbers: [String: String] = [:]) -> (Day, [Entry]) {
        let on = entries.filter { $0.date == date }
        let summary = month(year: date.year, month: date.month, entries: on).first ?? Day(date: date)
        let ordered = on.sorted { a, b in
            if a.kind != b.kind { return a.kind == .scheduled }
            if a.kind == .scheduled { return (a.payment.createdAt, a.payment.id) < (b.payment.createdAt, b.payment.id) }
            let pa = a.payment.rule?.position ?? .max, pb = b.payment.rule?.position ?? .max
            if pa != pb { return pa < pb }
            let na = a.payment.lines.first.map { numbers[$0.id] ?? $0.id } ?? "", nb = b.payment.lines.first.map { numbers[$0.id] ?? $0.id } ?? ""
            return InvoiceNumberOrder.precedes(na, nb)
        }
        return (summary, ordered)
    }
}
