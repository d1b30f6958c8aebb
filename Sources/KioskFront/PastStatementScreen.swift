import Foundation
import KioskProtocol

/// A past statement as a readable page (`statement.get`), opened from the statements list;
/// "Send me this" emails it to the signed-in contact.
public struct PastStatementModel: Sendable, Equatable {
    public var number: String
    public var detail: StatementDetail?
    public var scroll = 0
    public var message: String?
    /// The list it was opened from, to go back to as it was (its page, its cursor).
    public var list: StatementsModel
    public init(number: String, list: StatementsModel) { self.number = number; self.list = list }
}

/// "My documents" (`documents.list`): what the customer asked to have emailed, and whether
/// each went out ("sent to pat@…", "could not be sent: …").
public struct DocumentsModel: Sendable, Equatable {
    public var rows: [DocumentRow] = []
    public var page = 0
    public var more = false
    public var scroll = 0
    public var busy = true
    public var message: String?
    /// When the list was last asked for (front clock), to refresh it while an email is on its way.
    public var askedAt: Double = 0
    public init() {}

    /// An email is still on its way: the list refreshes itself.
    public var waiting: Bool { rows.contains { $0.state == "queued" || $0.state == "accepted" } }
}

extension FrontState {
    /// How often "My documents" asks again while an email is on its way.
    static let documentsRefreshSeconds: Double = 2

    // MARK: Statements list → past statement

    mutating func openPastStatement(from list: StatementsModel) -> [Effect] {
        guard list.rows.indices.contains(list.scroll) else { return [] }
        let number = list.rows[list.scroll].number
        screen = .pastStatement(PastStatementModel(number: number, list: list))
        return [send(.pastStatement, Methods.statementGet, StatementGetParams(number: number))]
    }

    mutating func pastStatementKey(_ key: Key, _ model: inout PastStatementModel) -> [Effect] {
        defer { if case .pastStatement = screen { screen = .pastStatement(model) } }
        if let scroll = key.scrolled(model.scroll) { model.scroll = scroll; return [] }
        switch key {
        case .escape: screen = .statements(model.list)
        case .char("s"), .char("S"):
            guard model.detail != nil else { return [] }
            model.message = "Asking the store to email this statement…"
            return sendMeThis(kind: .statement, id: model.number)
        default: break
        }
        return []
    }

    // MARK: "Send me this" (any screen)

    /// Asks kioskd to email a document to the signed-in contact. Any screen may offer it
    /// (an invoice, a statement, a receipt); the answer lands in `session.documentNotice`
    /// (and on this page's message line), and "My documents" shows when it is sent.
    public mutating func sendMeThis(kind: DocumentSendParams.Kind, id: String, job: Int? = nil) -> [Effect] {
        session?.documentNotice = nil
        return [send(.sendDocument, Methods.documentSend, DocumentSendParams(kind: kind, id: id, job: job))]
    }

    /// What the customer reads after asking: where it is going, or why it cannot.
    public func sendMeThisText(_ result: Result<Data, Failure>) -> String {
        switch result {
        case .success(let data):
            guard let row = Wire.decode(DocumentRow.self, data) else { return "The store has your request; see My documents." }
            return "We will email it to \(row.to). My documents (D on home) shows when it is sent."
        case .failure(let failure):
            if failure.kind == ErrorKind.conflict.rawValue { return "It cannot be emailed: \(failure.message)." }
            return CustomerText.failure(failure, format, fallback: "The kiosk could not ask for the email. Please try again.")
        }
    }

    // MARK: My documents

    mutating func openDocuments() -> [Effect] {
        var model = DocumentsModel()
        model.askedAt = now
        screen = .documents(model)
        return [send(.documents, Methods.documentsList, DocumentsListParams(page: 0))]
    }

    mutating func documentsKey(_ key: Key, _ model: inout DocumentsModel) -> [Effect] {
        defer { if case .documents = screen { screen = .documents(model) } }
        if let scroll = key.scrolled(model.scroll, last: max(0, model.rows.count - 1)) { model.scroll = scroll; return [] }
        switch key {
        case .escape: screen = .home
        case .char("l"), .char("L"), .enter:
            guard model.more, !model.busy else { return [] }
            model.busy = true
            model.askedAt = now
            return [send(.documents, Methods.documentsList, DocumentsListParams(page: model.page + 1))]
        default: break
        }
        return []
    }

    /// While an email is on its way, the first page is asked for again every few seconds.
    mutating func documentsTick() -> [Effect] {
        guard case .documents(var model) = screen, model.waiting, model.page == 0, !model.busy,
              now - model.askedAt >= Self.documentsRefreshSeconds else { return [] }
        model.busy = true
        model.askedAt = now
        screen = .documents(model)
        return [send(.documents, Methods.documentsList, DocumentsListParams(page: 0))]
    }

    mutating func documentsReply(_ purpose: Purpose, _ result: Result<Data, Failure>) -> [Effect] {
        switch (purpose, screen, result) {
        case (.pastStatement, .pastStatement(var model), .success(let data)):
            model.detail = Wire.decode(StatementDetail.self, data)
            if model.detail == nil { model.message = "The kiosk could not read this statement. Please try again." }
            screen = .pastStatement(model)
        case (.pastStatement, .pastStatement(var model), .failure(let failure)):
            model.message = CustomerText.failure(failure, format, fallback: "The kiosk could not read this statement. Please try again.")
            screen = .pastStatement(model)
        case (.sendDocument, _, _):
            let text = sendMeThisText(result)
            session?.documentNotice = text
            switch screen {
            case .pastStatement(var model): model.message = text; screen = .pastStatement(model)
            case .invoice(var model): model.message = text; screen = .invoice(model)
            case .payment(var model): model.message = text; screen = .payment(model)
            case .currentStatement(var model): model.message = text; screen = .currentStatement(model)
            default: break
            }
        case (.documents, .documents(var model), .success(let data)):
            model.busy = false
            if let page = Wire.decode(DocumentsListResult.self, data) {
                model.rows = page.page == 0 ? page.documents : model.rows + page.documents
                model.page = page.page
                model.more = page.more
                model.message = nil
            } else {
                model.message = "The kiosk could not read your documents. Please try again."
            }
            screen = .documents(model)
        case (.documents, .documents(var model), .failure(let failure)):
            model.busy = false
            model.message = CustomerText.failure(failure, format, fallback: "The kiosk could not read your documents. Please try again.")
            screen = .documents(model)
        default: break
        }
        return []
    }
}

extension LocaleFormat {
    /// An RFC 3339 instant as the day and the time of day in the kiosk's own time zone
    /// ("30 nov. 2026 17 h 00" in fr_CA); the text as is when unreadable.
    public func dateTime(_ wire: String) -> String {
        guard wire.count > 10, let instant = Self.instant(wire) else { return date(wire) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: identifier)
        formatter.timeZone = TimeZone.current
        formatter.setLocalizedDateFormatFromTemplate("jmm")
        return date(wire) + " " + formatter.string(from: instant)
    }
}

/// The past statement page and "My documents".
extension Layout {
    mutating func pastStatement(_ model: PastStatementModel) {
        canvas.put(top, 2, "Statement \(model.number)", .strong)
        if let detail = model.detail {
            let format = state.format
            let currency = detail.currency
            let text = StatementText(money: { format.money($0, currency) }, date: { format.date($0) }, instant: { format.dateTime($0) })
            let lines = Array(text.lines(detail, width: 74).dropFirst())
            let visible = bottom - (top + 2) - 1
            let start = max(0, min(model.scroll, lines.count - visible))
            for (i, line) in lines.dropFirst(start).prefix(visible).enumerated() { canvas.put(top + 2 + i, 2, line, .normal) }
            if lines.count > visible { canvas.put(top, width - 26, "(↑↓ PgUp PgDn to scroll)", .dim) }
        } else if model.message == nil {
            canvas.put(top + 2, 2, "Loading…", .dim)
        }
        message(model.message)
        var keys: [(label: String, key: Key)] = [("Esc Back", .escape)]
        if model.detail != nil { keys.insert(("S Send me this", .char("s")), at: 0) }
        buttons(keys)
    }

    mutating func documents(_ model: DocumentsModel) {
        canvas.put(top, 2, "My documents", .strong)
        if model.rows.isEmpty {
            canvas.put(top + 2, 2, model.busy ? "Loading…" : "You have not asked for any document yet.", .dim)
        } else {
            let names = ["invoice": "Invoice", "statement": "Statement", "receipt": "Receipt"]
            var lines: [(String, Canvas.Style)] = []
            for row in model.rows {
                let what = "\(names[row.kind] ?? row.kind) \(row.ref == "current" ? "as of today" : row.ref)"
                let asked = state.format.dateTime(row.requestedAt)
                lines.append(("\(String(what.prefix(34)).padding(toLength: 34, withPad: " ", startingAt: 0)) asked \(asked)", .normal))
                let status: (String, Canvas.Style) = switch row.state {
                case "sent": ("sent to \(row.to)" + (row.sentAt.map { " on \(state.format.dateTime($0))" } ?? ""), .strong)
                case "failed": ("could not be sent: \(row.error ?? "the store gave no reason")", .error)
                default: ("on its way to \(row.to)", .dim)
                }
                for (i, piece) in wrap(status.0, width: 68).enumerated() { lines.append(((i == 0 ? "    " : "      ") + piece, status.1)) }
            }
            let visible = bottom - (top + 2) - 1
            let start = max(0, min(model.scroll, lines.count - visible))
            for (i, line) in lines.dropFirst(start).prefix(visible).enumerated() { canvas.put(top + 2 + i, 2, line.0, line.1) }
            if lines.count > visible { canvas.put(top, width - 26, "(↑↓ PgUp PgDn to scroll)", .dim) }
        }
        message(model.message)
        var keys: [(label: String, key: Key)] = [("Esc Back", .escape)]
        if model.more { keys.insert(("L Load more", .char("l")), at: 0) }
        buttons(keys)
    }
}
