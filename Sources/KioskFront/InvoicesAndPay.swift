import Foundation
import KioskProtocol

/// Open invoices (choose what to pay) and the pay screen (amount and method).
extension FrontState {
    mutating func invoicesKey(_ key: Key, _ model: inout InvoicesModel) -> [Effect] {
        guard !model.busy else { return [] }
        defer { if case .invoices = screen { screen = .invoices(model) } }
        let rows = model.rowCount
        switch key {
        case .up: model.cursor = max(0, model.cursor - 1); model.showingSummary = false
        case .down: model.cursor = min(max(0, rows - 1), model.cursor + 1); model.showingSummary = false
        case .pageUp: model.cursor = max(0, model.cursor - 10)
        case .pageDown: model.cursor = min(max(0, rows - 1), model.cursor + 10)
        case .char(" "): toggle(&model, row: model.cursor)
        case .pick(let row) where row < rows: model.cursor = row; toggle(&model, row: row)
        case .enter: model.showingSummary.toggle()
        case .char("l"), .char("L"):
            // The next page is added below the rows shown, so what was picked stays picked.
            guard let items = model.items, items.more else { return [] }
            model.busy = true
            return [send(.openItems, Methods.itemsOpen, OpenItemsParams(job: session?.job, page: items.page + 1))]
        case .char("d"), .char("D"):
            guard let invoices = model.items?.invoices, model.cursor < invoices.count else { return [] }
            return openInvoice(invoices[model.cursor].id, back: .invoices(model))
        case .escape:
            if model.showingSummary { model.showingSummary = false } else { screen = .home }
        case .function(5), .char("p"), .char("P"):
            guard model.runningTotal > 0 || !model.chosen.isEmpty else {
                model.problems = ["Choose at least one invoice with Space first."]
                return []
            }
            model.busy = true
            model.problems = []
            let ids = model.chosen.map(\.id)
            draft.invoices = ids
            draft.invoiceNumbers = model.chosen.map(\.number)
            draft.includeFinanceCharges = model.financeIncluded
            let params = PaymentQuoteParams(job: draft.job, invoices: ids, includeFinanceCharges: model.financeIncluded)
            return [send(.quote, Methods.paymentQuote, params)]
        default: break
        }
        return []
    }

    private func toggle(_ model: inout InvoicesModel, row: Int) {
        let invoices = model.items?.invoices ?? []
        model.problems = []
        if row < invoices.count {
            let invoice = invoices[row]
            guard !invoice.isCovered else {
                model.selected.remove(invoice.id)
                model.problems = ["Invoice \(invoice.number) is already being paid (\(invoice.coveringIDs)), so it cannot be paid again."]
                return
            }
            if model.selected.contains(invoice.id) { model.selected.remove(invoice.id) } else { model.selected.insert(invoice.id) }
        } else if model.hasFinanceLine, !model.financeLocked {
            model.includeFinance.toggle()
        }
    }

    mutating func invoicesReply(_ purpose: Purpose, _ result: Result<Data, Failure>) -> [Effect] {
        switch screen {
        case .invoices(var model):
            model.busy = false
            switch (purpose, result) {
            case (.openItems, .success(let data)):
                guard let page = Wire.decode(OpenItemsResult.self, data) else {
                    model.problems = ["The kiosk could not read the open invoices."]
                    break
                }
                model.items = InvoicesModel.adding(page, to: model.items)
            case (.quote, .success(let data)):
                guard let quote = Wire.decode(PaymentQuoteResult.self, data) else {
                    model.problems = ["The kiosk could not read the payment total."]
                    break
                }
                guard quote.problems.isEmpty else { model.problems = quote.problems.map { CustomerText.sentence($0.message, format) }; break }
                draft.total = quote.total
                draft.currency = quote.currency
                var pay = PayModel()
                pay.cards = cards(for: draft.job)
                screen = .pay(pay)
                return []
            case (_, .failure(let failure)):
                model.problems = [CustomerText.failure(failure, format, fallback: "The kiosk could not read your invoices. Please try again.")]
            default: break
            }
            screen = .invoices(model)
        case .pay(var model):
            model.busy = false
            switch result {
            case .success(let data):
                guard let quote = Wire.decode(PaymentQuoteResult.self, data) else { model.message = "The kiosk could not read the payment total."; break }
                guard quote.problems.isEmpty else { model.message = quote.problems.map { CustomerText.sentence($0.message, format) }.joined(separator: " "); break }
                draft.total = quote.total
                draft.currency = quote.currency
                screen = .pay(model)
                return choose(model)
            case .failure(let failure):
                model.message = CustomerText.failure(failure, format, fallback: "The kiosk could not check the amount. Please try again.")
            }
            screen = .pay(model)
        default: break
        }
        return []
    }

    mutating func payKey(_ key: Key, _ model: inout PayModel) -> [Effect] {
        guard !model.busy else { return [] }
        defer { if case .pay = screen { screen = .pay(model) } }
        let choices = model.cards.count + 2
        switch key {
        case .up: model.choice = max(0, model.choice - 1)
        case .down, .tab: model.choice = min(choices - 1, model.choice + 1)
        case .pick(let row) where row < choices: model.choice = row
        case .backspace where model.askAmount: model.amountEntry.erase(); model.message = nil
        case .escape: screen = .home
        case .enter:
            guard model.askAmount else { return choose(model) }
            guard let amount = model.amount, amount > 0 else { model.message = "Type the amount to pay."; return [] }
            guard amount <= model.maximum else {
                model.message = "You can pay at most \(money(model.maximum)) (your total)."
                return []
            }
            draft.amount = amount
            model.busy = true
            model.message = nil
            return [send(.quote, Methods.paymentQuote, PaymentQuoteParams(job: draft.job, amount: amount))]
        default:
            if model.askAmount, case .char(let character) = key,
               model.amountEntry.type(character, groupingSeparator: format.groupingSeparator) {
                model.message = nil
            }
        }
        return []
    }

    /// The method is chosen: a card or bank account on file goes straight to signing; a new
    /// card is swiped; a bank account is typed.
    private mutating func choose(_ model: PayModel) -> [Effect] {
        draft.bankAccount = nil
        if model.bankEntryChosen {
            draft.cardOnFile = nil
            screen = .bankEntry(BankEntryModel())
            return []
        }
        if model.swipeChosen {
            draft.cardOnFile = nil
            screen = .swipe(SwipeModel())
            return [send(.captureCard, Methods.deviceCaptureBegin, CaptureBeginParams(kind: .card))]
        }
        let card = model.cards[model.choice]
        let bank = session?.options?.bankAccountsOnFile.contains { $0.id == card.id } ?? false
        draft.cardOnFile = bank ? nil : card.id
        draft.bankAccount = bank ? card.id : nil
        draft.cardCapture = nil
        draft.methodDescription = card.description
        return beginSignature()
    }
}
