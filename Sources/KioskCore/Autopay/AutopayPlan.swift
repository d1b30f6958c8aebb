/// When autopay pays which invoice (DOMAIN.md "Autopay rules", "Pay day"), and the payments a
/// run makes: one per day, scope and rule, a line per invoice. The calendar's projections and
/// the daily run are both this plan, so what the calendar shows is what the run does.
public enum AutopayPlan {
    /// Only days up to a year ahead are looked at.
    public static let horizonDays = PaymentSchedule.daysAhead

    /// An open invoice autopay may pay: its facts, its amount due, and whether a payment
    /// already covers it (pending, scheduled, waiting, or processed here and not applied).
    public struct Invoice: Sendable, Equatable {
        public var facts: AutopayInvoice
        public var amountDue: Int
        public var covered: Bool
        /// The payment scope it is paid in: its job on a job-billed account, nil (the whole
        /// account) on an account billed by account.
        public var scope: Int?
        public init(facts: AutopayInvoice, amountDue: Int, covered: Bool) {
            self.init(facts: facts, amountDue: amountDue, covered: covered, scope: facts.job)
        }
        public init(facts: AutopayInvoice, amountDue: Int, covered: Bool, scope: Int?) {
            self.facts = facts; self.amountDue = amountDue; self.covered = covered; self.scope = scope
        }
    }

    /// A rule with what its method allows: the method's job (its rule pays only that job's
    /// invoices), whether it is ready (not saving, failed or removed), and a card's expiry.
    public struct Rule: Sendable, Equatable {
        public var rule: AutopayRule
        public var methodJob: Int?
        public var methodReady: Bool
        /// A card's last month (`YYYY-MM`'s year and month); nil: it does not expire.
        public var expiry: (year: Int, month: Int)?
        public init(rule: AutopayRule, methodJob: Int?, methodReady: Bool, expiry: (year: Int, month: Int)?) {
            self.rule = rule; self.methodJob = methodJob; self.methodReady = methodReady; self.expiry = expiry
        }

        /// The rule runs on `day`: enabled, its method ready and not expired then.
        func runs(on day: LocalDate) -> Bool {
            guard rule.enabled, methodReady else { return false }
            guard let expiry else { return true }
            return (day.year, day.month) <= (expiry.year, expiry.month)
        }

        public static func == (a: Rule, b: Rule) -> Bool {
            a.rule == b.rule && a.methodJob == b.methodJob && a.methodReady == b.methodReady
                && a.expiry?.year == b.expiry?.year && a.expiry?.month == b.expiry?.month
        }
    }

    /// One invoice's pay day and the rule that pays it.
    public struct Assignment: Sendable, Equatable {
        public var invoice: Invoice
        public var day: LocalDate
        public var rule: AutopayRule
    }

    /// A payment autopay makes (or will make) on `day`: one scope (the invoices' job, nil for
    /// an account billed by account), one rule, a line per invoice in invoice-number order.
    public struct Payment: Sendable, Equatable {
        public var day: LocalDate
        public var job: Int?
        public var rule: AutopayRule
        public var lines: [(invoice: String, number: String, amount: Int)]
        public var total: Int { lines.reduce(0) { $0 + $1.amount } }

        public static func == (a: Payment, b: Payment) -> Bool {
            a.day == b.day && a.job == b.job && a.rule == b.rule && a.lines.map(\.invoice) == b.lines.map(\.invoice)
                && a.lines.map(\.amount) == b.lines.map(\.amount)
        }
    }

    /// The first day from `today` (and not before the invoice's due date, or its date when it
    /// has none) on which a rule runs and matches it, and the first such rule in position
    /// order; nil when none does within the horizon, or when the invoice is covered or owes
    /// nothing.
    public static func assignment(_ invoice: Invoice, rules: [Rule], today: LocalDate) -> Assignment? {
        guard !invoice.covered, invoice.amountDue > 0 else { return nil }
        let ordered = rules.sorted { $0.rule.position < $1.rule.position }
        guard ordered.contains(where: { $0.rule.enabled && $0.methodReady }) else { return nil }
        let earliest = max(today, invoice.facts.dueDate ?? invoice.facts.date)
        let last = today.adding(days: horizonDays)
        var day = earliest
        while day <= last {
            if let rule = ordered.first(where: { $0.runs(on: day) && $0.rule.matches(invoice.facts, on: day, methodJob: $0.methodJob) }) {
                return Assignment(invoice: invoice, day: day, rule: rule.rule)
            }
            day = day.adding(days: 1)
        }
        return nil
    }

    /// Every payment autopay will make from `today` through `through`, by day, then rule
    /// position, then scope: the calendar's projections. A run makes those of `today`.
    public static func payments(_ invoices: [Invoice], rules: [Rule], today: LocalDate, through: LocalDate) -> [Payment] {
        var groups: [String: Payment] = [:]
        var order: [String] = []
        for a in invoices.compactMap({ assignment($0, rules: rules, today: today) }) where a.day <= through {
            let key = "\(a.day)|\(a.rule.id)|\(a.invoice.scope.map(String.init) ?? "-")"
            if groups[key] == nil {
                groups[key] = Payment(day: a.day, job: a.invoice.scope, rule: a.rule, lines: [])
                order.append(key)
            }
            groups[key]!.lines.append((a.invoice.facts.id, a.invoice.facts.number, a.invoice.amountDue))
        }
        return order.compactMap { key -> Payment? in
            guard var p = groups[key] else { return nil }
            p.lines.sort { InvoiceNumberOrder.precedes($0.number, $1.number) }
            return p
        }.sorted { a, b in
            if a.day != b.day { return a.day < b.day }
            if a.rule.position != b.rule.position { return a.rule.position < b.rule.position }
            return (a.job ?? -1) < (b.job ?? -1)
        }
    }
}
