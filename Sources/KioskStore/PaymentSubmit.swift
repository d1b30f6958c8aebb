import Foundation
import GRDB
import KioskBackOfficeContract
import KioskCore

/// How the customer pays.
public enum PaymentMethodChoice: Sendable, Equatable {
    /// A card the back office holds for the account (or the job), by its id.
    case cardOnFile(String)
    /// A card swiped (or a bank account typed) at the kiosk now: the id of its sealed capture.
    case capture(String)
    /// A bank account on file, by its id.
    case bankAccount(String)
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
    public var state: PaymentState
    public var amount: Int
    public var currency: String
    public var lines: [QuoteLine]
    public var payOn: LocalDate?
    public var methodDescription: String
    /// Names of the contacts who will get a receipt.
    public var receiptsTo: [String]
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
        // Only what the checks read: contacts, methods on file and open items (every amount a
        // quote offers is an open amount), never the account's closed history.
        let loader = AccountLoader(db: db)
        guard var stored = try loader.load(number: s.account, slice: AccountSlice(contacts: true, methodsOnFile: true, openItems: true)) else {
            throw PaymentRefusal(.accountGone)
        }
        let scope: FigureScope
        do { scope = try Figures.scope(for: stored.account, job: s.request.job) } catch { throw PaymentRefusal(.scope(error)) }
        guard let contact = stored.account.contacts.first(where: { $0.id == s.contact }), !contact.revoked else {
            throw PaymentRefusal(.contactRevoked)
        }
        let permissions = try Self.profilePermissions(db)
        guard permissions[contact.profile]?.contains(Permission.pay.rawValue) == true else { throw PaymentRefusal(.mayNotPay) }
        let today = stored.branch.today(at: s.now)
        let commitments = try Self.commitments(db, account: s.account)
        // A balance-forward quote asks whether a payment processed here still has its credit
        // on the account, open or not: those few credits, closed ones included.
        try loader.addKioskCredits(to: &stored.account, for: commitments)
        let account = stored.account

        var request = s.request
        request.payOn = s.payOn
        let quote = Figures.quote(account, scope: scope, branch: stored.branch, today: today, request: request,
                                  commitments: commitments, currency: stored.currency)
        if let problem = quote.problems.first { throw PaymentRefusal(problem) }
        guard quote.total > 0 else { throw PaymentRefusal(.nothingToPay) }

        // The date: today (or none) is pending now; a later day up to a year ahead is scheduled.
        let state = try PaymentSchedule.state(payOn: s.payOn, today: today)

        let terms = PaymentTerms.text(for: stored.branch)
        guard s.termsSHA256.lowercased() == crypto.sha256(Data(terms.utf8)) else { throw PaymentRefusal(.termsChanged) }

        let description: String
        var cardOnFile: String?, cardCapture: StoredCapture?
        var bodyMethod: PaymentBody.Method
        switch s.method {
        case .cardOnFile(let id), .bankAccount(let id):
            // A job's own method or the account's; on a consolidated payment only the account's;
            // active only (not expired, not still being saved, not refused), with the kiosk's
            // own saves and removals laid over the sync's (PaymentMethodLedger).
            let bank = if case .bankAccount = s.method { true } else { false }
            let methods = try PaymentMethodLedger.load(db, stored: stored, now: s.now)
            guard let method = methods.methods.first(where: { $0.id == id && ($0.job == nil || $0.job == s.request.job) }),
                  method.kind == (bank ? .bankAccount : .card), method.state(today: methods.today) == .active else {
                throw PaymentRefusal(bank ? .bankAccountUnusable : .cardOnFileUnusable)
            }
            description = method.description
            cardOnFile = id
            bodyMethod = bank ? .bankAccount(id) : .cardOnFile(id)
        case .capture(let id):
            // Only the kind: the envelope (tens of kB) is read once, by unusedCapture.
            let stored = try String.fetchOne(db.cachedStatement(sql: "SELECT kind FROM sealed_capture WHERE id = ?"), arguments: [id])
            let kind: PaymentCaptureRule.Kind = stored == "bank" ? .bank : .card
            let capture = try Self.unusedCapture(db, id: id, kind: kind, now: s.now)
            description = PaymentCaptureRule.methodDescription(masked: capture.masked.flatMap {
                try? JSONDecoder().decode([String: String].self, from: Data($0.utf8))
            })
            cardCapture = capture
            bodyMethod = .capture(id)
        }
        let signature = try Self.unusedCapture(db, id: s.signatureCapture, kind: .signature, now: s.now)

        let id = try newID()
        let created = s.now.formatted(Date.ISO8601FormatStyle())
        let methodType = switch s.method {
        case .cardOnFile: "card_on_file"
        case .bankAccount: "bank_account_on_file"
        case .capture: cardCapture?.kind == "bank" ? "bank_account_typed" : "card_swiped"
        }
        try PaymentHistory.record(db, payment: id, from: nil, to: state, at: s.now, actor: PaymentActor(s.audit))
        let binding = crypto.bind(id, s.account, quote.total, stored.currency, s.termsSHA256.lowercased(),
                                  crypto.sha256(Data(signature.envelope.utf8)), created)
        try StoredPayment(id: id, account: s.account, job: s.request.job, contact: s.contact, amount: quote.total, currency: stored.currency,
                          state: state, createdAt: created, updatedAt: created, payOn: s.payOn?.description,
                          methodKind: cardOnFile != nil ? .cardOnFile : .capture, cardOnFile: cardOnFile, cardCapture: cardCapture?.id,
                          methodDescription: description, signatureCapture: s.signatureCapture, termsSHA256: s.termsSHA256.lowercased(),
                          signatureBinding: binding, methodType: methodType).insert(db)
        for (i, line) in quote.lines.enumerated() {
            try StoredPaymentLine(payment: id, item: line.id, amount: line.amount, locked: line.locked, position: i).insert(db)
        }

        // The payment itself, due now or on its day (start of that day in the branch's zone).
        let dueAt = state == .scheduled ? (s.payOn.map { stored.branch.startOfDay($0) } ?? s.now) : s.now
        let lines = quote.lines.map { PaymentBody.Line(id: $0.id, amount: $0.amount) }
        let sealed = try cardCapture.map { try SealedEnvelope(json: $0.envelope) }
        let card = cardCapture?.kind == "bank" ? nil : sealed
        var payload = PaymentBody(
            payment: id, kiosk: s.kioskID, account: s.account, job: s.request.job, contact: s.contact, amount: quote.total,
            currency: stored.currency, state: state.rawValue, payOn: s.payOn?.description, createdAt: created, lines: lines,
            method: bodyMethod, methodDescription: description,
            card: card, signature: try SealedEnvelope(json: signature.envelope),
            termsSHA256: s.termsSHA256.lowercased(), signatureBinding: binding)
        if cardCapture?.kind == "bank" { payload.bankAccount = sealed }
        try Outbox.add(db, topic: .payment, payload: payload, key: "\(s.kioskID):payment:\(id)", payment: id, dueAt: dueAt, now: s.now)

        let receipts = try Self.addNotices(db, stored: stored, permissions: permissions, payment: id, amount: quote.total, state: state,
                                           created: created, lines: lines, description: description, kioskID: s.kioskID, now: s.now)
        var audit = s.audit
        audit.detail = "payment \(id) account \(s.account) amount \(quote.total) \(state.rawValue)"
        try audit.insert(db)
        return SubmittedPayment(id: id, state: state, amount: quote.total, currency: stored.currency, lines: quote.lines,
                                payOn: s.payOn, methodDescription: description, receiptsTo: receipts.map(\.name))
    }

    private func newID() throws -> String { try Self.newID(db) }

    /// A payment id not used yet.
    static func newID(_ db: Database) throws -> String {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let id = String((0..<6).map { _ in Self.idAlphabet[Int.random(in: 0..<Self.idAlphabet.count, using: &generator)] })
            if try !StoredPayment.exists(db, key: id) { return id }
        }
        throw PaymentRefusal(.noPaymentNumber)
    }

    /// Notifications to store people and receipts to contacts, one outbox entry per person, for
    /// a payment just written (a customer's or an autopay rule's). Returns the receipts' contacts.
    static func addNotices(_ db: Database, stored: StoredAccount, permissions: [String: [String]], payment id: String, amount: Int,
                           state: PaymentState, created: String, lines: [PaymentBody.Line], description: String, kioskID: String,
                           now: Date) throws -> [Contact] {
        let account = stored.account
        let users = try Self.users(db)
        let manager = try String.fetchOne(db.cachedStatement(sql: "SELECT receivables_manager FROM sync_state WHERE id = 1"))
        let recipients = PaymentNotices.recipients(
            assignedUser: account.assignedUser.flatMap { users[$0] }, receivablesManager: manager.flatMap { users[$0] },
            branchUser: stored.branch.notifyUser.flatMap { users[$0] }, branchEmail: stored.branch.notifyEmail)
        let summary = PaymentSummary(payment: id, account: account.number, amount: amount, currency: stored.currency,
                                     state: state.rawValue, createdAt: created)
        for r in recipients {
            let to: NotificationBody.Recipient = switch r.who {
            case .user(let u): .user(id: u.id, name: "\(u.firstName) \(u.lastName)", email: u.email, cell: u.cell)
            case .address(let a): .address(email: a)
            }
            let p = NotificationBody(summary: summary, to: to, methods: r.methods, because: r.roles)
            try Outbox.add(db, topic: .notification, payload: p, key: "\(kioskID):notification:\(id):\(r.key)", payment: id, dueAt: now, now: now)
        }
        let receipts = PaymentNotices.receiptContacts(account.contacts, permissions: permissions)
        for c in receipts {
            let p = ReceiptBody(summary: summary, to: .init(contact: c.id, name: c.name, email: c.email ?? ""), lines: lines,
                                methodDescription: description)
            try Outbox.add(db, topic: .receipt, payload: p, key: "\(kioskID):receipt:\(id):\(c.id)", payment: id, dueAt: now, now: now)
        }
        return receipts
    }

    /// The capture `id`, if it may pay for this payment (`PaymentCaptureRule`: of `kind`, fresh,
    /// not used by a payment yet).
    static func unusedCapture(_ db: Database, id: String, kind: PaymentCaptureRule.Kind, now: Date) throws -> StoredCapture {
        guard let capture = try StoredCapture.fetchOne(db, key: id) else { throw PaymentRefusal(PaymentCaptureRule.missing(kind)) }
        // A signature signs one thing: one payment, or one autopay rule's authorisation.
        // Cached statements on the unique indexes: a submit runs these on every payment.
        let paymentUses = kind == .signature ? "SELECT EXISTS (SELECT 1 FROM payment WHERE signature_capture = ?)"
                                             : "SELECT EXISTS (SELECT 1 FROM payment WHERE card_capture = ?)"
        let used = try Bool.fetchOne(db.cachedStatement(sql: paymentUses), arguments: [id]) == true
            || (kind == .signature && (try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM autopay_authorization WHERE signature_capture = ?)"),
                                                         arguments: [id]) == true))
        let found = PaymentCaptureRule.Found(kind: capture.kind, capturedAt: try? Date(capture.capturedAt, strategy: .iso8601),
                                             usedByAPayment: used)
        if let problem = PaymentCaptureRule.problem(expected: kind, found: found, now: now) { throw PaymentRefusal(problem) }
        return capture
    }

    static func commitments(_ db: Database, account: String) throws -> [PaymentCommitment] {
        try PaymentQueue.commitments(db, account: account)
    }

    static func profilePermissions(_ db: Database) throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        for r in try Row.fetchAll(db.cachedStatement(sql: "SELECT id, permissions FROM profile")) {
            out[r["id"]] = (try? JSONDecoder().decode([String].self, from: Data((r["permissions"] as String).utf8))) ?? []
        }
        return out
    }

    static func users(_ db: Database) throws -> [String: StoreUser] {
        var out: [String: StoreUser] = [:]
        let loader = AccountLoader(db: db)
        for id in try String.fetchAll(db.cachedStatement(sql: "SELECT id FROM store_user")) { out[id] = try loader.loadUser(id: id) }
        return out
    }
}
