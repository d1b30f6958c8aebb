import Foundation
import KioskCore
import KioskProtocol
import KioskStore

/// The account read methods: store query → domain figures → wire objects.
struct AccountReads: Sendable {
    let store: KioskStore
    let now: @Sendable () -> Date

    /// The account, its figure scope and "today" at its branch.
    private func load(_ params: AccountParams) async throws -> (StoredAccount, FigureScope, LocalDate) {
        guard let number = params.account, !number.isEmpty else {
            throw RPCError.invalidParams("invalid params: params.account is required (the account number)", path: "params.account")
        }
        let stored: StoredAccount?
        do { stored = try await store.account(number: number) } catch {
            throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be read right now (\(error.description))")
        }
        guard let stored else {
            throw RPCError.app(.notFound, "no account with that number is on this kiosk; check the number, or sync the account data")
        }
        let scope: FigureScope
        do { scope = try Figures.scope(for: stored.account, job: params.job) } catch {
            switch error {
            case .noSuchJob: throw RPCError.app(.notFound, error.description)
            case .noJobsOnAccount: throw RPCError.invalidParams("invalid params: \(error.description)", path: "params.job")
            }
        }
        return (stored, scope, stored.branch.today(at: now()))
    }

    func info(_ params: AccountParams) async throws -> AccountInfo {
        let (stored, _, _) = try await load(params)
        let a = stored.account
        let representative = stored.representative.map { user in
            AccountInfo.Representative(firstName: user.firstName, lastName: user.lastName,
                                       email: user.email.flatMap { $0.isEmpty ? nil : $0 },
                                       cell: user.cell.flatMap { $0.isEmpty ? nil : $0 })
        }
        var info = AccountInfo(
            number: a.number, name: a.name, company: a.company, address: a.usedAddressLines, city: a.city, region: a.region,
            postalCode: a.postalCode, country: a.country, phone: a.phone, receivablesType: a.receivablesType.rawValue,
            billingType: a.billingType.rawValue, jobs: a.jobs.map { .init(number: $0.number, name: $0.name) },
            representative: representative,
            links: .init(erp: a.links.erp, accounting: a.links.accounting, gateway: a.links.gateway),
            branch: a.branch, currency: stored.currency)
        let notices = await SessionRegistry.rejectionNotices(store, account: a.number)
        if !notices.isEmpty { info.rejectedPayments = notices }
        return info
    }

    func balances(_ params: AccountParams) async throws -> BalancesResult {
        let (stored, scope, _) = try await load(params)
        let b = Figures.balances(stored.account, scope: scope)
        return BalancesResult(scope: scope.wireName, job: scope.job, creditLimit: b.creditLimit, creditAvailable: b.creditAvailable,
                              outstanding: b.outstanding, credits: b.credits, amountDue: b.amountDue, newCharges: b.newCharges,
                              total: b.total, currency: stored.currency)
    }

    func summary(_ params: AccountParams) async throws -> SummaryResult {
        let (stored, scope, today) = try await load(params)
        let s = Figures.summary(stored.account, scope: scope, today: today)
        return SummaryResult(totalBalance: s.totalBalance, totalPastDue: s.totalPastDue,
                             oldestInvoice: s.oldestInvoice.map { .init(number: $0.number, date: $0.date.description) },
                             invoiceCount: s.invoiceCount, currency: stored.currency)
    }

    func activity(_ params: AccountParams) async throws -> ActivityResult {
        let (stored, scope, today) = try await load(params)
        let a = Figures.activity(stored.account, scope: scope, today: today)
        return ActivityResult(lastChargeDate: a.lastChargeDate?.description, lastSaleDate: a.lastSaleDate?.description,
                              lastPaymentDate: a.lastPaymentDate?.description, lastPaymentAmount: a.lastPaymentAmount,
                              ytdSales: a.ytdSales, mtdSales: a.mtdSales, priorMonthSales: a.priorMonthSales,
                              priorYearSales: a.priorYearSales, currency: stored.currency)
    }

    func openItems(_ params: AccountParams) async throws -> OpenItemsResult {
        let (stored, scope, today) = try await load(params)
        let o = Figures.openItems(stored.account, scope: scope, branch: stored.branch, today: today)
        let commitments: [PaymentCommitment]
        do { commitments = try await store.commitments(account: stored.account.number) } catch {
            throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be read right now (\(error.description))")
        }
        // Never charge twice: an invoice a payment covers is listed as being paid by it.
        let covers = Figures.covers(commitments)
        return OpenItemsResult(
            invoices: o.invoices.map {
                .init(id: $0.id, number: $0.number, job: $0.job, date: $0.date.description, dueDate: $0.dueDate?.description,
                      poNumber: $0.poNumber, amount: $0.amount, openAmount: $0.openAmount, amountDue: $0.amountDue, pastDue: $0.pastDue,
                      coveredBy: covers[$0.id].map { $0.map { .init(id: $0.paymentID, state: $0.state.rawValue) } })
            },
            financeCharges: o.financeCharges, financeChargesRequired: o.financeChargesRequired, currency: stored.currency)
    }
}

/// `sync.apply`: decode the document, validate it against what is stored, apply it in one transaction.
struct SyncHandler: Sendable {
    let store: KioskStore
    let logger: Logging.Logger

    /// `sync.apply`: the document is the request's params; paths are named from the document's root.
    func apply(request data: Data, caller: Caller) async throws -> SyncApplyResult {
        let document: SyncDocument
        do {
            document = try JSONDecoder().decode(RPCParams<SyncDocument>.self, from: data).params
        } catch let error as DecodingError {
            var problem = SyncHandler.problem(error, in: data, root: "params")
            if problem.path == "params" { problem.path = "" }
            else if problem.path.hasPrefix("params.") { problem.path.removeFirst("params.".count) }
            throw RPCError.invalidParams("the sync document was refused: \(problem.description)", path: problem.path)
        }
        return try await apply(document, caller: caller)
    }

    /// `sync.upload.commit`: the document's own bytes.
    func apply(document data: Data, caller: Caller) async throws -> SyncApplyResult {
        let document: SyncDocument
        if let bad = ControlCharacterScreen.firstViolation(in: data, root: nil, lineBreaks: KioskProtocol.Method.syncDocumentLineBreaks) {
            throw SyncHandler.refusal(bad, under: nil)
        }
        do {
            document = try JSONDecoder().decode(SyncDocument.self, from: data)
        } catch {
            let problem = (error as? DecodingError).map { SyncHandler.problem($0, in: data, root: nil) }
                ?? SyncDocumentError(path: "", problem: "not valid JSON")
            throw RPCError.invalidParams("the sync document was refused: \(problem.description)", path: problem.path)
        }
        return try await apply(document, caller: caller)
    }

    /// A control character in the document (paths from the document's root, as for its other problems).
    static func refusal(_ bad: ControlCharacterScreen.Violation, under root: String?) -> RPCError {
        var path = bad.path
        if let root { path = path == root ? "" : (path.hasPrefix(root + ".") ? String(path.dropFirst(root.count + 1)) : path) }
        let what = bad.inMemberName ? "a member name in \(path.isEmpty ? "the document" : path)" : (path.isEmpty ? "the document" : path)
        return RPCError.invalidParams("the sync document was refused: \(what) contains a control character (\(bad.codePoint))", path: path)
    }

    /// The decoding problem with its path, also when Foundation gave none (`UnnamedDecodingFailure`).
    static func problem(_ error: DecodingError, in data: Data, root: String?) -> SyncDocumentError {
        let problem = SyncDocumentError(decoding: error)
        guard ParamsDecodingProblem.isUnnamed(error) else { return problem }
        let suspect = UnnamedDecodingFailure.locate(in: data, root: root, maximumTries: data.count > 1_000_000 ? 4 : 64) { patched in
            do {
                if root == nil { _ = try JSONDecoder().decode(SyncDocument.self, from: patched) }
                else { _ = try JSONDecoder().decode(RPCParams<SyncDocument>.self, from: patched) }
                return false
            } catch let again as DecodingError { return ParamsDecodingProblem.isUnnamed(again) } catch { return true }
        }
        return suspect.map { SyncDocumentError(path: $0.path, problem: $0.problem) } ?? problem
    }

    private func apply(_ document: SyncDocument, caller: Caller) async throws -> SyncApplyResult {
        let audit = AuditEntry(uid: caller.peer.uid, userName: caller.peer.userName, role: caller.role.rawValue,
                               action: "sync.apply", detail: "")
        let outcome: SyncOutcome
        do {
            outcome = try await store.apply(document, audit: audit)
        } catch {
            switch error {
            case .invalidDocument(let problem):
                throw RPCError.invalidParams("the sync document was refused: \(problem.description)", path: problem.path)
            case .olderDocument:
                throw RPCError.app(.conflict, error.description)
            default:
                throw RPCError.app(.storageUnavailable, error.description)
            }
        }
        logger.info("sync applied", metadata: [
            "as_of": "\(document.asOf)", "accounts_inserted": "\(outcome.accounts.inserted)",
            "accounts_updated": "\(outcome.accounts.updated)", "accounts_unchanged": "\(outcome.accounts.unchanged)",
            "uid": "\(caller.peer.uid)",
        ])
        func counts(_ c: SyncOutcome.Counts) -> SyncApplyResult.Counts { .init(inserted: c.inserted, updated: c.updated, unchanged: c.unchanged) }
        return SyncApplyResult(asOf: document.asOf.description, branches: counts(outcome.branches), users: counts(outcome.users),
                               profiles: counts(outcome.profiles), accounts: counts(outcome.accounts), rowsWritten: outcome.rowsWritten)
    }
}

import Logging
