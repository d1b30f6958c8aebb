import KioskProtocol

/// Autopay rules (the list) and the rule editor.
extension Layout {
    mutating func autopay(_ model: AutopayModel) {
        canvas.put(top, 2, "Autopay rules", .strong)
        canvas.put(top, 20, "Tried in order; the first rule an invoice fits pays it.", .dim)
        guard let rules = model.rules else {
            canvas.put(top + 2, 2, model.busy ? "Loading…" : "", .dim)
            message(model.message)
            buttons([("Esc Back", .escape)])
            return
        }
        let currency = state.session?.currency ?? "USD"
        if rules.isEmpty {
            canvas.put(top + 2, 2, "You have no autopay rules yet.", .dim)
            canvas.put(top + 3, 2, "Press N to make one: it pays the invoices you choose, on their due date or later.", .dim)
        } else {
            canvas.put(top + 1, 2, "  #  Pays invoices where                 With                    State", .dim)
        }
        // Each rule takes one line, and a second when there is something to say about it.
        var lines: [(text: String, style: Canvas.Style, rule: Int)] = []
        var cursorLine = 0
        for (index, rule) in rules.enumerated() {
            let chosen = index == model.cursor
            if chosen { cursorLine = lines.count }
            let what = AutopayText.criteria(rule.criteria, state.format, currency: currency)
            let text = (chosen ? "▸ " : "  ") + "\(rule.position)".padding(toLength: 3, withPad: " ", startingAt: 0)
                + fit(what, 34) + "  " + fit(rule.methodDescription, 22) + "  " + (rule.enabled ? "On" : "Off")
            lines.append((text, chosen ? .selected : (rule.enabled ? .normal : .dim), index))
            var notes: [String] = []
            if rule.locked { notes.append("locked by the store") }
            if rule.pendingSync { notes.append("waiting for the store") }
            if let problem = rule.problem { notes.append("cannot run: " + AutopayText.problem(problem)) }
            if !notes.isEmpty { lines.append(("       " + notes.joined(separator: "; "), rule.problem != nil ? .error : .dim, index)) }
        }
        let first = top + 2, detailRows = 3
        let visible = bottom - first - detailRows - 1
        let start = max(0, min(cursorLine - visible + 2, lines.count - visible))
        for (i, line) in lines.dropFirst(start).prefix(visible).enumerated() {
            canvas.put(first + i, 2, String(line.text.prefix(76)).padding(toLength: 76, withPad: " ", startingAt: 0), line.style, key: .pick(line.rule))
        }
        // The chosen rule in full: conditions that do not fit its line are read here.
        if let rule = model.chosen {
            let rowTop = bottom - detailRows
            let rule = "── Rule \(rule.position) pays each invoice where: " + AutopayText.criteria(rule.criteria, state.format, currency: currency)
            for (i, line) in wrap(rule, width: 76).prefix(detailRows).enumerated() { canvas.put(rowTop + i, 2, line, i == 0 ? .strong : .normal) }
        }
        message(model.busy && model.rules != nil ? "Working…" : model.message)
        var keys: [(label: String, key: Key)] = [("↑↓", .down), ("N New", .char("n"))]
        if let rule = model.chosen, !rule.locked {
            keys += [("Enter Edit", .enter), ("U/J Move", .char("u")), ("O On/off", .char("o")), ("X Delete", .char("x"))]
        }
        buttons(keys + [("Esc Back", .escape)])
    }

    mutating func autopayEditor(_ model: AutopayEditorModel) {
        canvas.put(top, 2, model.ruleID == nil ? "New autopay rule" : "Change autopay rule \(model.position ?? 0)", .strong)
        // Line 0: the method.
        let onMethod = model.line == 0
        let method: String
        if model.methods == nil {
            method = "Loading your cards…"
        } else if let description = model.methodDescription {
            method = description + (model.methodIndex == nil && model.method != nil ? "  (cannot be used now: choose another)" : "")
        } else {
            method = "No card or bank account is ready to use"
        }
        canvas.put(top + 2, 2, (onMethod ? "▸ " : "  ") + "Pay with:", onMethod ? .strong : .normal, key: .pick(0))
        canvas.put(top + 2, 14, "◀ \(method) ▶", onMethod ? .selected : .normal, key: .pick(0))
        canvas.put(top + 3, 4, "Conditions (all must hold):", .dim)
        // Rows scroll so the cursor's stays in view.
        let first = top + 4, visible = bottom - first - 2
        let cursorRow = max(0, model.line - 1)
        let start = max(0, min(cursorRow - visible + 1, model.rows.count - visible))
        let separator = state.format.decimalSeparator
        for (offset, row) in model.rows.dropFirst(start).prefix(visible).enumerated() {
            let index = start + offset
            let on = model.line == index + 1
            let y = first + offset
            canvas.put(y, 2, (on ? "▸ " : "  ") + "\(index + 1)".padding(toLength: 3, withPad: " ", startingAt: 0), on ? .strong : .normal, key: .pick(index + 1))
            var column = 7
            func box(_ text: String, _ part: AutopayEditorModel.Part, width: Int) {
                let selected = on && model.part == part
                let shown = " " + String(text.suffix(width)).padding(toLength: width, withPad: " ", startingAt: 0) + " "
                canvas.put(y, column, shown, selected ? .selected : (on ? .strong : .normal), key: .pick(index + 1))
                column += shown.count + 1
            }
            box(row.field.label, .field, width: 14)
            box(AutopayOperator.words(row.op), .op, width: 12)
            let boxes = AutopayOperator.boxes(row.op)
            let width = boxes == 2 ? 12 : (row.op == "one_of" || row.field.isText ? 30 : 14)
            for b in 0..<boxes {
                if b == 1 { canvas.put(y, column, "and"); column += 4 }
                box(row.shown(box: b, decimalSeparator: separator), .value(b), width: width)
            }
        }
        if model.rows.count > visible { canvas.put(top + 3, 60, "(↑↓ to see all rows)", .dim) }
        canvas.put(bottom - 1, 4, hint(model), .dim)
        message(model.message)
        var keys: [(label: String, key: Key)] = [("Tab Box", .tab), ("←→ Choose", .right), ("+ Add row", .char("+"))]
        if model.row != nil, model.rows.count > 1, model.part == .field || model.part == .op { keys.append(("X Del row", .char("x"))) }
        buttons(keys + [("Enter Save", .enter), ("Esc Cancel", .escape)])
    }

    /// What the box under the cursor takes.
    private func hint(_ model: AutopayEditorModel) -> String {
        guard let index = model.row else { return "← → choose the card or bank account this rule pays with." }
        let row = model.rows[index]
        switch model.part {
        case .field: return "← → choose what to compare (job, amount, line item, age, days until due, PO)."
        case .op: return "← → choose how to compare."
        case .value:
            if row.op == "one_of" { return "Type the values with commas between them." }
            switch row.field {
            case .amount: return "Type the amount, for example 500\(state.format.decimalSeparator)00."
            case .job: return "Type the job number."
            case .ageDays: return "Type a number of days since the invoice's date."
            case .daysUntilDue: return "Type a number of days (0: the due date; -5: five days past due)."
            case .lineItem, .poNumber: return "Type the text (capitals do not matter). Tab to leave the box."
            }
        }
    }

    private func fit(_ text: String, _ width: Int) -> String {
        let cut = text.count > width ? String(text.prefix(width - 1)) + "…" : text
        return cut.padding(toLength: width, withPad: " ", startingAt: 0)
    }
}
