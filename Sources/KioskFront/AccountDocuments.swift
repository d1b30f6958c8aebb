import Foundation
import KioskProtocol

/// The invoice history (open and closed, 25 a page, filtered by status and searched by
/// number or PO), one invoice in full, one payment in full, and the statement as of today.
public struct InvoiceHistoryModel: Sendable, Equatable {
    public var status: InvoicesListParams.Status = .all
    /// What the customer typed to search by (an invoice or PO number, any part of it).
    public var search = ""
    /// The search box has the keys (letters and digits go to it, not to the menu).
    public var searching = false
    public var rows: [InvoicesListResult.Row] = []
    public var page = 0
    public var more = false
    public var cursor = 0
    public var busy = true
    public var message: String?
    public init() {}
}

public struct InvoiceDetailModel: Sendable, Equatable {
    public var id: String
    public var detail: InvoiceDetail?
    public var scroll = 0
    public var message: String?
    /// The screen Esc goes back to, as it was left (cursor, selection, page).
    public var back: Screen
    public init(id: String, back: Screen) { self.id = id; self.back = back }
}

public struct PaymentDetailModel: Sendable, Equatable {
    public var id: String
    public var detail: PaymentDetail?
    public var scroll = 0
    public var message: String?
    public var back: Screen
    public init(id: String, back: Screen) { self.id = id; self.back = back }
}

public struct CurrentStatementModel: Sendable, Equatable {
    public var result: CurrentStatementResult?
    public var scroll = 0
    public var message: String?
    public var back: Screen
    public init(back: Screen) { self.back = back }
}

extension FrontState {
    /// What a contact may open an invoice with (`invoice.get`, `invoices.list`).
    var mayReadInvoices: Bool { session.map { $0.may("view_open_items") || $0.may("view_history") } ?? false }

    mutating func openInvoiceHistory() -> [Effect] {
        let model = InvoiceHistoryModel()
        screen = .invoiceHistory(model)
        return [invoicesPage(model, page: 0)]
    }

    mutating func openInvoice(_ id: String, back: Screen) -> [Effect] {
        guard mayReadInvoices else { return [] }
        screen = .invoice(InvoiceDetailModel(id: id, back: back))
        return [send(.invoiceDetail, Methods.invoiceGet, InvoiceGetParams(id: id))]
    }

    mutating func openPayment(_ id: String, back: Screen) -> [Effect] {
        guard session?.may("view_history") == true else { return [] }
        screen = .payment(PaymentDetailModel(id: id, back: back))
        return [send(.paymentDetail, Methods.paymentGet, PaymentGetParams(id: id))]
    }

    mutating func openCurrentStatement(back: Screen) -> [Effect] {
        guard session?.may("view_statements") == true else { return [] }
        screen = .currentStatement(CurrentStatementModel(back: back))
        return [send(.currentStatement, Methods.statementCurrent, CurrentStatementParams(job: session?.job))]
    }

    private mutating func invoicesPage(_ model: InvoiceHistoryModel, page: Int) -> Effect {
        let search = model.search.isEmpty ? nil : model.search
        return send(.invoiceHistory, Methods.invoicesList,
                    InvoicesListParams(job: session?.job, status: model.status, search: search, page: page))
    }

    mutating func invoiceHistoryKey(_ key: Key, _ model: inout InvoiceHistoryModel) -> [Effect] {
        defer { if case .invoiceHistory = screen { screen = .invoiceHistory(model) } }
        if model.searching { return searchKey(key, &model) }
        let statuses: [InvoicesListParams.Status] = [.all, .open, .closed]
        switch key {
        case .up: model.cursor = max(0, model.cursor - 1)
        case .down: model.cursor = min(max(0, model.rows.count - 1), model.cursor + 1)
        case .pageUp: model.cursor = max(0, model.cursor - 10)
        case .pageDown: model.cursor = min(max(0, model.rows.count - 1), model.cursor + 10)
        case .pick(let row) where row < model.rows.count: model.cursor = row
        case .left, .right, .tab, .backTab:
            let index = statuses.firstIndex(of: model.status) ?? 0
            let step = (key == .left || key == .backTab) ? statuses.count - 1 : 1
            model.status = statuses[(index + step) % statuses.count]
            return reload(&model)
        case .char("/"), .char("s"), .char("S"), .function(2):
            model.searching = true
            model.message = nil
        case .enter:
            guard model.cursor < model.rows.count else { return [] }
            let back = Screen.invoiceHistory(model)
            return openInvoice(model.rows[model.cursor].invoice.id, back: back)
        case .char("l"), .char("L"):
            guard model.more, !model.busy else { return [] }
            model.busy = true
            return [invoicesPage(model, page: model.page + 1)]
        case .escape: screen = .home
        default: break
        }
        return []
    }

    /// The search box: digits and letters of an invoice or PO number, at most 40.
    private mutating func searchKey(_ key: Key, _ model: inout InvoiceHistoryModel) -> [Effect] {
        switch key {
        case .char(let c) where (c.isLetter || c.isNumber || c == "-") && c.isASCII:
            if model.search.count < 40 { model.search.append(c) }
        case .backspace: if !model.search.isEmpty { model.search.removeLast() }
        case .enter:
            model.searching = false
            return reload(&model)
        case .escape:
            model.searching = false
            guard !model.search.isEmpty else { return [] }
            model.search = ""
            return reload(&model)
        default: break
        }
        return []
    }

    private mutating func reload(_ model: inout InvoiceHistoryModel) -> [Effect] {
        model.rows = []
        model.cursor = 0
        model.page = 0
        model.more = false
        model.busy = true
        model.message = nil
        return [invoicesPage(model, page: 0)]
    }

    /// Keys of the three read-only pages: scroll, S to have it emailed ("Send me this"), and
    /// Esc back to where they were opened.
    mutating func documentKey(_ key: Key) -> [Effect] {
        if key == .char("s") || key == .char("S") {
            switch screen {
            case .invoice(let model) where model.detail != nil: return sendMeThis(kind: .invoice, id: model.id)
            case .payment(let model) where model.detail != nil: return sendMeThis(kind: .receipt, id: model.id)
            case .currentStatement(let model) where model.result != nil: return sendMeThis(kind: .statement, id: "current", job: session?.job)
            default: return []
            }
        }
        switch screen {
        case .invoice(var model):
            if key == .escape { screen = model.back; return [] }
            if let scroll = key.scrolled(model.scroll) { model.scroll = scroll; screen = .invoice(model) }
        case .payment(var model):
            if key == .escape { screen = model.back; return [] }
            if let scroll = key.scrolled(model.scroll) { model.scroll = scroll; screen = .payment(model) }
        case .currentStatement(var model):
            if key == .escape { screen = model.back; return [] }
            if let scroll = key.scrolled(model.scroll) { model.scroll = scroll; screen = .currentStatement(model) }
        default: break
        }
        return []
    }

    mutating func documentReply(_ purpose: Purpose, _ result: Result<Data, Failure>) -> [Effect] {
        let unreadable = "The kiosk could not read this. Please try again."
        func text(_ failure: Failure) -> String { CustomerText.failure(failure, format, fallback: unreadable) }
        switch (screen, purpose, result) {
        case (.invoiceHistory(var model), .invoiceHistory, .success(let data)):
            model.busy = false
            if let page = Wire.decode(InvoicesListResult.self, data) {
                model.rows = page.page == 0 ? page.invoices : model.rows + page.invoices
                model.page = page.page
                model.more = page.more
            } else {
                model.message = unreadable
            }
            screen = .invoiceHistory(model)
        case (.invoiceHistory(var model), .invoiceHistory, .failure(let failure)):
            model.busy = false
            model.message = text(failure)
            screen = .invoiceHistory(model)
        case (.invoice(var model), .invoiceDetail, _):
            switch result {
            case .success(let data): model.detail = Wire.decode(InvoiceDetail.self, data); if model.detail == nil { model.message = unreadable }
            case .failure(let failure): model.message = text(failure)
            }
            screen = .invoice(model)
        case (.payment(var model), .paymentDetail, _):
            switch result {
            case .success(let data): model.detail = Wire.decode(PaymentDetail.self, data); if model.detail == nil { model.message = unreadable }
            case .failure(let failure): model.message = text(failure)
            }
            screen = .payment(model)
        case (.currentStatement(var model), .currentStatement, _):
            switch result {
            case .success(let data):
                model.result = Wire.decode(CurrentStatementResult.self, data)
                if model.result == nil { model.message = unreadable }
            case .failure(let failure): model.message = text(failure)
            }
            screen = .currentStatement(model)
        default: break  // the customer moved on: the reply is for a screen no longer shown
        }
        return []
    }
}
