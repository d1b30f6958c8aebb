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
    let kioskID: String
    let logger: Logger
    let now: @Sendable () -> Date

    static let hashing = PaymentHashing(
        sha256: { SignatureBinding.sha256Hex($0) },
        bind: { payment, account, amount, currency, terms, signature, at in
            SignatureBinding(paymentID: payment, account: account, amount: Int64(amount), currency: currency,
                             termsSHA256: terms, signatureSHA256: signature, signedAt: at).digest
        })

    func register(in table: inout HandlerTable, link: BackOfficeLink) {
        /// A new or changed payment: the relay need not wait for its timer.
        func serve<M: RPCMethod>(_ method: M, _ body: @escaping @Sendable (M.Params, Call) async throws -> M.Result) {
            table.on(method) { params, call in
                let result = try await body(params, call)
                await link.status.ring()
                return result
            }
        }
        serve(Methods.paymentOptions) { params, call in
            let stored = try await account(call.account)
            let methods = try await storeCall { try await store.paymentMethods(account: stored.account.number, now: now()) }
            var result = try options(stored, job: params.job, methods: methods)
            let commitments = try await storeCall { try await store.commitments(account: stored.account.number) }
            result.pendingPayment = PaymentScope.pendingBlocker(for: params.job, among: commitments).map { .init(id: $0.paymentID, amount: $0.amount) }
            let today = stored.branch.today(at: now())
            result.payWindow = .init(today: today.description, latest: today.adding(days: PaymentSchedule.daysAhead).description)
            return result
        }
        serve(Methods.paymentQuote) { params, call in
            let stored = try await account(call.account)
            return try await quote(stored, request: PaymentRequest(job: params.job, invoices: params.invoices ?? [],
                                                                   includeFinanceCharges: params.includeFinanceCharges ?? false, amount: params.amount))
        }
        serve(Methods.paymentSubmit) { params, call in try await submit(params, call: call) }
        serve(Methods.paymentsList) { params, _ in
            var state: PaymentState?
            if let name = params.state {
                guard let known = PaymentState(rawValue: name) else {
                    throw RPCError.invalidParams("invalid params: state must be pending, scheduled, waiting, processed, rejected or deleted", path: "params.state")
                }
                state = known
            }
            let list = try await storeCall { try await store.payments(state: state, account: params.account) }
            return PaymentsListResult(payments: list.map(Self.wire))
        }
        serve(Methods.paymentProcess) { params, call in
            Self.wire(try await change {
                try await store.processPayment(id: params.id, kioskID: kioskID, now: now(), audit: call.audit(), overlapOK: params.overlapOK ?? false)
            })
        }
        serve(Methods.paymentReject) { params, call in
            let rejection: PaymentRejection
            do { rejection = try PaymentRejection(reason: params.reason, message: params.message, looksLikeCardNumber: CardDataPattern.appears(in:)) }
            catch let refusal as PaymentRefusal { throw RPCError(refusal) }
            return Self.wire(try await change {
                try await store.rejectPayment(id: params.id, reason: rejection.reason.rawValue, message: rejection.message, kioskID: kioskID,
                                              now: now(), audit: call.audit())
            })
        }
        serve(Methods.paymentDelete) { params, call in
            if let reason = params.reason {
                guard (1...200).contains(reason.trimmingCharacters(in: .whitespaces).count) else {
                    throw RPCError.invalidParams("invalid params: params.reason must be 1 to 200 characters", path: "params.reason")
                }
                guard !CardDataPattern.appears(in: reason) else {
                    throw RPCError.invalidParams("invalid params: params.reason looks like card data; describe the problem in words", path: "params.reason")
                }
            }
            return Self.wire(try await change {
                try await store.deletePayment(id: params.id, kioskID: kioskID, now: now(), audit: call.audit(), reason: params.reason)
            })
        }
        serve(Methods.paymentReschedule) { params, call in
            guard let day = LocalDate(params.payOn) else { throw RPCError.invalidParams("invalid params: pay_on must be a date YYYY-MM-DD", path: "params.pay_on") }
            try await requireOwnPayment(params.id, call: call)
            return Self.wire(try await change { try await store.reschedulePayment(id: params.id, payOn: day, now: now(), audit: call.audit()) })
        }
        serve(Methods.paymentCancel) { params, call in
            try await requireOwnPayment(params.id, call: call)
            return Self.wire(try await change { try await store.deletePayment(id: params.id, kioskID: kioskID, now: now(), audit: call.audit(), cancel: true) })
        }
        serve(Methods.paymentAcknowledge) { params, call in
            try await change { try await store.acknowledgeRejection(id: params.id, account: call.account ?? "") }
            return OKResult()
        }
        serve(Methods.outboxList) { params, _ in
            let entries = try await storeCall { try await store.outboxEntries(state: params.state) }
            return OutboxListResult(entries: entries.map {
                OutboxEntryWire(id: $0.id, topic: $0.topic, state: $0.state, attempts: $0.attempts, nextAttemptAt: $0.nextAttemptAt,
                                lastError: $0.lastError, payment: $0.payment)
            })
        }
    }

    // MARK: Customer side

    /// The account a payment call is about, as the gate resolved it.
    private func account(_ number: String?) async throws -> StoredAccount {
        guard let stored = try await storeCall({ try await store.account(number: number ?? "") }) else {
            throw RPCError.app(.notFound, "no account with that number is on this kiosk")
        }
        return stored
    }

    /// Active methods only (not expired, not being saved, not refused); the default as in
    /// `payment_methods.list` (PaymentMethodRules.defaultMethod).
    private func options(_ stored: StoredAccount, job: Int?, methods: AccountPaymentMethods?) throws -> PaymentOptions {
        if let job, !stored.account.jobs.contains(where: { $0.number == job }) {
            throw RPCError.app(.notFound, "this account has no such job")
        }
        let all = methods ?? AccountPaymentMethods(methods: [], defaults: [:], today: stored.branch.today(at: now()))
        let usable = PaymentMethodRules.inScope(all.methods, job: job).filter { $0.state(today: all.today) == .active }
        let chosen = PaymentMethodRules.defaultMethod(usable, job: job, today: all.today, setDefaults: all.defaults)
        func listed(_ kind: MethodOnFile.Kind) -> [PaymentOptions.CardOnFile] {
            var out: [PaymentOptions.CardOnFile] = []
            for method in usable where method.kind == kind {
                out.append(PaymentOptions.CardOnFile(id: method.id, description: method.description, isDefault: method.id == chosen, job: method.job))
            }
            return out
        }
        let terms = PaymentTerms.text(for: stored.branch)
        var options = PaymentOptions(receivablesType: stored.account.receivablesType.rawValue, currency: stored.currency, cardsOnFile: listed(.card),
                                     terms: .init(text: terms, sha256: SignatureBinding.sha256Hex(Data(terms.utf8))),
                                     acceptsOnlinePayments: stored.branch.acceptOnlinePayments)
        options.bankAccountsOnFile = listed(.bankAccount)
        return options
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

    private func submit(_ p: PaymentSubmitParams, call: Call) async throws -> PaymentSubmitResult {
        // Only a signed-in customer pays (the gate saw to it): the contact and their profile
        // come from the session.
        guard let session = call.session else { throw RPCError.app(.notSignedIn, "sign in first: type your account number and PIN") }
        let connection = call.connection
        let audit = call.audit()
        let method: PaymentMethodChoice
        switch (p.method.cardOnFile, p.method.capture, p.method.bankAccount) {
        case (let card?, nil, nil): method = .cardOnFile(card)
        case (nil, nil, let bank?): method = .bankAccount(bank)
        case (nil, let capture?, nil):
            _ = try await devices.requireOwnPayingCapture(capture, connection: connection, path: "params.method.capture")
            method = .capture(capture)
        default:
            throw RPCError.invalidParams("invalid params: method must be {\"card_on_file\": id}, {\"bank_account\": id} or {\"capture\": id}",
                                         path: "params.method")
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
    private func requireOwnPayment(_ id: String, call: Call) async throws {
        guard call.caller.role == .front else { return }
        let record = try await storeCall { try await store.payment(id: id) }
        guard let record, record.account == call.account, !record.state.isHidden else {
            throw RPCError.app(.notFound, "there is no payment with that id on this account")
        }
    }

    // MARK: Plumbing

    static func wire(_ r: PaymentRecord) -> PaymentSummaryWire {
        PaymentSummaryWire(id: r.id, account: r.account, job: r.job, amount: r.amount, currency: r.currency, state: r.state.rawValue,
                           createdAt: r.createdAt, payOn: r.payOn, methodDescription: r.methodDescription, reason: r.reason,
                           message: r.message, waitingFor: r.waitingFor, autopayRule: r.autopayRule,
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
