import Foundation
import GRDB
import KioskBackOfficeContract
import KioskCore
import KioskJSON

/// A rule as the kiosk answers it: the rule, where it came from, whether a change made here
/// awaits the back office, how its method reads, and why it cannot run (nil: it can).
public struct ListedAutopayRule: Sendable, Equatable {
    public var rule: AutopayRule
    /// `backoffice` or `kiosk`.
    public var source: String
    public var pendingSync: Bool
    public var methodDescription: String
    public var problem: InvalidRule.Reason?
}

/// What to do to an account's rules (`autopay.create/update/move/enable/disable/delete`).
public enum AutopayEdit: Sendable, Equatable {
    case create(method: AutopayMethod?, criteria: [AutopayCriterion], enabled: Bool, position: Int?, locked: Bool)
    case update(id: String, method: AutopayMethod?, criteria: [AutopayCriterion]?, locked: Bool?)
    case move(id: String, position: Int)
    case setEnabled(id: String, Bool)
    case delete(id: String)

    var ruleID: String? {
        switch self {
        case .create: nil
        case .update(let id, _, _, _), .move(let id, _), .setEnabled(let id, _), .delete(let id): id
        }
    }
}

/// A customer's signature and acceptance of the autopay terms, given with a create or update.
public struct AutopayConsent: Sendable, Equatable {
    public var contact: String
    public var signatureCapture: String
    public var termsSHA256: String
    public init(contact: String, signatureCapture: String, termsSHA256: String) {
        self.contact = contact; self.signatureCapture = signatureCapture; self.termsSHA256 = termsSHA256
    }
}

/// One change to an account's rules and who makes it: a signed-in contact (`consent` required
/// for create and update; locked rules refused) or staff (`consent` nil).
public struct AutopayRuleChange: Sendable {
    public var account: String
    public var edit: AutopayEdit
    /// The contact making it; nil for staff.
    public var contact: String?
    public var consent: AutopayConsent?
    /// `manager`, `technician` or `contact`, as the back office is told.
    public var by: String
    public var kioskID: String
    public var now: Date
    public var audit: AuditEntry
    public init(account: String, edit: AutopayEdit, contact: String?, consent: AutopayConsent?, by: String, kioskID: String, now: Date,
                audit: AuditEntry) {
        self.account = account; self.edit = edit; self.contact = contact; self.consent = consent; self.by = by
        self.kioskID = kioskID; self.now = now; self.audit = audit
    }
}

/// Why a change to the rules was refused, with the sentence the caller is shown.
public enum AutopayRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(String)
    case conflict(String)
    /// A customer may not touch this rule: the store locked it.
    case locked(rule: String)
    case invalid(InvalidRule)
    /// A param out of range for what is stored (`path`, sentence).
    case invalidParams(String, String)
    /// The signature cannot be used (missing, stale, already used).
    case signature(String)

    public var description: String {
        switch self {
        case .notFound(let text), .conflict(let text), .invalidParams(_, let text), .signature(let text): text
        case .locked: "this rule is locked by the store: ask the store to change it"
        case .invalid(let problem): "the rule cannot be saved: \(problem.description)"
        }
    }
}

extension KioskStore {
    /// The account's rules in position order, or nil when there is no such account.
    public func autopayRules(account: String, now: Date) async throws(StoreError) -> [ListedAutopayRule]? {
        do { return try await pool.read { db in try AutopayRuleBook.list(db, account: account, now: now) } }
        catch { throw KioskStore.translate(error, path: path) }
    }

    /// Applies one change in ONE transaction: the rules written (and kept as a kiosk change
    /// until the back office has it), the authorisation stored, the outbox entry (topic
    /// `autopay`), the audit row, and a run of the account's autopay (a rule saved today pays
    /// what is due today, as the calendar shows). Returns the rules as they now stand.
    public func changeAutopayRules(_ change: AutopayRuleChange, crypto: PaymentHashing) async throws -> (changed: String, rules: [ListedAutopayRule]) {
        do {
            return try await pool.write { db in try AutopayRuleBook.change(db, change, crypto: crypto) }
        } catch let refusal as AutopayRefusal { throw refusal } catch { throw KioskStore.translate(error, path: path) }
    }

    /// The rules that pay with method `id` (they keep a method from being removed).
    public func autopayRules(using id: String, account: String) async throws(StoreError) -> [String] {
        do {
            return try await pool.read { db in
                try String.fetchAll(db, sql: "SELECT id FROM autopay_rule WHERE account = ? AND method_id = ? ORDER BY position", arguments: [account, id])
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }
}

/// The account's rules as stored, and the one write path that changes them.
enum AutopayRuleBook {
    static let idAlphabet = PaymentWriter.idAlphabet

    static func list(_ db: Database, account: String, now: Date) throws -> [ListedAutopayRule]? {
        guard let stored = try AccountLoader(db: db).load(number: account) else { return nil }
        let methods = try PaymentMethodLedger.load(db, stored: stored, now: now)
        return try list(db, stored: stored, methods: methods)
    }

    static func list(_ db: Database, stored: StoredAccount, methods: AccountPaymentMethods) throws -> [ListedAutopayRule] {
        let account = stored.account.number
        let sources = Dictionary(try Row.fetchAll(db, sql: "SELECT id, source FROM autopay_rule WHERE account = ?", arguments: [account])
            .map { ($0["id"] as String, $0["source"] as String) }, uniquingKeysWith: { a, _ in a })
        let pending = try KioskChanges.pending(db, topic: .autopay, account: account)
        return (stored.account.autopayRules ?? []).sorted { $0.position < $1.position }.map { rule in
            ListedAutopayRule(rule: rule, source: sources[rule.id] ?? "backoffice", pendingSync: pending.contains(rule.id),
                              methodDescription: AutopayPlan.methodDescription(rule.method, methods: methods.methods),
                              problem: AutopayPlan.problem(rule, methods: methods.methods, today: methods.today))
        }
    }

    static func change(_ db: Database, _ c: AutopayRuleChange, crypto: PaymentHashing) throws -> (changed: String, rules: [ListedAutopayRule]) {
        guard let stored = try AccountLoader(db: db).load(number: c.account) else {
            throw AutopayRefusal.notFound("no account with that number is on this kiosk")
        }
        guard stored.account.receivablesType == .openItem else {
            throw AutopayRefusal.conflict("this account pays an amount rather than invoices, and autopay rules pay invoices: set up autopay with the store")
        }
        let methods = try PaymentMethodLedger.load(db, stored: stored, now: c.now)
        var rules = (stored.account.autopayRules ?? []).sorted { $0.position < $1.position }
        var sources = Dictionary(try Row.fetchAll(db, sql: "SELECT id, source FROM autopay_rule WHERE account = ?", arguments: [c.account])
            .map { ($0["id"] as String, $0["source"] as String) }, uniquingKeysWith: { a, _ in a })
        let customer = c.contact != nil

        func index(_ id: String) throws -> Int {
            guard let i = rules.firstIndex(where: { $0.id == id }) else { throw AutopayRefusal.notFound("this account has no autopay rule with that id") }
            if customer && rules[i].locked { throw AutopayRefusal.locked(rule: id) }
            return i
        }
        func validate(_ rule: AutopayRule) throws {
            let onFile = AutopayPlan.onFile(rule.method, in: methods.methods).map {
                AutopayValidation.Method(state: $0.state(today: methods.today), job: $0.job)
            }
            if let problem = AutopayValidation.problem(method: rule.method, criteria: rule.criteria, onFile: onFile,
                                                       jobs: Set(stored.account.jobs.map(\.number))) {
                throw AutopayRefusal.invalid(problem)
            }
        }

        let id: String
        let kind: AutopayRuleBody.Change
        switch c.edit {
        case .create(let method, let criteria, let enabled, let position, let locked):
            guard let method else { throw AutopayRefusal.invalid(AutopayValidation.problem(method: nil, criteria: criteria, onFile: nil, jobs: [])!) }
            guard rules.count < 100 else { throw AutopayRefusal.conflict("an account has at most 100 autopay rules: delete one first") }
            let at = position ?? rules.count + 1
            guard (1...rules.count + 1).contains(at) else {
                throw AutopayRefusal.invalidParams("params.position", "position must be 1 to \(rules.count + 1) (the rules' places, or the end)")
            }
            id = try newID(db, taken: Set(rules.map(\.id)))
            let rule = AutopayRule(id: id, position: at, method: method, enabled: enabled, locked: locked, criteria: criteria)
            try validate(rule)
            rules.insert(rule, at: at - 1)
            sources[id] = "kiosk"
            kind = .created
        case .update(let ruleID, let method, let criteria, let locked):
            let i = try index(ruleID)
            if let method { rules[i].method = method }
            if let criteria { rules[i].criteria = criteria }
            if let locked { rules[i].locked = locked }
            try validate(rules[i])
            id = ruleID; kind = .updated
        case .move(let ruleID, let position):
            let i = try index(ruleID)
            guard (1...rules.count).contains(position) else {
                throw AutopayRefusal.invalidParams("params.position", "position must be 1 to \(rules.count), a place in the account's rules")
            }
            let rule = rules.remove(at: i)
            rules.insert(rule, at: position - 1)
            id = ruleID; kind = .moved
        case .setEnabled(let ruleID, let enabled):
            let i = try index(ruleID)
            rules[i].enabled = enabled
            id = ruleID; kind = enabled ? .enabled : .disabled
        case .delete(let ruleID):
            let i = try index(ruleID)
            rules.remove(at: i)
            sources[ruleID] = nil
            id = ruleID; kind = .deleted
        }
        for n in rules.indices { rules[n].position = n + 1 }

        // A customer's create or update is signed, under the autopay terms shown now.
        var authorization: AutopayRuleBody.Authorization?
        var authorizationRow: Int64?
        if customer, kind == .created || kind == .updated {
            guard let consent = c.consent else { throw AutopayRefusal.signature("sign on the pad and accept the autopay terms to save a rule") }
            guard consent.termsSHA256.lowercased() == crypto.sha256(Data(AutopayTerms.text.utf8)) else {
                throw AutopayRefusal.conflict("the autopay terms have changed since they were shown: read them again and accept them")
            }
            let signature: StoredCapture
            do { signature = try PaymentWriter.unusedCapture(db, id: consent.signatureCapture, kind: .signature, now: c.now) }
            catch let refusal as PaymentRefusal { throw AutopayRefusal.signature(refusal.description) }
            let at = c.now.formatted(Outbox.instant)
            let binding = crypto.bind("autopay-rule:\(id)", c.account, 0, stored.currency, consent.termsSHA256.lowercased(),
                                      crypto.sha256(Data(signature.envelope.utf8)), at)
            try db.execute(sql: """
                INSERT INTO autopay_authorization (account, rule, contact, signature_capture, terms_sha256, signature_binding, made_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [c.account, id, consent.contact, consent.signatureCapture, consent.termsSHA256.lowercased(), binding, at])
            authorizationRow = db.lastInsertedRowID
            authorization = .init(contact: consent.contact, signature: try SealedEnvelope(json: signature.envelope),
                                  termsSHA256: consent.termsSHA256.lowercased(), signatureBinding: binding, signedAt: at)
        }

        // Told to the back office, and kept over later documents until it has them.
        let body = AutopayRuleBody(kiosk: c.kioskID, account: c.account, change: kind, rule: id, rules: rules.map(Self.body),
                                   authorization: authorization, by: c.by, madeAt: c.now.formatted(Outbox.instant))
        try Outbox.add(db, topic: .autopay, payload: body, key: "\(c.kioskID):autopay:\(UUID().uuidString.lowercased())", payment: nil,
                       dueAt: c.now, now: c.now)
        let entry = db.lastInsertedRowID
        let snapshot = AutopaySnapshot(rules: rules.map { AutopaySnapshot.Rule(rule: $0, source: sources[$0.id] ?? "backoffice") })
        try KioskChanges.record(db, target: .autopay, action: kind == .created ? .insert : kind == .deleted ? .delete : .update,
                                account: c.account, record: id, fields: ["rules": .text(try snapshot.json())], entry: entry, now: c.now)

        var audit = c.audit
        audit.detail = "autopay rule \(id) \(kind.rawValue) on account \(c.account)" + (c.contact.map { " by contact \($0)" } ?? "")
            + (authorizationRow.map { ", authorisation \($0)" } ?? "")
        try audit.insert(db)

        _ = try AutopayRun.run(db, account: c.account, now: c.now, kioskID: c.kioskID, reason: "rule \(id) \(kind.rawValue)")
        guard let reloaded = try AccountLoader(db: db).load(number: c.account) else { throw AutopayRefusal.notFound("the account is gone") }
        return (id, try list(db, stored: reloaded, methods: methods))
    }

    static func body(_ rule: AutopayRule) -> AutopayRuleBody.Rule {
        let method: [String: String] = switch rule.method {
        case .cardOnFile(let id): ["card_on_file": id]
        case .bankAccount(let id): ["bank_account": id]
        }
        return AutopayRuleBody.Rule(id: rule.id, position: rule.position, method: method, enabled: rule.enabled, locked: rule.locked,
                                    criteria: rule.criteria.map { row in
                                        .init(field: row.field, op: row.op, values: row.values.map { value in
                                            switch value {
                                            case .number(let n): .integer(Int64(n))
                                            case .text(let s): .string(s)
                                            case .other: .null
                                            }
                                        })
                                    })
    }

    /// A rule id made here: `A` and six characters a customer can read aloud, unused in the account.
    static func newID(_ db: Database, taken: Set<String>) throws -> String {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let id = "A" + String((0..<6).map { _ in idAlphabet[Int.random(in: 0..<idAlphabet.count, using: &generator)] })
            if !taken.contains(id) { return id }
        }
        throw AutopayRefusal.conflict("no new rule id could be made; try again")
    }
}

/// An account's whole list of rules as a kiosk change keeps it: rules are ordered, and a move
/// shifts others, so a change made here is the list as it stood after it (SYNC.md "Changes
/// made at the kiosk": a rule made here stays, in its place).
struct AutopaySnapshot: Codable, Sendable, Equatable {
    struct Rule: Codable, Sendable, Equatable {
        var rule: AutopayRule
        var source: String
    }
    var rules: [Rule]

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Replaces the account's rules with this list.
    func write(_ db: Database, account: String) throws {
        try db.execute(sql: "DELETE FROM autopay_rule WHERE account = ?", arguments: [account])
        for (i, r) in rules.enumerated() {
            let kind = switch r.rule.method { case .cardOnFile: "card_on_file"; case .bankAccount: "bank_account" }
            try db.execute(sql: """
                INSERT INTO autopay_rule (account, id, position, method_kind, method_id, enabled, locked, criteria, source)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [account, r.rule.id, i + 1, kind, r.rule.method.id, r.rule.enabled, r.rule.locked,
                                 String(decoding: try JSONEncoder().encode(r.rule.criteria), as: UTF8.self), r.source])
        }
    }
}

extension KioskChangeTarget {
    /// Autopay rules: each change carries the account's whole list after it (``AutopaySnapshot``).
    /// A rule whose method the back office removed is kept (it shows `method_not_found` and does
    /// not run), so nothing stops a snapshot from being applied again.
    static let autopay = KioskChangeTarget(topic: .autopay, write: { db, change in
        guard case .text(let json)? = change.fields["rules"] else {
            throw StoreError.conflict("kiosk change \(change.id) to autopay rules carries no list")
        }
        try JSONDecoder().decode(AutopaySnapshot.self, from: Data(json.utf8)).write(db, account: change.account)
    }, obstacle: { _, change in
        guard case .text(let json)? = change.fields["rules"], (try? JSONDecoder().decode(AutopaySnapshot.self, from: Data(json.utf8))) != nil else {
            return "the change does not carry a readable list of rules"
        }
        return nil
    })
}
