import Foundation
import GRDB
import KioskBackOfficeContract
import KioskCore

/// How the customer pays.
public enum PaymentMethodChoice: Sendable, Equatable {
    /// A card the back office holds for the account (or the job), by its id.
    case cardOnFile(String)
    /// A card swiped at the kiosk now: the id of its sealed capture.
    case capture(String)
}

/// Everything `payment.submit` needs, checked again inside the write transaction.
public struct PaymentSubmission: Sendable {
    public var account: String
    public var contact: String
    public var request: PaymentRequest
    public var method: PaymentMethodChoice
    public var signatureCapture: String
    public var termsSHA256: String
    public var payOn: LocalDate?
    public var kioskID: String
    public var now: Date
    public var audit: AuditEntry

    public init(account: String, contact: String, request: PaymentRequest, method: PaymentMethodChoice, signatureCapture: String,
                termsSHA256: String, payOn: LocalDate?, kioskID: String, now: Date, audit: AuditEntry) {
        self.account = account; self.contact = contact; self.request = request; self.method = method
        self.signatureCapture = signatureCapture; self.termsSHA256 = termsSHA256; self.payOn = payOn
        self.kioskID = kioskID; self.now = now; self.audit = audit
    }
}

/// What was written.
public struct SubmittedPayment: Sendable, Equatable {
    public var id: String
    public var state: String
    public var amount: Int
    public var currency: String
    public var lines: [QuoteLine]
    public var payOn: LocalDate?
    public var methodDescription: String
    /// Names of the contacts who will get a receipt.
    public var receiptsTo: [String]
}

/// Why a submission was refused: the protocol's kind and a sentence for the customer.
public struct PaymentRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public var kind: String
    public var message: String
    /// Processing a rejected payment would pay these again (the refusal's `data`).
    public var overlap: PaymentOverlap?
    public init(_ kind: String, _ message: String, overlap: PaymentOverlap? = nil) {
        self.kind = kind; self.message = message; self.overlap = overlap
    }
    public init(_ problem: PaymentProblem) { self.init(problem.kind.rawValue, problem.message) }
    public var description: String { message }
}

extension KioskStore {
    /// Writes a payment, its lines, its outbox entry, notification and receipt entries and an
    /// audit row in ONE transaction (WAL, synchronous=FULL), after checking every rule of
    /// DOMAIN.md against the state inside that transaction — so two kiosks' worth of
    /// concurrent submits cannot both pass the "one pending payment" or "no overage" checks.
    ///
    /// `crypto` hashes and binds (KioskCrypto lives above the store). Nothing is written when
    /// anything is refused.
    public func submitPayment(_ s: PaymentSubmission, crypto: PaymentHashing) async throws -> SubmittedPayment {
        do {
            return try await pool.write { db in try PaymentWriter(db: db, submission: s, crypto: crypto).write() }
        } catch let refusal as PaymentRefusal {
            throw refusal
        } catch {
            throw KioskStore.translate(error, path: path)
        }
    }

    /// The account's payments that cover what they pay for (pending, scheduled, waiting, and
    /// processed here until the back office's history carries them), with their lines.
    public func commitments(account: String) async throws(StoreError) -> [PaymentCommitment] {
        do { return try await pool.read { db in try PaymentWriter.commitments(db, account: account) } }
        catch { throw KioskStore.translate(error, path: path) }
    }
}

/// Hashing the store needs but does not implement (it stays free of crypto libraries).
public struct PaymentHashing: Sendable {
    /// Lower-case hex SHA-256.
    public var sha256: @Sendable (Data) -> String
    /// The signature binding for (payment id, account, amount, currency, terms hash, signature hash, time).
    public var bind: @Sendable (_ payment: String, _ account: String, _ amount: Int, _ currency: String, _ terms: String,
                                _ signature: String, _ at: String) -> String
    public init(sha256: @escaping @Sendable (Data) -> String,
                bind: @escaping @Sendable (String, String, Int, String, String, String, String) -> String) {
        self.sha256 = sha256; self.bind = bind
    }
}

/// The transaction body of a submit.
struct PaymentWriter {
    let db: Database
    let submission: PaymentSubmission
    let crypto: PaymentHashing

    /// Short ids a customer can read aloud: no 0/O, no 1/I.
    static let idAlphabet = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")

    func write() throws -> SubmittedPayment {
        let s = submission
        guard let stored = try AccountLoader(db: db).load(number: s.account) else {
            throw PaymentRefusal("not_found", "this account is not on the kiosk any more; please see the store")
        }
        let account = stored.account
        let scope: FigureScope
        do { scope = try Figures.scope(for: account, job: s.request.job) } catch {
            throw PaymentRefusal("not_found", error.description)
        }
        guard let contact = account.contacts.first(where: { $0.id == s.contact }), !contact.revoked else {
            throw PaymentRefusal("permission_denied", "you can no longer pay on this account; please see the store")
        }
        let permissions = try Self.profilePermissions(db)
        guard permissions[contact.profile]?.contains(Permission.pay.rawValue) == true else {
            throw PaymentRefusal("permission_denied", "your access does not include paying; ask the account's owner or the store")
        }
        let today = stored.branch.today(at: s.now)
        let commitments = try Self.commitments(db, account: s.account)

        var request = s.request
        request.payOn = s.payOn
        let quote = Figures.quote(account, scope: scope, branch: stored.branch, today: today, request: request,
                                  commitments: commitments, currency: stored.currency)
        if let problem = quote.problems.first { throw PaymentRefusal(problem) }
        guard quote.total > 0 else { throw PaymentRefusal("invalid_amount", "there is nothing to pay") }

        // The date: today (or none) is pending now; a later day up to a year ahead is scheduled.
        var state = "pending"
        if let payOn = s.payOn {
            if let problem = PaymentSchedule.problem(payOn: payOn, today: today) { throw PaymentRefusal(problem) }
            if payOn > today { state = "scheduled" }
        }

        let terms = PaymentTerms.text(for: stored.branch)
        guard s.termsSHA256.lowercased() == crypto.sha256(Data(terms.utf8)) else {
            throw PaymentRefusal("conflict", "the terms have changed since they were shown; please read and accept them again")
        }

        let description: String
        var cardOnFile: String?, cardCapture: String?
        switch s.method {
        case .cardOnFile(let id):
            // A job's own card or the account's; on a consolidated payment only the account's.
            guard let card = account.cardsOnFile.first(where: { $0.id == id && ($0.job == nil || $0.job == s.request.job) }) else {
                throw PaymentRefusal("not_found", "that card on file cannot be used for this payment; choose another method")
            }
            description = card.description
            cardOnFile = id
        case .capture(let id):
            let masked = try Self.unusedCapture(db, id: id, kind: "card", now: s.now)
            description = masked.map(Self.describe) ?? "CARD SWIPED AT THE KIOSK"
            cardCapture = id
        }
        _ = try Self.unusedCapture(db, id: s.signatureCapture, kind: "signature", now: s.now)
        let signatureEnvelope = try String.fetchOne(db, sql: "SELECT envelope FROM sealed_capture WHERE id = ?", arguments: [s.signatureCapture]) ?? ""

        let id = try newID()
        let created = s.now.formatted(Date.ISO8601FormatStyle())
        let binding = crypto.bind(id, s.account, quote.total, stored.currency, s.termsSHA256.lowercased(),
                                  crypto.sha256(Data(signatureEnvelope.utf8)), created)
        try db.execute(sql: """
            INSERT INTO payment (id, account, job, contact, amount, currency, state, created_at, updated_at, pay_on, method_kind,
                                 card_on_file, card_capture, method_description, signature_capture, terms_sha256, signature_binding)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, s.account, s.request.job, s.contact, quote.total, stored.currency, state, created, created,
                             s.payOn?.description, cardOnFile != nil ? "card_on_file" : "capture", cardOnFile, cardCapture,
                             description, s.signatureCapture, s.termsSHA256.lowercased(), binding])
        for (i, line) in quote.lines.enumerated() {
            try db.execute(sql: "INSERT INTO payment_line (payment, item, amount, locked, position) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, line.id, line.amount, line.locked, i])
        }

        // The payment itself, due now or on its day (start of that day in the branch's zone).
        let dueAt = state == "scheduled" ? (s.payOn.map { stored.branch.startOfDay($0) } ?? s.now) : s.now
        let lines = quote.lines.map { PaymentBody.Line(id: $0.id, amount: $0.amount) }
        var card: SealedEnvelope?
        if let cardCapture, let envelope = try String.fetchOne(db, sql: "SELECT envelope FROM sealed_capture WHERE id = ?", arguments: [cardCapture]) {
            card = try SealedEnvelope(json: envelope)
        }
        let payload = PaymentBody(
            payment: id, kiosk: s.kioskID, account: s.account, job: s.request.job, contact: s.contact, amount: quote.total,
            currency: stored.currency, state: state, payOn: s.payOn?.description, createdAt: created, lines: lines,
            method: cardOnFile.map { .cardOnFile($0) } ?? .capture(cardCapture ?? ""), methodDescription: description,
            card: card, signature: try SealedEnvelope(json: signatureEnvelope),
            termsSHA256: s.termsSHA256.lowercased(), signatureBinding: binding)
        try Outbox.add(db, topic: .payment, payload: payload, key: "\(s.kioskID):payment:\(id)", payment: id, dueAt: dueAt, now: s.now)

        // Notifications to store people, receipts to contacts: one entry per person.
        let users = try Self.users(db)
        let manager = try String.fetchOne(db, sql: "SELECT receivables_manager FROM sync_state WHERE id = 1")
        let recipients = PaymentNotices.recipients(
            assignedUser: account.assignedUser.flatMap { users[$0] }, receivablesManager: manager.flatMap { users[$0] },
            branchUser: stored.branch.notifyUser.flatMap { users[$0] }, branchEmail: stored.branch.notifyEmail)
        let summary = PaymentSummary(payment: id, account: s.account, amount: quote.total, currency: stored.currency,
                                     state: state, createdAt: created)
        for r in recipients {
            let to: NotificationBody.Recipient = switch r.who {
            case .user(let u): .user(id: u.id, name: "\(u.firstName) \(u.lastName)", email: u.email, cell: u.cell)
            case .address(let a): .address(email: a)
            }
            let p = NotificationBody(summary: summary, to: to, methods: r.methods, because: r.roles)
            try Outbox.add(db, topic: .notification, payload: p, key: "\(s.kioskID):notification:\(id):\(r.key)", payment: id, dueAt: s.now, now: s.now)
        }
        let receipts = PaymentNotices.receiptContacts(account.contacts, permissions: permissions)
        for c in receipts {
            let p = ReceiptBody(summary: summary, to: .init(contact: c.id, name: c.name, email: c.email ?? ""), lines: lines,
                                methodDescription: description)
            try Outbox.add(db, topic: .receipt, payload: p, key: "\(s.kioskID):receipt:\(id):\(c.id)", payment: id, dueAt: s.now, now: s.now)
        }
        var audit = s.audit
        audit.detail = "payment \(id) account \(s.account) amount \(quote.total) \(state)"
        try audit.insert(db)
        return SubmittedPayment(id: id, state: state, amount: quote.total, currency: stored.currency, lines: quote.lines,
                                payOn: s.payOn, methodDescription: description, receiptsTo: receipts.map(\.name))
    }

    private func newID() throws -> String {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let id = String((0..<6).map { _ in Self.idAlphabet[Int.random(in: 0..<Self.idAlphabet.count, using: &generator)] })
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM payment WHERE id = ?", arguments: [id]) != true { return id }
        }
        throw PaymentRefusal("busy", "the kiosk could not make a payment number; please try again")
    }

    /// A capture of `kind`, sealed in the last 15 minutes and not yet used by a payment; its masked view.
    static func unusedCapture(_ db: Database, id: String, kind: String, now: Date) throws -> [String: String]? {
        guard let row = try Row.fetchOne(db, sql: "SELECT kind, captured_at, masked FROM sealed_capture WHERE id = ?", arguments: [id]) else {
            throw PaymentRefusal("not_found", kind == "card" ? "the card swipe was not found; please swipe again" : "the signature was not found; please sign again")
        }
        guard row["kind"] as String == kind else {
            throw PaymentRefusal("invalid_params", kind == "card" ? "that capture is not a card swipe" : "that capture is not a signature")
        }
        let at = (try? Date(row["captured_at"] as String, strategy: .iso8601)) ?? .distantPast
        guard now.timeIntervalSince(at) <= 15 * 60 else {
            throw PaymentRefusal("conflict", kind == "card" ? "the card swipe is too old; please swipe again" : "the signature is too old; please sign again")
        }
        let column = kind == "card" ? "card_capture" : "signature_capture"
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM payment WHERE \(column) = ?", arguments: [id]) == true {
            throw PaymentRefusal("conflict", kind == "card" ? "that card swipe was already used for a payment; please swipe again" : "that signature was already used for a payment; please sign again")
        }
        guard let masked = row["masked"] as String? else { return nil }
        return (try? JSONDecoder().decode([String: String].self, from: Data(masked.utf8)))
    }

    static func describe(_ masked: [String: String]) -> String {
        "CARD ENDING IN \(masked["last4"] ?? "????")"
    }

    static func commitments(_ db: Database, account: String) throws -> [PaymentCommitment] {
        try PaymentQueue.commitments(db, account: account)
    }

    static func profilePermissions(_ db: Database) throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT id, permissions FROM profile") {
            out[r["id"]] = (try? JSONDecoder().decode([String].self, from: Data((r["permissions"] as String).utf8))) ?? []
        }
        return out
    }

    static func users(_ db: Database) throws -> [String: StoreUser] {
        var out: [String: StoreUser] = [:]
        let loader = AccountLoader(db: db)
        for id in try String.fetchAll(db, sql: "SELECT id FROM store_user") { out[id] = try loader.loadUser(id: id) }
        return out
    }
}
