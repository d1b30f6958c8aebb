/// An account's autopay as `AutopayPlan` takes it: its open invoices with what they owe and
/// whether a payment covers them, and its rules with what their methods allow.
extension AutopayPlan {
    /// `methods`: the account's cards and bank accounts as they stand (the sync's, with the
    /// kiosk's saves and removals laid over them). `covered`: the invoice ids autopay must
    /// leave alone (a kiosk payment covers them, or an autopay payment for them was rejected).
    /// A balance-forward account pays amounts, not invoices: autopay has nothing to pay there.
    public static func inputs(_ a: Account, methods: [MethodOnFile], branch: Branch, today: LocalDate,
                              covered: Set<String>) -> (invoices: [Invoice], rules: [Rule]) {
        guard let rules = a.autopayRules, !rules.isEmpty, a.receivablesType == .openItem,
              let all = try? Figures.scope(for: a, job: nil) else { return ([], []) }
        let items = Dictionary(a.items.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let invoices = Figures.openItems(a, scope: all, branch: branch, today: today).invoices.compactMap { open -> Invoice? in
            guard let item = items[open.id] else { return nil }
            return Invoice(facts: AutopayInvoice(item), amountDue: open.amountDue, covered: covered.contains(open.id),
                           scope: a.billingType == .job ? item.job : nil)
        }
        return (invoices, rules.map { rule(for: $0, methods: methods) })
    }

    /// A rule with what its method allows: ready when the method is on file and neither being
    /// saved nor refused (expiry is checked per day, as the card may lapse within the horizon).
    public static func rule(for rule: AutopayRule, methods: [MethodOnFile]) -> Rule {
        guard let method = onFile(rule.method, in: methods) else { return Rule(rule: rule, methodJob: nil, methodReady: false, expiry: nil) }
        let ready = method.savedState == .active
        let expiry = method.kind == .card ? method.expiry.flatMap(CardExpiry.init).map { (year: $0.year, month: $0.month) } : nil
        return Rule(rule: rule, methodJob: method.job, methodReady: ready, expiry: expiry)
    }

    /// The method a rule names, if the account has it (of the kind the rule says).
    public static func onFile(_ method: AutopayMethod, in methods: [MethodOnFile]) -> MethodOnFile? {
        switch method {
        case .cardOnFile(let id): methods.first { $0.id == id && $0.kind == .card }
        case .bankAccount(let id): methods.first { $0.id == id && $0.kind == .bankAccount }
        }
    }

    /// Why a kept rule cannot run today (`method_not_found`, `method_not_ready`,
    /// `method_expired`), or nil.
    public static func problem(_ rule: AutopayRule, methods: [MethodOnFile], today: LocalDate) -> InvalidRule.Reason? {
        guard let method = onFile(rule.method, in: methods) else { return .methodNotFound }
        switch method.state(today: today) {
        case .active: return nil
        case .expired: return .methodExpired
        case .saving, .failed: return .methodNotReady
        }
    }

    /// How a rule's method reads on a payment ("CARD ENDING IN 4242").
    public static func methodDescription(_ method: AutopayMethod, methods: [MethodOnFile]) -> String {
        if let found = onFile(method, in: methods) { return found.description }
        switch method {
        case .cardOnFile: return "Card on file"
        case .bankAccount: return "Bank account on file"
        }
    }
}

/// The autopay terms a customer accepts, with a signature, to create or change a rule: the
/// daemon's own text (docs/DOMAIN-READINGS.md "Autopay"); the sync carries none.
public enum AutopayTerms {
    public static let text = """
    By saving this autopay rule, I authorize the store to charge the payment method it names, \
    without asking me again, for each open invoice of this account that the rule's conditions \
    select, on the day the rule says, for the invoice's amount due. I confirm I am allowed to use \
    this payment method for this account. The rule stays in force until I or the store disable \
    or delete it; I can see every payment it will make on the payments calendar. Questions: \
    contact the store.
    """
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
