import KioskProtocol

/// The pay path: invoices, pay (amount and method), swipe, signature, terms, confirm, done.
extension Layout {
    mutating func invoices(_ model: InvoicesModel) {
        canvas.put(top, 2, "Open invoices  \(state.session?.jobName ?? "")", .strong)
        guard let items = model.items else {
            canvas.put(top + 2, 2, model.problems.isEmpty ? "Loading…" : "", .dim)
            message(model.problems.first)
            buttons([("Esc Back", .escape)])
            return
        }
        // The whole list's count and total, whatever pages are loaded.
        let shown = "\(items.invoices.count) of \(items.count), total due \(money(items.amountDueTotal))"
        canvas.put(top, 78 - shown.count, shown, .dim)
        canvas.put(top + 1, 2, "    Invoice   Date          Due           PO                  Amount due", .dim)
        // The summary of the invoice under the cursor takes the table's last rows (below it,
        // never over it), and the table scrolls so the cursor stays in view.
        let summary = model.showingSummary && model.cursor < items.invoices.count
        let summaryRows = 5
        let first = top + 2, visible = bottom - first - 2 - (summary ? summaryRows : 0)
        let start = max(0, min(model.cursor - visible + 1, model.rowCount - visible))
        for row in start..<min(model.rowCount, start + visible) {
            let y = first + row - start
            let style: Canvas.Style = row == model.cursor ? .selected : .normal
            if row < items.invoices.count {
                let invoice = items.invoices[row]
                let due = invoice.dueDate.map(state.format.date) ?? ""
                let columns = "\(invoice.number.padding(toLength: 9, withPad: " ", startingAt: 0)) "
                    + "\(state.format.date(invoice.date).padding(toLength: 13, withPad: " ", startingAt: 0)) "
                    + "\(due.padding(toLength: 13, withPad: " ", startingAt: 0)) "
                if invoice.isCovered {
                    // Never paid twice: shown as being paid, not selectable, not in the total.
                    let text = "    " + columns + "Being paid (\(invoice.coveringIDs))"
                    canvas.put(y, 2, String(text.prefix(68)).padding(toLength: 68, withPad: " ", startingAt: 0),
                               row == model.cursor ? .selected : .dim, key: .pick(row))
                    continue
                }
                let mark = model.selected.contains(invoice.id) ? "[x]" : "[ ]"
                let text = "\(mark) " + columns + "\((invoice.poNumber ?? "").padding(toLength: 14, withPad: " ", startingAt: 0))"
                canvas.put(y, 2, text.padding(toLength: 68, withPad: " ", startingAt: 0), style, key: .pick(row))
                canvas.put(y, 70 - money(invoice.amountDue).count, money(invoice.amountDue), style)
                if invoice.pastDue { canvas.put(y, 71, "PAST DUE", .error) }
            } else {
                let mark = model.financeLocked ? "[■]" : (model.financeIncluded ? "[x]" : "[ ]")
                let note = model.financeLocked ? " (required, paid first)" : ""
                canvas.put(y, 2, "\(mark) Finance charges\(note)".padding(toLength: 68, withPad: " ", startingAt: 0), style, key: .pick(row))
                canvas.put(y, 70 - money(items.financeCharges).count, money(items.financeCharges), style)
            }
        }
        if summary {
            invoiceSummary(items.invoices[model.cursor], row: first + visible)
        }
        figure(bottom - 1, 40, "Selected total", money(model.runningTotal), right: 70, .strong)
        message(model.busy ? "Checking the total…" : model.problems.joined(separator: " "))
        var keys: [(label: String, key: Key)] = [("Space Select", .char(" ")), ("Enter Summary", .enter)]
        if state.mayReadInvoices { keys.append(("D Details", .char("d"))) }
        // The help line is full, so the next page's key sits left of the selected total.
        if items.more { canvas.put(bottom - 1, 2, "[L Load more]", .strong, key: .char("l")) }
        buttons(keys + [("P Pay selected", .char("p")), ("Esc Back", .escape)])
    }

    /// An invoice's summary in `summaryRows` rows from `row`: a rule naming it, then two
    /// columns of facts, and which payment covers it if one does.
    private mutating func invoiceSummary(_ invoice: OpenItemsResult.Invoice, row: Int) {
        let rule = "── Invoice \(invoice.number) "
        canvas.put(row, 2, rule + String(repeating: "─", count: max(0, 76 - rule.count)), .strong)
        let due = invoice.dueDate.map(state.format.date) ?? "none"
        let left = ["Date: \(state.format.date(invoice.date))", "Due: \(due)" + (invoice.pastDue ? " (past due)" : ""),
                    "PO: \(invoice.poNumber ?? "none")"]
        let right = ["Amount: \(money(invoice.amount))", "Still open: \(money(invoice.openAmount))", "Due now: \(money(invoice.amountDue))"]
        for i in 0..<3 {
            canvas.put(row + 1 + i, 4, String(left[i].prefix(36)))
            canvas.put(row + 1 + i, 42, String(right[i].prefix(36)))
        }
        let covering = (invoice.coveredBy ?? []).map { "\($0.id) (\(CustomerText.status(state: $0.state, payOn: nil, waitingFor: nil, state.format).lowercased()))" }
        if !covering.isEmpty {
            canvas.put(row + 4, 4, String(("Being paid by payment " + covering.joined(separator: ", ")).prefix(74)), .strong)
        }
    }

    mutating func pay(_ model: PayModel) {
        canvas.put(top, 2, "Pay", .strong)
        var row = top + 2
        if model.askAmount {
            let separator = state.format.decimalSeparator
            canvas.put(row, 2, "Your total: \(money(model.maximum))")
            canvas.put(row + 1, 2, "Amount to pay: ")
            let typed = model.amountEntry.text(decimalSeparator: separator)
            canvas.put(row + 1, 17, " \(typed.isEmpty ? "—" : typed) ", .selected)
            if let amount = model.amount { canvas.put(row + 1, 20 + max(1, typed.count), "= \(money(amount))", .strong) }
            canvas.put(row + 2, 2, "Type the amount, for example 125\(separator)50; at most your total.", .dim)
            row += 4
        } else {
            figure(row, 2, "Amount to pay", money(state.draft.total), right: 50, .strong)
            row += 2
        }
        canvas.put(row, 2, "How would you like to pay?", .strong)
        row += 1
        let banks = Set((state.session?.options?.bankAccountsOnFile ?? []).map(\.id))
        for (i, card) in model.cards.enumerated() {
            let kind = banks.contains(card.id) ? "Bank account on file" : "Card on file"
            let label = "\(i == model.choice ? "(•)" : "( )") \(kind): \(card.description)" + (card.isDefault ? "  (default)" : "")
            canvas.put(row + i, 4, label, i == model.choice ? .selected : .normal, key: .pick(i))
        }
        let swipe = model.cards.count
        canvas.put(row + swipe, 4, "\(model.swipeChosen ? "(•)" : "( )") Swipe a card now", model.swipeChosen ? .selected : .normal, key: .pick(swipe))
        canvas.put(row + swipe + 1, 4, "\(model.bankEntryChosen ? "(•)" : "( )") Pay by bank account (type the numbers)",
                   model.bankEntryChosen ? .selected : .normal, key: .pick(swipe + 1))
        message(model.busy ? "Checking the amount…" : model.message)
        buttons([("↑↓ Choose", .down), ("Enter Continue", .enter), ("Esc Back", .escape)])
    }

    mutating func swipe(_ model: SwipeModel) {
        canvas.put(top, 2, "Swipe a card", .strong)
        figure(top + 1, 2, "Amount", money(state.draft.total), right: 40)
        let middle = height / 2
        switch model.phase {
        case .starting: canvas.center(middle, "Getting the card reader ready…", .dim)
        case .waiting: canvas.center(middle, "Swipe your card through the reader now", .strong)
        case .reading: canvas.center(middle, "Reading your card…", .strong)
        case .read:
            canvas.center(middle - 1, "Card read:", .strong)
            canvas.center(middle + 1, model.masked ?? "", .selected)
            canvas.center(middle + 3, "Press Enter to continue", .dim)
        case .failed:
            canvas.center(middle, "The card was not read.", .error)
            canvas.center(middle + 2, "Press Enter to try again, or Esc to choose another way to pay.", .dim)
        }
        message(model.message)
        var keys: [(label: String, key: Key)] = [("Enter Continue", .enter), ("Esc Back", .escape)]
        if model.phase == .read, let capture = model.capture, state.draft.savedCapture != capture {
            keys.insert(("V Save this card for next time", .char("v")), at: 1)
        }
        if state.config.demo && model.phase != .read { keys.append(("S Demo swipe", .char("s"))) }
        buttons(keys)
    }

    mutating func signature(_ model: SignatureModel) {
        if let rule = state.autopaySigning {
            canvas.put(top, 2, "Sign to authorize this autopay rule", .strong)
            canvas.put(top + 1, 2, "Sign on the pad. The rule pays with \(rule.methodDescription ?? "the method chosen").", .dim)
        } else {
            canvas.put(top, 2, "Sign for \(money(state.draft.total))", .strong)
            canvas.put(top + 1, 2, "Sign on the pad. Paying with \(state.draft.methodDescription).", .dim)
        }
        let boxTop = top + 3, columns = 64, rows = 8
        canvas.put(boxTop, 6, "┌" + String(repeating: "─", count: columns) + "┐")
        let preview = Braille.render(model.strokes, columns: columns, rows: rows)
        for r in 0..<rows { canvas.put(boxTop + 1 + r, 6, "│" + (r < preview.count ? preview[r] : "") + "│") }
        canvas.put(boxTop + rows + 1, 6, "└" + String(repeating: "─", count: columns) + "┘")
        let status = model.capture == nil ? "Getting the pad ready…" : (model.points == 0 ? "Waiting for your signature…" : "\(model.points) points signed")
        canvas.put(boxTop + rows + 2, 8, status, .dim)
        message(model.finishing ? "Saving your signature…" : model.message)
        var keys: [(label: String, key: Key)] = [("Enter Done", .enter), ("C Clear", .char("c")), ("Esc Back", .escape)]
        if state.config.demo { keys.append(("D Demo signature", .char("d"))) }
        buttons(keys)
    }

    mutating func terms(_ model: TermsModel) {
        canvas.put(top, 2, state.autopaySigning != nil ? "Autopay terms" : "Terms", .strong)
        let lines = wrap(model.text, width: width - 6)
        let visible = bottom - top - 4
        let start = min(model.scroll, max(0, lines.count - visible))
        for (i, line) in lines.dropFirst(start).prefix(visible).enumerated() { canvas.put(top + 2 + i, 3, line) }
        if lines.count > visible { canvas.put(top + 1, width - 24, "(↑↓ PgUp PgDn to scroll)", .dim) }
        canvas.put(bottom - 1, 3, "\(model.agreed ? "[x]" : "[ ]") I agree", model.agreed ? .selected : .strong, key: .pick(0))
        message(model.message)
        buttons([("Space Tick I agree", .char(" ")), ("Enter Continue", .enter), ("Esc Cancel", .escape)])
    }

    mutating func confirm(_ model: ConfirmModel) {
        let draft = state.draft
        canvas.put(top, 2, "Please check your payment", .strong)
        figure(top + 2, 4, "Total", money(draft.total), right: 60, .strong)
        figure(top + 3, 4, "Paid with", draft.methodDescription, right: 60)
        if let job = state.session?.jobName, !job.isEmpty { figure(top + 4, 4, "For", job, right: 60) }
        let when = state.draft.payOn.map { "On " + state.format.date($0) } ?? "Today"
        figure(top + 5, 4, "When", when, right: 60, state.draft.payOn == nil ? .normal : .strong)
        if !draft.invoiceNumbers.isEmpty {
            let list = wrap("Invoices: " + draft.invoiceNumbers.joined(separator: ", ") + ((draft.includeFinanceCharges ?? false) ? ", finance charges" : ""), width: 56)
            for (i, line) in list.prefix(6).enumerated() { canvas.put(top + 7 + i, 4, line) }
        }
        let later = state.draft.payOn != nil
        canvas.center(bottom - 1, later ? "Press Enter to schedule this payment" : "Press Enter to pay now", .strong)
        message(model.message)
        var keys: [(label: String, key: Key)] = [(later ? "Enter Schedule" : "Enter Pay now", .enter)]
        if state.payWindow != nil { keys.append(("D Pay on another day", .char("d"))) }
        buttons(keys + [("Esc Cancel", .escape)])
    }

    mutating func done(_ model: DoneModel) {
        let result = model.result
        let middle = height / 2
        canvas.center(middle - 5, "Thank you! Your payment was received.", .strong)
        canvas.center(middle - 3, "\(state.format.money(result.amount, result.currency)) with \(result.methodDescription)")
        canvas.center(middle - 1, "Payment number (temporary): \(result.id)", .selected)
        if result.state != "pending" {
            canvas.center(middle, CustomerText.status(state: result.state, payOn: result.payOn, waitingFor: nil, state.format), .dim)
        }
        let receipts = result.receiptsTo.isEmpty ? "No receipt will be emailed." : "A receipt goes to: " + result.receiptsTo.joined(separator: ", ")
        for (i, line) in wrap(receipts, width: width - 8).prefix(2).enumerated() { canvas.center(middle + 1 + i, line) }
        let printed: (String, Canvas.Style)? = switch model.receipt {
        case .notAsked: nil
        case .printing: ("Printing your receipt…", .strong)
        case .printed: ("Your receipt is printed. Please take it.", .strong)
        case .failed(let sentence): (sentence, .error)
        }
        if let printed {
            for (i, line) in wrap(printed.0, width: width - 8).prefix(2).enumerated() { canvas.center(middle + 3 + i, line, printed.1) }
        }
        canvas.center(middle + 6, "Press Enter when you are done.", .dim)
        var keys: [(label: String, key: Key)] = [("Enter Done", .enter)]
        if model.receipt == .notAsked { keys.insert(("P Print a receipt", .char("p")), at: 0) }
        buttons(keys)
    }
}
