import Foundation
import KioskCore
import KioskProtocol
import KioskStore

/// `statement.get`'s sibling writes: `document.send` ("Send me this") and `documents.list`.
/// The email goes to the back office through the outbox (topic `document`) with the document
/// as text; the back office sends it and its delivery report comes back through the relay.
struct DocumentHandlers: Sendable {
    let store: KioskStore
    let kioskID: String
    let now: @Sendable () -> Date

    /// The longest id a document request names (item ids, statement numbers, payment ids).
    static let idLength = 1...64

    func register(in table: inout HandlerTable, link: BackOfficeLink) {
        table.on(Methods.documentSend) { params, call in
            let row = try await send(params, call: call)
            await link.status.ring()
            return row
        }
        table.on(Methods.documentsList) { params, call in
            guard StatementPage.pages.contains(params.page ?? 0) else {
                throw RPCError.invalidParams("invalid params: params.page must be a page number from 0 to 4000", path: "params.page")
            }
            let account = try await loadAccount(call.account)
            let page = params.page ?? 0
            let found: (rows: [DocumentRecord], more: Bool)
            do {
                found = try await store.documents(account: account.account.number, contact: call.session?.contact.id, page: page,
                                                  size: DocumentsListResult.pageSize)
            } catch { throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be read right now (\(error))") }
            return DocumentsListResult(documents: found.rows.map(Self.row), page: page, more: found.more)
        }
    }

    static func row(_ d: DocumentRecord) -> DocumentRow {
        DocumentRow(id: d.id, kind: d.kind, ref: d.ref, job: d.job, contact: d.contact, to: DocumentRow.masked(d.email),
                    state: d.state.rawValue, requestedAt: d.requestedAt, sentAt: d.sentAt, error: d.error)
    }

    private func send(_ params: DocumentSendParams, call: Call) async throws -> DocumentRow {
        guard Self.idLength.contains(params.id.count) else {
            throw RPCError.invalidParams("invalid params: params.id must be 1 to 64 characters: the invoice id, statement number (or current) or payment id",
                                         path: "params.id")
        }
        // A session may send what it may see, and only to its own contact.
        if let session = call.session {
            let allowed: Bool = switch params.kind {
            case .invoice: session.allows(ContactPermission.viewOpenItems) || session.allows(ContactPermission.viewHistory)
            case .statement: session.allows(ContactPermission.viewStatements)
            case .receipt: session.allows(ContactPermission.viewHistory)
            }
            guard allowed else { throw RPCError.app(.permissionDenied, ContactPermission.viewStatements.refusal) }
            if let named = params.contact, named != session.contact.id {
                throw RPCError.app(.permissionDenied, "a document can be sent only to the contact who is signed in")
            }
        } else if params.contact == nil {
            throw RPCError.invalidParams("invalid params: params.contact is required: name the contact of the account to email", path: "params.contact")
        }
        let stored = try await loadAccount(call.account)
        let contactID = call.session?.contact.id ?? params.contact ?? ""
        guard let contact = stored.account.contacts.first(where: { $0.id == contactID }) else {
            throw RPCError.app(.notFound, "this account has no contact with that id")
        }
        guard !contact.revoked else { throw RPCError.app(.conflict, "this contact's access is revoked; documents are not sent to it") }
        guard let email = contact.email, email.contains("@") else {
            throw RPCError.app(.conflict, "this contact has no email address on file; the store can add one")
        }
        let document = try await render(params, stored: stored, call: call)
        let request = DocumentRequest(account: stored.account.number, kind: params.kind.rawValue, ref: params.id, job: document.job,
                                      contact: contact.id, email: email, subject: document.subject, text: document.text,
                                      kioskID: kioskID, now: now(), requestedBy: call.session.map { "contact \($0.contact.id)" } ?? call.caller.peer.userName,
                                      audit: call.audit())
        do { return Self.row(try await store.requestDocument(request)) } catch {
            throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be written right now (\(error))")
        }
    }

    /// The document as text: what the customer saw, never a card number (cards are only
    /// ever stored masked), for the back office to email.
    private func render(_ params: DocumentSendParams, stored: StoredAccount, call: Call) async throws -> (subject: String, text: String, job: Int?) {
        let currency = stored.currency
        let zone = TimeZone(identifier: stored.branch.timeZone) ?? TimeZone(identifier: "UTC")!
        let text = StatementText(money: { MoneyFormat.format($0, currency: currency) }, date: { $0 },
                                 instant: { Self.localTime($0, in: zone) })
        let who = stored.account.company ?? stored.account.name
        func page(_ title: String, _ lines: [String], job: Int?) -> (String, String, Int?) {
            let header = ["\(who), account \(stored.account.number)", ""]
            return ("\(title) (\(who))", (header + lines).joined(separator: "\n") + "\n", job)
        }
        switch params.kind {
        case .statement where params.id == "current":
            let current = try await InvoiceHandlers(store: store, now: now).currentStatement(
                CurrentStatementParams(account: stored.account.number, job: params.job), call: call)
            return page("Statement of \(current.date)", DocumentText.current(current, text), job: current.job)
        case .statement:
            guard let detail = HistoryHandlers.statement(stored.account, number: params.id, currency: currency) else {
                throw RPCError.app(.notFound, "this account has no statement with that number")
            }
            return page("Statement \(detail.number)", text.lines(detail), job: detail.job)
        case .invoice:
            guard let row = Figures.invoice(stored.account, id: params.id, today: stored.branch.today(at: now())) else {
                throw RPCError.app(.notFound, "this account has no invoice with that id")
            }
            let applied = Figures.applications(to: row.item.id, in: stored.account)
                .map { (date: $0.payment.date.description, method: $0.payment.method, amount: $0.amount) }
            return page("Invoice \(row.item.number)", DocumentText.invoice(row.item, amountDue: row.amountDue, applied: applied, text), job: row.item.job)
        case .receipt:
            let kiosk: PaymentRecord?
            do { kiosk = try await store.payment(id: params.id) } catch {
                throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be read right now (\(error))")
            }
            guard let detail = HistoryHandlers.detail(stored.account, kiosk: kiosk, id: params.id, staff: call.session == nil, currency: currency) else {
                throw RPCError.app(.notFound, "this account has no payment with that id")
            }
            return page("Receipt for payment \(detail.row.id)", DocumentText.receipt(detail, text), job: detail.row.job)
        }
    }

    /// An RFC 3339 instant as the store's clock showed it: `2026-11-30 17:00 CST`.
    static func localTime(_ wire: String, in zone: TimeZone) -> String {
        guard let instant = Instant(wire) else { return wire }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm zzz"
        return formatter.string(from: instant.date)
    }

    private func loadAccount(_ number: String?) async throws -> StoredAccount {
        let stored: StoredAccount?
        do { stored = try await store.account(number: number ?? "") } catch {
            throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be read right now (\(error))")
        }
        guard let stored else { throw RPCError.app(.notFound, "no account with that number is on this kiosk") }
        return stored
    }
}

/// The other documents as text, in the statement's style.
enum DocumentText {
    static func current(_ s: CurrentStatementResult, _ t: StatementText) -> [String] {
        func row(_ l: String, _ amount: Int) -> String { pad(l, t.money(amount)) }
        var out = ["Statement of \(s.date)" + (s.job.map { ", job \($0)" } ?? ""), ""]
        out += s.items.map { row("\($0.date)  \(StatementText.kindName($0.kind)) \($0.number)", $0.openAmount) }
        if s.items.isEmpty { out.append("Nothing is open.") }
        out += ["", row("Current", s.aging.current), row("1–30 days past due", s.aging.days1to30),
                row("31–60 days past due", s.aging.days31to60), row("61–90 days past due", s.aging.days61to90),
                row("Over 90 days past due", s.aging.over90), row("Credits", -s.credits), row("Amount due", s.amountDue)]
        return out
    }

    static func invoice(_ i: Item, amountDue: Int, applied: [(date: String, method: String, amount: Int)], _ t: StatementText) -> [String] {
        var out = ["Invoice \(i.number) of \(i.date)" + (i.dueDate.map { ", due \($0)" } ?? "") + (i.poNumber.map { ", PO \($0)" } ?? ""), ""]
        out += i.lines.map { pad($0.name, t.money($0.amount)) }
        out.append(pad("Invoice total", t.money(i.amount)))
        out += applied.map { pad("Paid \($0.date) by \($0.method)", t.money(-$0.amount)) }
        out.append(pad("Amount due", t.money(amountDue)))
        return out
    }

    static func receipt(_ p: PaymentDetail, _ t: StatementText) -> [String] {
        var out = ["Payment \(p.row.id) of \(p.row.date)", "Paid with \(p.row.method)", "State: \(p.row.state)", ""]
        out += p.lines.map { pad($0.number.map { "Invoice \($0)" } ?? $0.id.replacingOccurrences(of: "_", with: " "), t.money($0.amount)) }
        out += p.applied.map { pad("Applied to \($0.kind ?? "item") \($0.number ?? $0.item)", t.money($0.amount)) }
        out.append(pad("Total", t.money(p.row.amount)))
        return out
    }

    static func pad(_ left: String, _ right: String, width: Int = 76) -> String {
        left + String(repeating: " ", count: max(1, width - left.count - right.count)) + right
    }
}
