import Foundation
import KioskCore
import KioskCrypto
import KioskProtocol
import KioskStore
import Logging

/// payment.* and payments.list / outbox.list: the customer's side inside a session, the
/// manager's post-processing outside one. Every refusal carries its kind and a sentence.
struct PaymentHandlers: Sendable {
    let store: KioskStore
    let devices: DeviceManager
    let sessions: SessionRegistry
    let kioskID: String
    let logger: Logger
    let now: @Sendable () -> Date

    static let hashing = PaymentHashing(
        sha256: { SignatureBinding.sha256Hex($0) },
        bind: { payment, account, amount, currency, terms, signature, at in
            SignatureBinding(paymentID: payment, account: account, amount: Int64(amount), currency: currency,
                             termsSHA256: terms, signatureSHA256: signature, signedAt: at).digest
        })

    func handle(_ method: KioskProtocol.Method, data: Data, caller: Caller, connection: ConnectionID) async throws -> any Encodable & Sendable {
        func audit() -> AuditEntry {
            AuditEntry(uid: caller.peer.uid, userName: caller.peer.userName, role: caller.role.rawValue, action: method.rawValue, detail: "")
        }
        switch method {
        case .paymentOptions:
            let params: PaymentOptionsParams = try decodeParams(data)
            let (stored, _) = try await customerAccount(params.account, caller: caller, connection: connection, needsPay: false)
            var result = try options(stored, job: params.job)
            let commitments = try await storeCall { try await store.commitments(account: stored.account.number) }
            result.pendingPayment = PaymentScope.pendingBlocker(for: params.job, among: commitments).map { .init(id: $0.paymentID, amount: $0.amount) }
            return result
        case .paymentQuote:
            let params: PaymentQuoteParams = try decodeParams(data)
            let (stored, _) = try await customerAccount(params.account, caller: caller, connection: connection, needsPay: false)
            return try await quote(stored, request: PaymentRequest(job: params.job, invoices: params.invoices ?? [],
                                                                   includeFinanceCharges: params.includeFinanceCharges ?? false, amount: params.amount))
        case .paymentSubmit:
            let params: PaymentSubmitParams = try decodeParams(data)
            return try await submit(params, caller: caller, connection: connection, audit: audit())
        case .paymentsList:
            let params: PaymentsListParams = try decodeParams(data)
            var state: PaymentState?
            if let name = params.state {
                guard let known = PaymentState(rawValue: name) else {
                    throw RPCError.invalidParams("invalid params: state must be pending, scheduled, waiting, processed, rejected or deleted", path: "params.state")
                }
                state = known
            }
            let list = try await storeCall { try await store.payments(state: state, account: params.account) }
            return PaymentsListResult(payments: list.map(Self.wire))
        case .paymentProcess:
            let params: PaymentProcessParams = try decodeParams(data)
            return Self.wire(try await change {
                try await store.processPayment(id: params.id, kioskID: kioskID, now: now(), audit: audit(), overlapOK: params.overlapOK ?? false)
            })
        case .paymentReject:
            let params: PaymentRejectParams = try decodeParams(data)
            let rejection: PaymentRejection
            do { rejection = try PaymentRejection(reason: params.reason, message: params.message, looksLikeCardNumber: CardDataPattern.appears(in:)) }
            catch { throw RPCError(error) }
            return Self.wire(try await change {
                try await store.rejectPayment(id: params.id, reason: rejection.reason.rawValue, message: rejection.message, kioskID: kioskID,
                                              now: now(), audit: audit())
            })
        case .paymentDelete:
            let params: PaymentIDParams = try decodeParams(data)
            return Self.wire(try await change { try await store.deletePayment(id: params.id, kioskID: kioskID, now: now(), audit: audit()) })
        case .paymentReschedule, .paymentCancel:
            let id: String
            var payOn: LocalDate?
            if method == .paymentReschedule {
                let params: PaymentRescheduleParams = try decodeParams(data)
                guard let day = LocalDate(params.payOn) else { throw RPCError.invalidParams("invalid params: pay_on must be a date YYYY-MM-DD", path: "params.pay_on") }
                id = params.id; payOn = day
            } else {
                id = (try decodeParams(data) as PaymentIDParams).id
            }
            try await requireOwnPayment(id, caller: caller, connection: connection)
            if let payOn {
                return Self.wire(try await change { try await store.reschedulePayment(id: id, payOn: payOn, now: now(), audit: audit()) })
            }
            return Self.wire(try await change { try await store.deletePayment(id: id, kioskID: kioskID, now: now(), audit: audit(), cancel: true) })
        case .paymentAcknowledge:
            let params: PaymentIDParams = try decodeParams(data)
            let session = try await sessions.current(connection)
            try await change { try await store.acknowledgeRejection(id: params.id, account: session.account) }
            return OKResult()
        case .outboxList:
            let params: OutboxListParams = try decodeParams(data)
            let entries = try await storeCall { try await store.outboxEntries(state: params.state) }
            return OutboxListResult(entries: entries.map {
                OutboxEntryWire(id: $0.id, topic: $0.topic, state: $0.state, attempts: $0.attempts, nextAttemptAt: $0.nextAttemptAt,
                                lastError: $0.lastError, payment: $0.payment)
            })
        default:
            throw RPCError.methodNotFound(method.rawValue)
        }
    }

    // MARK: Customer side

    /// The account a payment call is about: the session's for whoever has one on this
    /// connection (the front always must), else the one named (managers quoting for a caller).
    private func customerAccount(_ asked: String?, caller: Caller, connection: ConnectionID, needsPay: Bool) async throws -> (StoredAccount, Session?) {
        var session: Session?
        if caller.role == .front || asked == nil { session = try await sessions.current(connection) }
        if let session, let asked, asked != session.account {
            throw RPCError.app(.permissionDenied, "permission denied: this session is for another account")
        }
        if let session, !session.allows(.pay) {
            throw RPCError.app(.permissionDenied, "your access does not include paying; ask the account's owner or the store")
        }
        let number = session?.account ?? asked ?? ""
        guard let stored = try await storeCall({ try await store.account(number: number) }) else {
            throw RPCError.app(.notFound, "no account with that number is on this kiosk")
        }
        return (stored, session)
    }

    private func options(_ stored: StoredAccount, job: Int?) throws -> PaymentOptions {
        if let job, !stored.account.jobs.contains(where: { $0.number == job }) {
            throw RPCError.app(.notFound, "this account has no such job")
        }
        let usable = stored.account.cardsOnFile.filter { $0.job == nil || $0.job == job }
        let jobCard = usable.first { $0.job != nil && $0.job == job }
        let cards = usable.map { card in
            PaymentOptions.CardOnFile(id: card.id, description: card.description,
                                      isDefault: card.id == (jobCard ?? usable.first)?.id, job: card.job)
        }
        let terms = PaymentTerms.text(for: stored.branch)
        return PaymentOptions(receivablesType: stored.account.receivablesType.rawValue, currency: stored.currency, cardsOnFile: cards,
                              terms: .init(text: terms, sha256: SignatureBinding.sha256Hex(Data(terms.utf8))),
                              acceptsOnlinePayments: stored.branch.acceptOnlinePayments)
    }

    private func quote(_ stored: StoredAccount, request: PaymentRequest) async throws -> PaymentQuoteResult {
        let scope: FigureScope
        do { scope = try Figures.scope(for: stored.account, job: request.job) } catch {
            throw RPCError.app(.notFound, error.description)
        }
        let commitments = try await storeCall { try await store.commitments(account: stored.account.number) }
        let q = Figures.quote(stored.account, scope: scope, branch: stored.branch, today: stored.branch.today(at: now()),
                              request: request, commitments: commitments, currency: stored.currency)
        // `item` names one of the account's items, never an id the client made up (not echoed).
        let problems = q.problems.map { p in
            PaymentProblemWire(kind: p.kind.wireName, message: p.message,
                               item: p.item.flatMap { id in stored.account.items.contains { $0.id == id } ? id : nil })
        }
        return PaymentQuoteResult(total: q.total, currency: stored.currency,
                                  lines: q.lines.map { PaymentLineWire(id: $0.id, amount: $0.amount, locked: $0.locked) }, problems: problems)
    }

    private func submit(_ p: PaymentSubmitParams, caller: Caller, connection: ConnectionID, audit: AuditEntry) async throws -> PaymentSubmitResult {
        // Only a signed-in customer pays: the contact (and their profile) come from the session.
        let session = try await sessions.current(connection)
        if let asked = p.account, asked != session.account {
            throw RPCError.app(.permissionDenied, "permission denied: this session is for another account")
        }
        guard session.allows(.pay) else {
            throw RPCError.app(.permissionDenied, "your access does not include paying; ask the account's owner or the store")
        }
        let method: PaymentMethodChoice
        switch (p.method.cardOnFile, p.method.capture) {
        case (let card?, nil): method = .cardOnFile(card)
        case (nil, let capture?):
            try await devices.requireOwnCapture(capture, kind: .card, connection: connection)
            method = .capture(capture)
        default:
            throw RPCError.invalidParams("invalid params: method must be {\"card_on_file\": id} or {\"capture\": id}", path: "params.method")
        }
        try await devices.requireOwnCapture(p.signature, kind: .signature, connection: connection)
        guard p.termsSHA256.count == 64, p.termsSHA256.allSatisfy(\.isHexDigit) else {
            throw RPCError.invalidParams("invalid params: terms_sha256 must be the 64 hex digits payment.options gave", path: "params.terms_sha256")
        }
        var payOn: LocalDate?
        if let text = p.payOn {
            guard let day = LocalDate(text) else { throw RPCError.invalidParams("invalid params: pay_on must be a date YYYY-MM-DD", path: "params.pay_on") }
            payOn = day
        }
        let submission = PaymentSubmission(
            account: session.account, contact: session.contact.id,
            request: PaymentRequest(job: p.job, invoices: p.invoices ?? [], includeFinanceCharges: p.includeFinanceCharges ?? false, amount: p.amount),
            method: method, signatureCapture: p.signature, termsSHA256: p.termsSHA256, payOn: payOn, kioskID: kioskID, now: now(), audit: audit)
        let result: SubmittedPayment
        do {
            result = try await store.submitPayment(submission, crypto: Self.hashing)
        } catch let refusal as PaymentRefusal {
            throw RPCError(refusal)
        } catch let error as StoreError {
            logger.error("payment not stored", metadata: ["account": "\(session.account)", "error": "\(error.description)"])
            throw RPCError.app(.storageUnavailable, "the payment could not be saved, so nothing was charged: \(error.description). Please ask staff")
        }
        logger.notice("payment submitted", metadata: ["payment": "\(result.id)", "account": "\(session.account)",
                                                      "amount": "\(result.amount)", "state": "\(result.state)"])
        return PaymentSubmitResult(id: result.id, state: result.state.rawValue, amount: result.amount, currency: result.currency,
                                   payOn: result.payOn?.description, methodDescription: result.methodDescription,
                                   receiptsTo: result.receiptsTo, lines: result.lines.map { PaymentLineWire(id: $0.id, amount: $0.amount, locked: $0.locked) })
    }

    /// A customer may reschedule or cancel only their account's payments; staff any.
    private func requireOwnPayment(_ id: String, caller: Caller, connection: ConnectionID) async throws {
        guard caller.role == .front else { return }
        let session = try await sessions.current(connection)
        let record = try await storeCall { try await store.payment(id: id) }
        guard let record, record.account == session.account, !record.state.isHidden else {
            throw RPCError.app(.notFound, "there is no payment with that id on this account")
        }
    }

    // MARK: Plumbing

    static func wire(_ r: PaymentRecord) -> PaymentSummaryWire {
        PaymentSummaryWire(id: r.id, account: r.account, job: r.job, amount: r.amount, currency: r.currency, state: r.state.rawValue,
                           createdAt: r.createdAt, payOn: r.payOn, methodDescription: r.methodDescription, reason: r.reason,
                           message: r.message, waitingFor: r.waitingFor,
                           lines: r.lines.map { PaymentLineWire(id: $0.id, amount: $0.amount, locked: $0.locked) })
    }

    private func change<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let refusal as PaymentRefusal { throw RPCError(refusal) }
        catch let error as StoreError { throw RPCError.app(.storageUnavailable, error.description) }
    }

    private func storeCall<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as StoreError { throw RPCError.app(.storageUnavailable, error.description) }
    }
}
