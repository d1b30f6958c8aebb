import Foundation
import GRDB
import KioskBackOfficeContract
import KioskCore

/// Why a payment-method change was refused, with the sentence the caller is shown.
public enum PaymentMethodRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(String)
    case conflict(String)
    /// A param that is wrong for what is stored (`path`, sentence).
    case invalid(String, String)
    /// Autopay rules pay with it (their ids, in position order).
    case usedByRules([String])

    public var description: String {
        switch self {
        case .notFound(let text), .conflict(let text), .invalid(_, let text): text
        case .usedByRules(let rules):
            "autopay rule\(rules.count == 1 ? "" : "s") \(rules.joined(separator: ", ")) pay\(rules.count == 1 ? "s" : "") with this method: change or delete \(rules.count == 1 ? "it" : "them") first"
        }
    }
}

/// An account's payment methods as they stand: the sync's cards and bank accounts with the
/// changes made here laid over them, and each scope's default (kiosk-local).
public struct AccountPaymentMethods: Sendable, Equatable {
    public var methods: [MethodOnFile]
    /// Scope (a job number, nil for the whole account) → the method id set as its default.
    public var defaults: [Int?: String]
    /// The account's branch day, for expiry.
    public var today: LocalDate
    public init(methods: [MethodOnFile], defaults: [Int?: String], today: LocalDate) {
        self.methods = methods; self.defaults = defaults; self.today = today
    }
}

/// `payment_method.save`: what to save and who asked.
public struct PaymentMethodSave: Sendable {
    public var account: String
    public var capture: String
    public var name: String?
    public var job: Int?
    public var makeDefault: Bool
    public var contact: String?
    public var kioskID: String
    public var now: Date
    public var audit: AuditEntry
    public init(account: String, capture: String, name: String?, job: Int?, makeDefault: Bool, contact: String?, kioskID: String, now: Date,
                audit: AuditEntry) {
        self.account = account; self.capture = capture; self.name = name; self.job = job; self.makeDefault = makeDefault
        self.contact = contact; self.kioskID = kioskID; self.now = now; self.audit = audit
    }
}

extension KioskStore {
    /// The account's methods as they stand now, or nil when there is no such account.
    public func paymentMethods(account: String, now: Date) async throws(StoreError) -> AccountPaymentMethods? {
        do { return try await pool.read { db in try PaymentMethodLedger.load(db, account: account, now: now) } }
        catch { throw KioskStore.translate(error, path: path) }
    }

    /// Saves a card or bank account from a sealed capture: a `saving` method with an id made
    /// here, and its tokenize request in the outbox, in one transaction.
    public func savePaymentMethod(_ s: PaymentMethodSave) async throws -> MethodOnFile {
        do { return try await pool.write { db in try PaymentMethodLedger.save(db, s) } }
        catch let refusal as PaymentMethodRefusal { throw refusal } catch { throw KioskStore.translate(error, path: path) }
    }

    /// Removes a method at once; the back office is told through the outbox.
    public func removePaymentMethod(account: String, id: String, contact: String?, kioskID: String, now: Date, audit: AuditEntry) async throws {
        do {
            try await pool.write { db in
                try PaymentMethodLedger.remove(db, account: account, id: id, contact: contact, kioskID: kioskID, now: now, audit: audit)
            }
        } catch let refusal as PaymentMethodRefusal { throw refusal } catch { throw KioskStore.translate(error, path: path) }
    }

    /// Makes an active method the default of its own scope; the back office is told.
    public func setDefaultPaymentMethod(account: String, id: String, contact: String?, kioskID: String, now: Date,
                                        audit: AuditEntry) async throws -> MethodOnFile {
        do {
            return try await pool.write { db in
                try PaymentMethodLedger.setDefault(db, account: account, id: id, contact: contact, kioskID: kioskID, now: now, audit: audit)
            }
        } catch let refusal as PaymentMethodRefusal { throw refusal } catch { throw KioskStore.translate(error, path: path) }
    }

    /// The back office answered outbox entry `entry` (a `payment_method` one): the change is
    /// acknowledged at `now` (when `delivered`), and a save becomes `active` with its token or
    /// `failed` with the sentence. Returns true when a change was found.
    public func applyPaymentMethodAnswer(entry: Int64, status: String, token: String?, error: String?, delivered: Bool,
                                         now: Date) async throws(StoreError) -> Bool {
        do {
            return try await pool.write { db in
                guard let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM payment_method_change WHERE outbox = ?", arguments: [entry]) else {
                    return false
                }
                if delivered {
                    try db.execute(sql: "UPDATE payment_method_change SET acknowledged_at = ? WHERE seq = ?", arguments: [Instant(now).description, seq])
                }
                switch status {
                case "active" where token?.isEmpty == false:
                    try db.execute(sql: "UPDATE payment_method_change SET state = 'active', token = ?, error = NULL WHERE seq = ? AND action = 'save'",
                                   arguments: [token, seq])
                case "failed", "active":
                    try db.execute(sql: "UPDATE payment_method_change SET state = 'failed', error = ? WHERE seq = ? AND action = 'save'",
                                   arguments: [PaymentMethodLedger.customerSentence(error), seq])
                default:
                    break
                }
                return true
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }
}

/// The transaction bodies of the payment-method calls, and the read that lays the kiosk's
/// changes over the sync's rows (SYNC.md "Changes made at the kiosk", "Payment methods").
enum PaymentMethodLedger {
    /// The scope column's value for the whole account.
    static let accountScope = -1

    static func load(_ db: Database, account number: String, now: Date) throws -> AccountPaymentMethods? {
        guard let stored = try AccountLoader(db: db).load(number: number) else { return nil }
        return try load(db, stored: stored, now: now)
    }

    static func load(_ db: Database, stored: StoredAccount, now: Date) throws -> AccountPaymentMethods {
        let number = stored.account.number
        var methods = stored.account.cardsOnFile.map(MethodOnFile.init) + stored.account.bankAccountsOnFile.map(MethodOnFile.init)
        // A change wins while it is not acknowledged, or was acknowledged after the newest
        // document's as_of (that document predates what the back office now knows).
        let asOf = try String.fetchOne(db, sql: "SELECT as_of FROM sync_state WHERE id = 1").flatMap(Instant.init)
        for row in try Row.fetchAll(db, sql: "SELECT * FROM payment_method_change WHERE account = ? ORDER BY seq", arguments: [number]) {
            if let acknowledged = (row["acknowledged_at"] as String?).flatMap(Instant.init), let asOf, asOf >= acknowledged { continue }
            let id: String = row["method"]
            methods.removeAll { $0.id == id }
            guard row["action"] as String == "save" else { continue }
            methods.append(MethodOnFile(
                id: id, kind: MethodOnFile.Kind(rawValue: row["type"]) ?? .card, job: row["job"], description: row["description"],
                last4: row["last4"], brand: row["brand"], expiry: row["expiry"], accountType: row["account_type"],
                savedState: MethodOnFile.State(rawValue: row["state"]) ?? .saving, error: row["error"]))
        }
        var defaults: [Int?: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT scope, method FROM payment_method_default WHERE account = ?", arguments: [number]) {
            let scope: Int = row["scope"]
            defaults[scope == accountScope ? nil : scope] = row["method"]
        }
        return AccountPaymentMethods(methods: methods, defaults: defaults, today: stored.branch.today(at: now))
    }

    static func save(_ db: Database, _ s: PaymentMethodSave) throws -> MethodOnFile {
        guard let stored = try AccountLoader(db: db).load(number: s.account) else {
            throw PaymentMethodRefusal.notFound("no account with that number is on this kiosk")
        }
        if let job = s.job, !stored.account.jobs.contains(where: { $0.number == job }) {
            throw PaymentMethodRefusal.notFound("this account has no such job")
        }
        guard let capture = try StoredCapture.fetchOne(db, key: s.capture), capture.kind == "card" || capture.kind == "bank" else {
            throw PaymentMethodRefusal.notFound("the card swipe or bank account was not found; please swipe or type it again")
        }
        guard let at = try? Date(capture.capturedAt, strategy: .iso8601), s.now.timeIntervalSince(at) <= PaymentCaptureRule.maximumAge else {
            throw PaymentMethodRefusal.conflict("the card swipe or bank account entry is too old to save; please swipe or type it again")
        }
        guard try Int.fetchOne(db, sql: "SELECT count(*) FROM payment_method_change WHERE capture = ?", arguments: [capture.id]) == 0 else {
            throw PaymentMethodRefusal.conflict("that card or bank account was already saved from this swipe or entry")
        }
        let masked = capture.masked.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) } ?? [:]
        let last4 = String((masked["last4"] ?? "").filter(\.isNumber).suffix(4))
        let type: MethodOnFile.Kind = capture.kind == "bank" ? .bankAccount : .card
        let current = try load(db, stored: stored, now: s.now)
        if type == .card, let expiry = masked["expiry"], let month = CardExpiry(expiry),
           (month.year, month.month) < (current.today.year, current.today.month) {
            throw PaymentMethodRefusal.conflict("this card has expired, so it cannot be saved; use another card")
        }
        let masking = type == .card ? "CARD ENDING IN \(last4)" : PaymentMethodRules.bankDescription(last4: last4)
        let description = s.name ?? masking
        let id = try newID(db, taken: Set(current.methods.map(\.id)))
        let made = Instant(s.now).description
        let method = MethodOnFile(id: id, kind: type, job: s.job, description: description, last4: last4,
                                  brand: type == .card ? masked["brand"] : nil, expiry: type == .card ? masked["expiry"] : nil,
                                  accountType: type == .bankAccount ? (masked["account_type"] ?? "checking") : nil, savedState: .saving)
        let body = PaymentMethodBody(method: id, kiosk: s.kioskID, account: s.account, job: s.job, contact: s.contact, action: .save,
                                     type: type.rawValue, description: description, last4: last4, brand: method.brand, expiry: method.expiry,
                                     accountType: method.accountType, capture: try SealedEnvelope(json: capture.envelope), madeAt: made)
        try Outbox.add(db, topic: .paymentMethod, payload: body, key: "\(s.kioskID):payment_method:\(id):save", payment: nil, dueAt: s.now, now: s.now)
        let entry = db.lastInsertedRowID
        try db.execute(sql: """
            INSERT INTO payment_method_change (account, method, action, type, job, description, last4, brand, expiry, account_type,
                                               state, capture, outbox, made_at)
            VALUES (?, ?, 'save', ?, ?, ?, ?, ?, ?, ?, 'saving', ?, ?, ?)
            """, arguments: [s.account, id, type.rawValue, s.job, description, last4, method.brand, method.expiry, method.accountType,
                             capture.id, entry, made])
        if s.makeDefault {
            try setDefaultRow(db, account: s.account, scope: s.job, method: id)
        }
        var audit = s.audit
        audit.detail = "payment method \(id) saved (\(type.rawValue) ending \(last4)) account \(s.account)" + (s.contact.map { " by contact \($0)" } ?? "")
        try audit.insert(db)
        return method
    }

    static func remove(_ db: Database, account: String, id: String, contact: String?, kioskID: String, now: Date, audit: AuditEntry) throws {
        let method = try existing(db, account: account, id: id, now: now).method
        // A rule paying with it would be left unable to run: the customer decides first.
        let rules = try String.fetchAll(db, sql: "SELECT id FROM autopay_rule WHERE account = ? AND method_id = ? ORDER BY position",
                                        arguments: [account, id])
        guard rules.isEmpty else { throw PaymentMethodRefusal.usedByRules(rules) }
        let made = Instant(now).description
        let body = PaymentMethodBody(method: id, kiosk: kioskID, account: account, job: method.job, contact: contact, action: .remove,
                                     type: method.kind.rawValue, madeAt: made)
        try db.execute(sql: """
            INSERT INTO payment_method_change (account, method, action, type, job, description, last4, state, made_at)
            VALUES (?, ?, 'remove', ?, ?, ?, ?, 'active', ?)
            """, arguments: [account, id, method.kind.rawValue, method.job, method.description, method.last4, made])
        let seq = db.lastInsertedRowID
        try Outbox.add(db, topic: .paymentMethod, payload: body, key: "\(kioskID):payment_method:\(id):remove:\(seq)", payment: nil, dueAt: now, now: now)
        try db.execute(sql: "UPDATE payment_method_change SET outbox = ? WHERE seq = ?", arguments: [db.lastInsertedRowID, seq])
        try db.execute(sql: "DELETE FROM payment_method_default WHERE account = ? AND method = ?", arguments: [account, id])
        var entry = audit
        entry.detail = "payment method \(id) removed account \(account)" + (contact.map { " by contact \($0)" } ?? "")
        try entry.insert(db)
    }

    static func setDefault(_ db: Database, account: String, id: String, contact: String?, kioskID: String, now: Date,
                           audit: AuditEntry) throws -> MethodOnFile {
        let (method, today) = try existing(db, account: account, id: id, now: now)
        let state = method.state(today: today)
        guard state == .active else {
            let why = switch state {
            case .expired: "it has expired"
            case .saving: "it is still being saved"
            default: "the back office could not save it"
            }
            throw PaymentMethodRefusal.conflict("only an active payment method can be the default, and \(why)")
        }
        try setDefaultRow(db, account: account, scope: method.job, method: id)
        let made = Instant(now).description
        let body = PaymentMethodBody(method: id, kiosk: kioskID, account: account, job: method.job, contact: contact, action: .setDefault,
                                     type: method.kind.rawValue, madeAt: made)
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE topic = ?", arguments: [OutboxTopic.paymentMethod.rawValue]) ?? 0
        try Outbox.add(db, topic: .paymentMethod, payload: body, key: "\(kioskID):payment_method:\(id):set_default:\(made):\(count)",
                       payment: nil, dueAt: now, now: now)
        var entry = audit
        entry.detail = "payment method \(id) made the default of \(method.job.map { "job \($0)" } ?? "the account") account \(account)"
            + (contact.map { " by contact \($0)" } ?? "")
        try entry.insert(db)
        return method
    }

    // MARK: Helpers

    private static func existing(_ db: Database, account: String, id: String, now: Date) throws -> (method: MethodOnFile, today: LocalDate) {
        guard let current = try load(db, account: account, now: now) else {
            throw PaymentMethodRefusal.notFound("no account with that number is on this kiosk")
        }
        guard let method = current.methods.first(where: { $0.id == id }) else {
            throw PaymentMethodRefusal.notFound("there is no payment method with that id on this account")
        }
        return (method, current.today)
    }

    private static func setDefaultRow(_ db: Database, account: String, scope: Int?, method: String) throws {
        try db.execute(sql: """
            INSERT INTO payment_method_default (account, scope, method) VALUES (?, ?, ?)
            ON CONFLICT(account, scope) DO UPDATE SET method = excluded.method
            """, arguments: [account, scope ?? accountScope, method])
    }

    /// `PM` and 8 characters a customer can read aloud (no 0/O, no 1/I), unused on the account.
    private static func newID(_ db: Database, taken: Set<String>) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = PaymentWriter.idAlphabet
        for _ in 0..<20 {
            let id = "PM" + String((0..<8).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
            let used = try Int.fetchOne(db, sql: "SELECT count(*) FROM payment_method_change WHERE method = ?", arguments: [id]) ?? 0
            if !taken.contains(id) && used == 0 { return id }
        }
        throw PaymentMethodRefusal.conflict("no free id for the payment method; please try again")
    }

    /// The back office's sentence as the customer may see it: short, and never a card number.
    static func customerSentence(_ text: String?) -> String {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty, !containsCardNumberLikeRun(text),
              !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return "the back office could not save this payment method"
        }
        return String(text.prefix(200))
    }
}
