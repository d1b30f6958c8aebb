import Foundation
import KioskCore
import Testing

/// Autopay's pay days and payments (DOMAIN.md "Autopay rules"), checked on a few hand-made
/// cases and then on random accounts against an independent model written from DOMAIN.md's
/// words, not from `AutopayPlan`.
struct AutopayPlanTests {
    static let today = LocalDate(year: 2026, month: 12, day: 2)!

    static func invoice(_ id: String, job: Int? = 1, amount: Int = 10_000, due: Int? = 10, date: Int = -20, po: String? = nil,
                        lines: [String] = [], amountDue: Int? = nil, covered: Bool = false) -> AutopayPlan.Invoice {
        .init(facts: AutopayInvoice(id: id, number: id, job: job, amount: amount, date: today.adding(days: date),
                                    dueDate: due.map { today.adding(days: $0) }, poNumber: po, lineNames: lines),
              amountDue: amountDue ?? amount, covered: covered)
    }

    static func rule(_ id: String, _ position: Int, _ rows: [AutopayCriterion], enabled: Bool = true, job: Int? = nil, ready: Bool = true,
                     expiry: (Int, Int)? = nil) -> AutopayPlan.Rule {
        .init(rule: AutopayRule(id: id, position: position, method: .cardOnFile("K-\(id)"), enabled: enabled, criteria: rows),
              methodJob: job, methodReady: ready, expiry: expiry.map { (year: $0.0, month: $0.1) })
    }

    @Test("the due date, or today when past due; time criteria move the day; the first rule in order pays; disabled and expired never")
    func payDays() {
        let cheap = AutopayCriterion(field: "amount", op: "le", values: [.number(50_000)])
        let rules = [Self.rule("R2", 2, [cheap]), Self.rule("R1", 1, [cheap], enabled: false),
                     Self.rule("R3", 3, [AutopayCriterion(field: "age_days", op: "ge", values: [.number(45)])])]
        let due = AutopayPlan.assignment(Self.invoice("A"), rules: rules, today: Self.today)
        #expect(due?.day == Self.today.adding(days: 10) && due?.rule.id == "R2", "its due date, by the first enabled rule in order")
        let pastDue = AutopayPlan.assignment(Self.invoice("B", due: -5), rules: rules, today: Self.today)
        #expect(pastDue?.day == Self.today)
        let big = AutopayPlan.assignment(Self.invoice("C", amount: 90_000), rules: rules, today: Self.today)
        #expect(big?.rule.id == "R3" && big?.day == Self.today.adding(days: 25), "45 days from its date (20 days ago)")
        #expect(AutopayPlan.assignment(Self.invoice("D", covered: true), rules: rules, today: Self.today) == nil, "never paid twice")
        #expect(AutopayPlan.assignment(Self.invoice("E", amountDue: 0), rules: rules, today: Self.today) == nil)
        let expiring = [Self.rule("R9", 1, [cheap], expiry: (2026, 12))]
        #expect(AutopayPlan.assignment(Self.invoice("F", due: 40), rules: expiring, today: Self.today) == nil, "the card expires before the day")
        let jobCard = [Self.rule("J2", 1, [cheap], job: 2)]
        #expect(AutopayPlan.assignment(Self.invoice("G", job: 1), rules: jobCard, today: Self.today) == nil, "a job's card pays only that job")
    }

    @Test("one payment per day, scope and rule, lines in invoice-number order")
    func grouping() {
        let any = AutopayCriterion(field: "amount", op: "ge", values: [.number(0)])
        let rules = [Self.rule("R1", 1, [any])]
        let invoices = [Self.invoice("40200", job: 1, amount: 300), Self.invoice("4100", job: 1, amount: 200),
                        Self.invoice("40150", job: 2, amount: 100), Self.invoice("40300", job: 1, amount: 50, due: 11)]
        let payments = AutopayPlan.payments(invoices, rules: rules, today: Self.today, through: Self.today.adding(days: 30))
        #expect(payments.count == 3)
        #expect(payments[0].job == 1 && payments[0].lines.map(\.invoice) == ["4100", "40200"] && payments[0].total == 500)
        #expect(payments[1].job == 2 && payments[2].day == Self.today.adding(days: 11))
        #expect(AutopayPlan.payments(invoices, rules: rules, today: Self.today, through: Self.today.adding(days: 9)).isEmpty)
    }

    // MARK: - The independent model

    /// DOMAIN.md's pay day, read literally: from today, each day in turn (not before the due
    /// date, or the date), the rules in position order; the first enabled rule whose method is
    /// ready and unexpired that day, whose job (if its method has one) is the invoice's, and all
    /// of whose rows hold, pays it.
    static func modelPayDay(_ i: AutopayPlan.Invoice, _ rules: [AutopayPlan.Rule]) -> (LocalDate, String)? {
        if i.covered || i.amountDue <= 0 { return nil }
        let start = i.facts.dueDate ?? i.facts.date
        for offset in 0...365 {
            let d = today.adding(days: offset)
            if d < start { continue }
            for r in rules.sorted(by: { $0.rule.position < $1.rule.position }) {
                if !r.rule.enabled || !r.methodReady { continue }
                if let e = r.expiry, d.year * 12 + d.month > e.year * 12 + e.month { continue }
                if let j = r.methodJob, i.facts.job != j { continue }
                if r.rule.criteria.allSatisfy({ modelHolds($0, i.facts, d) }) { return (d, r.rule.id) }
            }
        }
        return nil
    }

    /// A row holds when some value the invoice has for the field satisfies it; `is_not` when
    /// none equals (an invoice without the value has none, so only `is_not` holds).
    static func modelHolds(_ row: AutopayCriterion, _ i: AutopayInvoice, _ d: LocalDate) -> Bool {
        var have: [AutopayValue] = []
        switch row.field {
        case "job": have = i.job.map { [.number($0)] } ?? []
        case "amount": have = [.number(i.amount)]
        case "age_days": have = [.number(d.days(since: i.date))]
        case "days_until_due": have = [.number((i.dueDate ?? i.date).days(since: d))]
        case "po_number": have = i.poNumber.map { [.text($0)] } ?? []
        case "line_item": have = i.lineNames.map { .text($0) }
        default: return false
        }
        func equal(_ a: AutopayValue, _ b: AutopayValue) -> Bool {
            switch (a, b) {
            case (.number(let x), .number(let y)): x == y
            case (.text(let x), .text(let y)): x.lowercased() == y.lowercased()
            default: false
            }
        }
        func number(_ v: AutopayValue) -> Int? { if case .number(let n) = v { n } else { nil } }
        if row.op == "is_not" { return !have.contains { equal($0, row.values[0]) } }
        return have.contains { h in
            switch row.op {
            case "is": return equal(h, row.values[0])
            case "one_of": return row.values.contains { equal(h, $0) }
            case "contains":
                if case .text(let x) = h, case .text(let y) = row.values[0] { return x.lowercased().contains(y.lowercased()) }
                return false
            case "between": return number(h).map { number(row.values[0])! <= $0 && $0 <= number(row.values[1])! } ?? false
            case "lt": return number(h)! < number(row.values[0])!
            case "le": return number(h)! <= number(row.values[0])!
            case "gt": return number(h)! > number(row.values[0])!
            case "ge": return number(h)! >= number(row.values[0])!
            default: return false
            }
        }
    }

    // MARK: - Random accounts

    /// SplitMix64: the same accounts on every run, so a failure can be replayed from its seed.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let words = ["Lumber", "Delivery", "Nails", "Roofing", "Fuel surcharge"]

    static func randomRow(_ g: inout Seeded, jobs: [Int]) -> AutopayCriterion {
        func n(_ r: ClosedRange<Int>) -> AutopayValue { .number(Int.random(in: r, using: &g)) }
        func w() -> AutopayValue { .text(words.randomElement(using: &g)!) }
        switch Int.random(in: 0..<6, using: &g) {
        case 0: return .init(field: "job", op: ["is", "is_not", "one_of"].randomElement(using: &g)!, values: [.number(jobs.randomElement(using: &g)!)])
        case 1:
            let op = ["is", "is_not", "lt", "le", "gt", "ge", "between"].randomElement(using: &g)!
            if op == "between" { let a = Int.random(in: 0...60_000, using: &g); return .init(field: "amount", op: op, values: [.number(a), .number(a + Int.random(in: 0...40_000, using: &g))]) }
            return .init(field: "amount", op: op, values: [n(0...100_000)])
        case 2: return .init(field: "age_days", op: ["lt", "le", "gt", "ge", "is"].randomElement(using: &g)!, values: [n(0...120)])
        case 3: return .init(field: "days_until_due", op: ["lt", "le", "gt", "ge", "is_not"].randomElement(using: &g)!, values: [n(-30...60)])
        case 4: return .init(field: "po_number", op: ["is", "is_not", "contains"].randomElement(using: &g)!, values: [.text(["PO-1", "po", "SMITH"].randomElement(using: &g)!)])
        default: return .init(field: "line_item", op: ["is", "is_not", "contains", "one_of"].randomElement(using: &g)!, values: [w(), w()].prefix(1).map { $0 })
        }
    }

    @Test("random accounts: every pay day and rule is the model's; no invoice twice; disabled rules never pay; payments group by day, rule and scope",
          arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func againstTheModel(seed: UInt64) {
        var g = Seeded(state: seed)
        var assigned = 0, unassigned = 0, later = 0
        defer {
            // The accounts exercise both outcomes and days after today, or the comparison proves little.
            #expect(assigned > 20 && unassigned > 20 && later > 5, "seed \(seed): \(assigned) assigned, \(unassigned) not, \(later) after today")
        }
        for account in 0..<60 {
            let jobs = [0, 1, 2]
            let invoices: [AutopayPlan.Invoice] = (0..<Int.random(in: 0...12, using: &g)).map { n in
                let amount = Int.random(in: 1...90_000, using: &g)
                let date = Int.random(in: -150...20, using: &g)
                return Self.invoice("I\(account)-\(n)", job: Bool.random(using: &g) ? jobs.randomElement(using: &g)! : nil, amount: amount,
                                    due: Bool.random(using: &g) ? date + 30 : nil, date: date,
                                    po: Bool.random(using: &g) ? ["PO-1", "SMITH-9", "po-22"].randomElement(using: &g)! : nil,
                                    lines: Array(Self.words.shuffled(using: &g).prefix(Int.random(in: 0...3, using: &g))),
                                    amountDue: Int.random(in: 0...amount, using: &g), covered: Int.random(in: 0..<10, using: &g) == 0)
            }
            let rules: [AutopayPlan.Rule] = (0..<Int.random(in: 0...5, using: &g)).map { n in
                let rows = (0..<Int.random(in: 1...3, using: &g)).map { _ in Self.randomRow(&g, jobs: jobs) }
                return Self.rule("R\(n)", n + 1, rows, enabled: Int.random(in: 0..<5, using: &g) > 0,
                                 job: Int.random(in: 0..<4, using: &g) == 0 ? jobs.randomElement(using: &g)! : nil,
                                 ready: Int.random(in: 0..<10, using: &g) > 0,
                                 expiry: Bool.random(using: &g) ? (2027, Int.random(in: 1...12, using: &g)) : nil)
            }.shuffled(using: &g)
            for rule in rules {
                #expect(AutopayValidation.problem(method: rule.rule.method, criteria: rule.rule.criteria,
                                                  onFile: .init(state: .active, job: nil), jobs: Set(jobs)) == nil, "generated rules are valid")
            }
            for invoice in invoices {
                let ours = AutopayPlan.assignment(invoice, rules: rules, today: Self.today)
                let model = Self.modelPayDay(invoice, rules)
                if let ours { assigned += 1; if ours.day > Self.today { later += 1 } } else { unassigned += 1 }
                #expect(ours?.day == model?.0 && ours?.rule.id == model?.1,
                        "seed \(seed) account \(account) \(invoice.facts.id): plan \(String(describing: ours.map { ($0.day, $0.rule.id) })) model \(String(describing: model))")
            }
            let through = Self.today.adding(days: 365)
            let payments = AutopayPlan.payments(invoices, rules: rules, today: Self.today, through: through)
            let paid = payments.flatMap { $0.lines.map(\.invoice) }
            #expect(Set(paid).count == paid.count, "no invoice on two lines")
            let enabled = Set(rules.filter { $0.rule.enabled }.map(\.rule.id))
            for p in payments {
                #expect(enabled.contains(p.rule.id), "a disabled rule never pays")
                #expect(p.day >= Self.today && p.day <= through)
                for line in p.lines {
                    let i = invoices.first { $0.facts.id == line.invoice }!
                    #expect(i.facts.job == p.job && line.amount == i.amountDue && !i.covered)
                }
            }
            #expect(Set(payments.map { "\($0.day)|\($0.rule.id)|\(String(describing: $0.job))" }).count == payments.count,
                    "one payment per day, rule and scope")
        }
    }
}
