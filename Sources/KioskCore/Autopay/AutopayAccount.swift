/// An account's autopay as `AutopayPlan` takes it: its open invoices with what they owe and
/// whether a payment covers them, and its rules with what their methods allow.
extension AutopayPlan {
    /// `covered`: the invoice ids a kiosk payment covers (`Figures.covers`).
    public static func inputs(_ a: Account, branch: Branch, today: LocalDate, covered: Set<String>) -> (invoices: [Invoice], rules: [Rule]) {
        guard let rules = a.autopayRules, !rules.isEmpty, let all = try? Figures.scope(for: a, job: nil) else { return ([], []) }
        let items = Dictionary(a.items.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let invoices = Figures.openItems(a, scope: all, branch: branch, today: today).invoices.compactMap { open -> Invoice? in
            guard let item = items[open.id] else { return nil }
            return Invoice(facts: AutopayInvoice(item), amountDue: open.amountDue, covered: covered.contains(open.id))
        }
        let cards = Dictionary(a.cardsOnFile.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let banks = Dictionary(a.bankAccountsOnFile.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return (invoices, rules.map { rule in
            switch rule.method {
            case .cardOnFile(let id):
                guard let card = cards[id] else { return Rule(rule: rule, methodJob: nil, methodReady: false, expiry: nil) }
                return Rule(rule: rule, methodJob: card.job, methodReady: true, expiry: CardExpiry(card.expiry).map { (year: $0.year, month: $0.month) })
            case .bankAccount(let id):
                return Rule(rule: rule, methodJob: banks[id]?.job, methodReady: banks[id] != nil, expiry: nil)
            }
        })
    }

    /// How a rule's method reads on a payment ("CARD ENDING IN 4242").
    public static func methodDescription(_ method: AutopayMethod, in a: Account) -> String {
        switch method {
        case .cardOnFile(let id): a.cardsOnFile.first { $0.id == id }?.description ?? "Card on file"
        case .bankAccount(let id): a.bankAccountsOnFile.first { $0.id == id }?.description ?? "Bank account on file"
        }
    }
}

extension PaymentsCalendar {
    /// The autopay payments a plan will make, as calendar entries that do not exist yet (no
    /// id, no state), for `job` (nil: all).
    public static func projections(_ planned: [AutopayPlan.Payment], job: Int?, describe: (AutopayMethod) -> String) -> [Entry] {
        planned.filter { job == nil || $0.job == job }.map { p in
            Entry(kind: .autopay, date: p.day,
                  payment: Payment(id: "", state: .scheduled, payOn: p.day, job: p.job, amount: p.total, methodDescription: describe(p.rule.method),
                                   rule: RuleRef(id: p.rule.id, position: p.rule.position),
                                   lines: p.lines.map { Line(id: $0.invoice, amount: $0.amount) }, createdAt: ""),
                  exists: false)
        }
    }
}
