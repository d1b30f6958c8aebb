/// Statements, credits and payment history: scrollable lists with a total or a "Load more".
extension Layout {
    /// Rows of a list between `first` and the message line, starting at `scroll`; a line
    /// with a `key` is a click target.
    mutating func list(_ lines: [(text: String, amount: String?, style: Canvas.Style)], first: Int, scroll: Int, amountRight: Int = 70,
                       keys: [Int: Key] = [:]) {
        let visible = bottom - first - 1
        let start = max(0, min(scroll, lines.count - visible))
        for (i, line) in lines.dropFirst(start).prefix(visible).enumerated() {
            canvas.put(first + i, 2, line.text, line.style, key: keys[start + i])
            if let amount = line.amount { canvas.put(first + i, amountRight - amount.count, amount, line.style) }
        }
        if lines.count > visible { canvas.put(top, width - 26, "(↑↓ PgUp PgDn to scroll)", .dim) }
    }

    mutating func statements(_ model: StatementsModel) {
        canvas.put(top, 2, "Statements  \(state.session?.jobName ?? "")", .strong)
        // The current statement is built now, as of today; the rows below are past ones.
        canvas.put(top + 1, 2, "[C] Current statement, as of today", .strong, key: .char("c"))
        if model.rows.isEmpty {
            canvas.put(top + 3, 2, model.busy ? "Loading…" : "No past statements yet.", .dim)
        } else {
            // Each row: its number, the day and time it was issued, its job's name.
            var lines: [(text: String, amount: String?, style: Canvas.Style)] = []
            for (i, row) in model.rows.enumerated() {
                let job = row.job.map { job in "  Job \(job)" + (row.jobName.map { " \($0)" } ?? "") } ?? ""
                let text = "\(row.number)  issued \(state.format.dateTime(row.issuedAt))\(job)"
                lines.append((String(text.prefix(74)), nil, i == model.scroll ? .selected : .normal))
            }
            list(lines, first: top + 3, scroll: model.scroll)
        }
        message(model.message)
        var keys: [(label: String, key: Key)] = [("Enter Open", .enter), ("C Current statement", .char("c")), ("Esc Back", .escape)]
        if model.rows.isEmpty { keys.removeFirst() }
        if model.more { keys.insert(("L Load more", .char("l")), at: keys.count - 1) }
        buttons(keys)
    }

    mutating func credits(_ model: CreditsModel) {
        canvas.put(top, 2, "Credits  \(state.session?.jobName ?? "")", .strong)
        var column = 2
        for (i, filter) in ["All", "Credit memos", "Unapplied payments"].enumerated() {
            let on = i == ["all", "memos", "unapplied"].firstIndex(of: model.filter.rawValue)
            let text = on ? "[\(filter)]" : " \(filter) "
            canvas.put(top + 1, column, text, on ? .selected : .normal, key: .pick(i))
            column += text.count + 2
        }
        if let result = model.result {
            figure(top + 2, 2, "\(result.count) credit\(result.count == 1 ? "" : "s"), total", state.format.money(result.total, result.currency), right: 70, .strong)
            let lines = result.credits.map { row -> (text: String, amount: String?, style: Canvas.Style) in
                ("\((row.kind == "payment" ? "Unapplied payment" : CustomerText.itemKind(row.kind)).padding(toLength: 18, withPad: " ", startingAt: 0)) \(row.number.padding(toLength: 10, withPad: " ", startingAt: 0)) \(state.format.date(row.date))",
                 state.format.money(row.remaining, result.currency), .normal)
            }
            if lines.isEmpty { canvas.put(top + 4, 2, "No open credits of this kind.", .dim) }
            list(lines, first: top + 4, scroll: model.scroll)
        } else if model.message == nil {
            canvas.put(top + 3, 2, "Loading…", .dim)
        }
        message(model.busy ? "Loading more…" : model.message)
        var keys: [(label: String, key: Key)] = [("←→ Filter", .right), ("Esc Back", .escape)]
        if model.result?.more == true { keys.insert(("L Load more", .char("l")), at: 1) }
        buttons(keys)
    }

    mutating func history(_ model: HistoryModel) {
        canvas.put(top, 2, "Payment history  \(state.session?.jobName ?? "")", .strong)
        if let result = model.result {
            canvas.put(top + 1, 2, "Date          Paid with             Status", .dim)
            canvas.put(top + 1, 72, "Amount", .dim)
            var lines: [(text: String, amount: String?, style: Canvas.Style)] = []
            var keys: [Int: Key] = [:]
            var cursorLine = 0
            for (index, row) in result.payments.enumerated() {
                if index == model.cursor { cursorLine = lines.count }
                keys[lines.count] = .pick(index)
                let when = state.format.date(row.date)
                let method = CustomerText.method(row.method)
                var status = CustomerText.status(state: row.state, payOn: row.payOn, waitingFor: row.waitingFor, state.format)
                if let rule = row.autopayRule {
                    // Made by a rule: which one, by its place in the list when the front knows it.
                    status = "Autopay (rule \(model.rulePositions[rule].map(String.init) ?? rule)) · " + status
                }
                let text = "\(pad(when, 13)) \(pad(method, 21)) \(status.prefix(row.autopayRule == nil ? 26 : 32))"
                let style: Canvas.Style = index == model.cursor ? .selected
                    : row.state == "rejected" ? .error : (row.state == "processed" ? .normal : .strong)
                lines.append((text, state.format.money(row.amount, result.currency), style))
                // A rejection's reason and the store's message, under it.
                if row.state == "rejected" {
                    var detail = CustomerText.rejectionReason(row.reason)
                    if let message = row.message, !message.isEmpty { detail += ": " + message }
                    for line in wrap(detail, width: 60) { lines.append(("              " + line, nil, .normal)) }
                }
            }
            if lines.isEmpty { canvas.put(top + 2, 2, "No payments yet.", .dim) }
            // The cursor's payment stays in view, its detail lines with it.
            let visible = bottom - (top + 2) - 1
            list(lines, first: top + 2, scroll: max(0, cursorLine - visible + 3), amountRight: 78, keys: keys)
        } else if model.message == nil {
            canvas.put(top + 2, 2, "Loading…", .dim)
        }
        message(model.busy ? "Loading more…" : model.message)
        var keys: [(label: String, key: Key)] = [("↑↓ Choose", .down), ("Enter Details", .enter), ("Esc Back", .escape)]
        if model.result?.more == true { keys.insert(("L Load more", .char("l")), at: 2) }
        buttons(keys)
    }

    private func pad(_ text: String, _ width: Int) -> String {
        String(text.prefix(width)).padding(toLength: width, withPad: " ", startingAt: 0)
    }
}
