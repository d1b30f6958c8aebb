import Foundation
import GRDB
import KioskBackOfficeContract
import KioskCore
import KioskFixtures
@testable import KioskStore
import Testing

/// Autopay runs in the real store, day after day, on random accounts, invoices and rule sets
/// (issue 14, "Done means"): every payment a run makes is checked against a model of the
/// rules written from DOMAIN.md "Autopay rules" (not from AutopayPlan): no invoice paid twice,
/// the first matching rule in order pays, disabled rules never run, nothing due is left unpaid,
/// one pending payment per scope at every moment, and a customer never changes a locked rule.
struct AutopayRunTests {
    /// Noon in Chicago (the demo branch's zone), so day k is `t0 + k days` there too.
    static let t0 = Date(timeIntervalSince1970: 1_796_061_600)
    static let kiosk = "yard-7"

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

    static let words = ["Lumber", "Delivery", "Nails", "Roofing"]

    static func row(_ g: inout Seeded, jobs: [Int]) -> AutopayCriterion {
        func n(_ r: ClosedRange<Int>) -> AutopayValue { .number(Int.random(in: r, using: &g)) }
        switch Int.random(in: 0..<6, using: &g) {
        case 0 where !jobs.isEmpty: return .init(field: "job", op: ["is", "is_not"].randomElement(using: &g)!, values: [.number(jobs.randomElement(using: &g)!)])
        case 1:
            let a = Int.random(in: 0...60_000, using: &g)
            return Bool.random(using: &g) ? .init(field: "amount", op: "between", values: [.number(a), .number(a + 40_000)])
                : .init(field: "amount", op: ["lt", "le", "gt", "ge"].randomElement(using: &g)!, values: [n(0...100_000)])
        case 2: return .init(field: "age_days", op: ["le", "ge", "gt"].randomElement(using: &g)!, values: [n(0...90)])
        case 3: return .init(field: "days_until_due", op: ["le", "ge", "lt"].randomElement(using: &g)!, values: [n(-20...20)])
        case 4: return .init(field: "po_number", op: ["is", "is_not", "contains"].randomElement(using: &g)!, values: [.text(["PO-1", "po", "SMITH"].randomElement(using: &g)!)])
        default: return .init(field: "line_item", op: ["is", "contains", "is_not"].randomElement(using: &g)!, values: [.text(words.randomElement(using: &g)!)])
        }
    }

    /// A generated account: open item, billed by job (jobs 0–2) or by account, with an
    /// account card, a job card and a card that expires during the run.
    static func account(_ n: Int, today: LocalDate, _ g: inout Seeded) -> Account {
        let byJob = Bool.random(using: &g)
        let jobs = byJob ? [0, 1, 2] : []
        let invoices: [Item] = (0..<Int.random(in: 1...10, using: &g)).map { k in
            let amount = Int.random(in: 1...90_000, using: &g)
            let date = Int.random(in: -120...20, using: &g)
            return Item(id: "I\(n)-\(k)", kind: .invoice, number: "\(4000 + k)", job: byJob ? jobs.randomElement(using: &g)! : nil,
                        date: today.adding(days: date), dueDate: Bool.random(using: &g) ? today.adding(days: date + 30) : nil,
                        poNumber: Bool.random(using: &g) ? ["PO-1", "SMITH-9", "po-22"].randomElement(using: &g)! : nil,
                        amount: amount, openAmount: Int.random(in: 0...amount, using: &g),
                        lines: words.shuffled(using: &g).prefix(Int.random(in: 0...2, using: &g)).map { InvoiceLine(name: $0, amount: 1) })
        }
        var cards = [CardOnFile(id: "K\(n)-A", description: "CARD ENDING IN 4242", token: "t-a-\(n)", brand: "visa", last4: "4242", expiry: "\(today.year + 2)-01"),
                     CardOnFile(id: "K\(n)-X", description: "CARD ENDING IN 0005", token: "t-x-\(n)", brand: "visa", last4: "0005",
                                expiry: String(format: "%04d-%02d", today.year, today.month))]
        if byJob { cards.append(CardOnFile(id: "K\(n)-J", job: 1, description: "JOB 1 CARD", token: "t-j-\(n)", brand: "amex", last4: "1005", expiry: "\(today.year + 1)-06")) }
        var account = Account(number: "\(5000 + n)", name: "Buyer \(n)", branch: "B1", receivablesType: .openItem, billingType: byJob ? .job : .account,
                              jobs: jobs.map { Job(number: $0, name: "Job \($0)") },
                              contacts: [Contact(id: "C\(n)", name: "Pat \(n)", email: nil, profile: "full")], items: invoices, cardsOnFile: cards)
        account.autopayRules = (0..<Int.random(in: 1...4, using: &g)).map { r in
            var rows = (0..<Int.random(in: 1...3, using: &g)).map { _ in row(&g, jobs: jobs) }
            let card = cards.randomElement(using: &g)!
            // A job card's rule may not name another job (it could never pay): keep it to its job.
            if let own = card.job { rows = rows.filter { $0.field != "job" || $0.op != "is" || $0.values == [.number(own)] } }
            if rows.isEmpty { rows = [.init(field: "amount", op: "ge", values: [.number(0)])] }
            return AutopayRule(id: "R\(n)-\(r)", position: r + 1, method: .cardOnFile(card.id), enabled: Int.random(in: 0..<4, using: &g) > 0,
                               locked: Bool.random(using: &g), criteria: rows)
        }
        return account
    }

    // MARK: - The model (DOMAIN.md "Autopay rules", read literally)

    static func holds(_ row: AutopayCriterion, _ i: Item, on d: LocalDate) -> Bool {
        var have: [AutopayValue] = []
        switch row.field {
        case "job": have = i.job.map { [.number($0)] } ?? []
        case "amount": have = [.number(i.amount)]
        case "age_days": have = [.number(d.days(since: i.date))]
        case "days_until_due": have = [.number((i.dueDate ?? i.date).days(since: d))]
        case "po_number": have = i.poNumber.map { [.text($0)] } ?? []
        case "line_item": have = i.lines.map { .text($0.name) }
        default: return false
        }
        func text(_ v: AutopayValue) -> String? { if case .text(let s) = v { s.lowercased() } else { nil } }
        func num(_ v: AutopayValue) -> Int? { if case .number(let x) = v { x } else { nil } }
        if row.op == "is_not" { return !have.contains { $0 == row.values[0] || (text($0) != nil && text($0) == text(row.values[0])) } }
        return have.contains { h in
            switch row.op {
            case "is": return h == row.values[0] || (text(h) != nil && text(h) == text(row.values[0]))
            case "contains": return text(h).map { $0.contains(text(row.values[0])!) } ?? false
            case "between": return num(row.values[0])! <= num(h)! && num(h)! <= num(row.values[1])!
            case "lt": return num(h)! < num(row.values[0])!
            case "le": return num(h)! <= num(row.values[0])!
            case "gt": return num(h)! > num(row.values[0])!
            case "ge": return num(h)! >= num(row.values[0])!
            default: return false
            }
        }
    }

    /// The rule that pays invoice `i` on day `d` if `d` is its pay day candidate: the first
    /// enabled rule in position order whose card is unexpired on `d`, whose card's job (if any)
    /// is the invoice's, and all of whose rows hold; none before the due date (or the date).
    static func payer(_ i: Item, _ account: Account, _ rules: [AutopayRule], on d: LocalDate) -> String? {
        guard d >= (i.dueDate ?? i.date) else { return nil }
        for rule in rules.sorted(by: { $0.position < $1.position }) where rule.enabled {
            guard let card = account.cardsOnFile.first(where: { $0.id == rule.method.id }) else { continue }
            let parts = card.expiry.split(separator: "-").compactMap { Int($0) }
            if parts.count == 2, d.year * 12 + d.month > parts[0] * 12 + parts[1] { continue }
            if let job = card.job, i.job != job { continue }
            if rule.criteria.allSatisfy({ holds($0, i, on: d) }) { return rule.id }
        }
        return nil
    }

    @Test("day after day on random accounts: the model's rule pays each invoice once, on its day; nothing due is left; one pending per scope; locked rules stay",
          arguments: [11, 12, 13] as [UInt64])
    func daysAgainstTheModel(seed: UInt64) async throws {
        var g = Seeded(state: seed)
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try KioskStore(directory: directory)
        let today = DemoStore.today(at: Self.t0)
        var document = DemoStore.document(today: today, now: Instant(Self.t0))
        document.accounts = (0..<25).map { Self.account($0, today: today, &g) }
        _ = try await store.apply(document, audit: nil)
        var rules = Dictionary(uniqueKeysWithValues: document.accounts.map { ($0.number, $0.autopayRules ?? []) })
        let accounts = Dictionary(uniqueKeysWithValues: document.accounts.map { ($0.number, $0) })
        let hashing = PaymentHashing(sha256: { _ in String(repeating: "0", count: 64) }, bind: { _, _, _, _, _, _, _ in "b" })
        let audit = AuditEntry(uid: 0, userName: "t", role: "manager", action: "test", detail: "")
        var made = 0, lockedRefusals = 0, toggled = 0

        for day in 0..<40 {
            let now = Self.t0.addingTimeInterval(Double(day) * 86_400)
            let d = today.adding(days: day)
            let before = Set(try await store.pool.read { db in try String.fetchAll(db, sql: "SELECT id FROM payment") })
            // Staff turn a rule off or on now and then; the model follows.
            if day % 5 == 2, let number = accounts.keys.sorted().randomElement(using: &g), let rule = rules[number]?.randomElement(using: &g) {
                let change = AutopayRuleChange(account: number, edit: .setEnabled(id: rule.id, !rule.enabled), contact: nil, consent: nil,
                                               by: "manager", kioskID: Self.kiosk, now: now, audit: audit)
                _ = try await store.changeAutopayRules(change, crypto: hashing)
                rules[number] = rules[number]!.map { $0.id == rule.id ? { var r = $0; r.enabled.toggle(); return r }($0) : $0 }
                toggled += 1
            }
            // A customer tries to change a locked rule: refused, nothing changes.
            if let number = accounts.keys.sorted().randomElement(using: &g), let locked = rules[number]?.first(where: \.locked) {
                let change = AutopayRuleChange(account: number, edit: [.setEnabled(id: locked.id, !locked.enabled), .delete(id: locked.id),
                                                                       .move(id: locked.id, position: 1)].randomElement(using: &g)!,
                                               contact: "C\(Int(number)! - 5000)", consent: nil, by: "contact", kioskID: Self.kiosk, now: now, audit: audit)
                await #expect(throws: AutopayRefusal.locked(rule: locked.id)) { try await store.changeAutopayRules(change, crypto: hashing) }
                lockedRefusals += 1
            }
            let run = try await store.runAutopayForNewDays(now: now, kioskID: Self.kiosk)
            // The same day again (a restart, a second tick): nothing more.
            #expect(try await store.runAutopayForNewDays(now: now.addingTimeInterval(60), kioskID: Self.kiosk).isEmpty)
            made += run.count

            let rows = try await store.pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT p.id, p.account, p.job, p.state, p.autopay_rule, p.autopay_key, l.item, l.amount
                    FROM payment p JOIN payment_line l ON l.payment = p.id ORDER BY p.id
                    """)
            }
            // Every invoice on at most one payment; the new ones paid by the model's rule, today.
            var seen: [String: String] = [:]
            for r in rows {
                let item: String = r["item"], id: String = r["id"]
                #expect(seen[item] == nil || seen[item] == id, "seed \(seed) day \(day): \(item) on \(seen[item]!) and \(id)")
                seen[item] = id
                guard !before.contains(id) else { continue }
                let account = accounts[r["account"]]!
                let invoice = account.items.first { $0.id == item }!
                #expect((r["autopay_key"] as String).hasPrefix("\(d)|"), "made today")
                #expect(r["autopay_rule"] as String? == Self.payer(invoice, account, rules[account.number]!, on: d),
                        "seed \(seed) day \(day) \(item): paid by \(r["autopay_rule"] as String? ?? "-"), model \(Self.payer(invoice, account, rules[account.number]!, on: d) ?? "none")")
                #expect(r["amount"] as Int == invoice.openAmount)
            }
            // Nothing the model would pay today is left unpaid.
            for account in accounts.values {
                for invoice in account.items where invoice.openAmount > 0 && seen[invoice.id] == nil {
                    #expect(Self.payer(invoice, account, rules[account.number]!, on: d) == nil,
                            "seed \(seed) day \(day) \(invoice.id) is due to \(Self.payer(invoice, account, rules[account.number]!, on: d) ?? "") and unpaid")
                }
            }
            // One pending payment per scope, at every moment.
            let doubled = try await store.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT account, job FROM payment WHERE state = 'pending' GROUP BY account, job HAVING count(*) > 1)")
            }
            #expect(doubled == 0, "seed \(seed) day \(day)")
            // Locked rules are as the back office sent them (staff toggles aside).
            for (number, expected) in rules {
                let stored = try await store.account(number: number)?.account.autopayRules ?? []
                #expect(stored.map(\.id) == expected.map(\.id) && stored.map(\.enabled) == expected.map(\.enabled), "seed \(seed) day \(day) \(number)")
            }
            // The store processes about half of what is pending; waiting ones then run.
            for p in try await store.payments(state: .pending) where Bool.random(using: &g) {
                _ = try await store.processPayment(id: p.id, kioskID: Self.kiosk, now: now, audit: audit)
            }
        }
        // The accounts exercise the run, or the comparison proves little.
        #expect(made > 20 && lockedRefusals > 10 && toggled > 3, "seed \(seed): \(made) payments, \(lockedRefusals) refusals, \(toggled) toggles")
        // Each payment audited once (the start-of-day runs', and those a staff change ran).
        let (audited, payments) = try await store.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log WHERE action = 'autopay.payment'"),
             try Int.fetchOne(db, sql: "SELECT count(*) FROM payment WHERE autopay_rule IS NOT NULL"))
        }
        #expect(audited == payments && (payments ?? 0) >= made)
    }
}
