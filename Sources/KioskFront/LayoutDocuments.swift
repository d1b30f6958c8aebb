import KioskProtocol

/// The invoice history and the three read-only pages (an invoice, a payment, the statement
/// as of today). The pages are lists of lines that scroll as one, so a long invoice or
/// statement is read to its end at 80×24.
extension Layout {
    typealias Line = (text: String, amount: String?, style: Canvas.Style)

    mutating func invoiceHistory(_ model: InvoiceHistoryModel) {
        canvas.put(top, 2, "Invoices  \(state.session?.jobName ?? "")", .strong)
        var column = 2
        for (label, status) in [("All", InvoicesListParams.Status.all), ("Open", .open), ("Paid", .closed)] {
            let on = status == model.status
            let text = on ? "[\(label)]" : " \(label) "
            canvas.put(top + 1, column, text, on ? .selected : .normal, key: .right)
            column += text.count + 2
        }
        if model.searching || !model.search.isEmpty {
            canvas.put(top + 1, 36, "Search: ", model.searching ? .strong : .normal)
            canvas.put(top + 1, 44, " \(model.search)\(model.searching ? "_" : "") ", model.searching ? .selected : .normal)
        }
        canvas.put(top + 2, 2, "Invoice   Date          Due           PO", .dim)
        canvas.put(top + 2, 60, "Amount", .dim)
        canvas.put(top + 2, 74, "Open", .dim)
        let first = top + 3, visible = bottom - first - 1
        if model.rows.isEmpty {
            canvas.put(first, 2, model.busy ? "Loading…" : (model.search.isEmpty ? "No invoices here." : "No invoice number or PO has \"\(model.search)\"."), .dim)
        }
        let start = max(0, min(model.cursor - visible + 1, model.rows.count - visible))
        for index in start..<min(model.rows.count, start + visible) {
            let row = model.rows[index], invoice = row.invoice
            let y = first + index - start
            let due = invoice.dueDate.map(state.format.date) ?? ""
            let text = pad(invoice.number, 9) + " " + pad(state.format.date(invoice.date), 13) + " " + pad(due, 13) + " " + pad(invoice.poNumber ?? "", 14)
            let closed = invoice.status == "closed"
            let style: Canvas.Style = index == model.cursor ? .selected : (closed ? .dim : (invoice.pastDue ? .error : .normal))
            canvas.put(y, 2, pad(text, 76), style, key: .pick(index))
            canvas.put(y, 66 - money(invoice.amount).count, money(invoice.amount), style)
            let open = closed ? "Paid" : (row.coveredBy.isEmpty ? money(invoice.openAmount) : "Being paid")
            canvas.put(y, 78 - open.count, open, style)
        }
        if model.searching {
            message("Type part of an invoice or PO number, then Enter. Esc clears the search.")
        } else {
            message(model.busy && !model.rows.isEmpty ? "Loading more…" : model.message)
        }
        var keys: [(label: String, key: Key)] = [("Enter Open", .enter), ("←→ Show", .right), ("S Search", .char("s"))]
        if model.more { keys.append(("L Load more", .char("l"))) }
        buttons(keys + [("Esc Back", .escape)])
    }

    mutating func invoice(_ model: InvoiceDetailModel) {
        guard let detail = model.detail else { return loading(model.message, title: "Invoice") }
        let invoice = detail.invoice
        canvas.put(top, 2, "Invoice \(invoice.number)", .strong)
        let due = invoice.dueDate.map { state.format.date($0) + (invoice.pastDue ? " (past due)" : "") } ?? "none"
        var lines: [Line] = [
            (facts("Date", state.format.date(invoice.date), "Amount", money(invoice.amount)), nil, .normal),
            (facts("Due", due, "Still open", money(invoice.openAmount)), nil, invoice.pastDue ? .error : .normal),
            (facts("PO", invoice.poNumber ?? "none", "Due now", money(detail.amountDue)), nil, .normal),
            (facts("Status", invoice.status == "closed" ? "Paid" : "Open", invoice.job == nil ? "" : "Job", invoice.job.map { jobName($0) } ?? ""), nil, .normal),
        ]
        if !detail.lines.isEmpty {
            lines.append(("", nil, .normal))
            lines.append(("What it is for", nil, .strong))
            lines += detail.lines.map { ("  " + $0.name, money($0.amount), .normal) }
        }
        lines.append(("", nil, .normal))
        lines.append(("Payments applied", nil, .strong))
        if detail.applied.isEmpty { lines.append(("  None yet.", nil, .dim)) }
        lines += detail.applied.map {
            ("  " + pad(state.format.date($0.date), 14) + pad(CustomerText.method($0.method), 24) + "payment " + $0.payment, money($0.amount), .normal)
        }
        if !detail.coveredBy.isEmpty {
            lines.append(("", nil, .normal))
            lines.append(("Being paid at the kiosk", nil, .strong))
            lines += detail.coveredBy.map {
                ("  payment " + pad($0.id, 10) + CustomerText.status(state: $0.state, payOn: $0.payOn, waitingFor: nil, state.format), money($0.amount), .normal)
            }
        }
        page(lines, scroll: model.scroll, message: model.message)
    }

    mutating func payment(_ model: PaymentDetailModel) {
        guard let detail = model.detail else { return loading(model.message, title: "Payment") }
        let row = detail.row
        canvas.put(top, 2, "Payment \(row.id)", .strong)
        let status = CustomerText.status(state: row.state, payOn: row.payOn, waitingFor: row.waitingFor, state.format)
        var lines: [Line] = [
            (facts("Date", state.format.date(row.date), "Amount", money(row.amount)), nil, .normal),
            (facts("Paid with", CustomerText.method(row.method), "Status", status), nil, row.state == "rejected" ? .error : .normal),
        ]
        if let job = row.job { lines.append((facts("Job", jobName(job), "", ""), nil, .normal)) }
        if row.state == "rejected" {
            var why = CustomerText.rejectionReason(row.reason)
            if let message = row.message, !message.isEmpty { why += ": " + message }
            lines += wrap(why, width: 74).map { ("  " + $0, nil, .error) }
        }
        lines.append(("", nil, .normal))
        if row.source == "kiosk" {
            lines.append(("Chosen at the kiosk", nil, .strong))
            lines += detail.lines.map { line in
                let what = switch line.id {
                case "finance_charges": "Finance charges"
                case "balance": "On the balance"
                default: "Invoice " + (line.number ?? line.id)
                }
                return ("  " + what, money(line.amount), .normal)
            }
        } else {
            lines.append(("Applied by the store to", nil, .strong))
            if detail.applied.isEmpty { lines.append(("  Not applied to any invoice yet.", nil, .dim)) }
            lines += detail.applied.map { ("  " + CustomerText.itemKind($0.kind ?? "") + " " + ($0.number ?? $0.item), money($0.amount), .normal) }
        }
        page(lines, scroll: model.scroll, message: model.message)
    }

    mutating func currentStatement(_ model: CurrentStatementModel) {
        guard let result = model.result else { return loading(model.message, title: "Current statement") }
        canvas.put(top, 2, "Current statement, as of \(state.format.date(result.date))", .strong)
        var lines: [Line] = []
        if let scope = state.session?.jobName, !scope.isEmpty { lines.append((scope, nil, .normal)) }
        if let last = result.lastStatement {
            lines.append(("Activity since statement \(last.number), issued \(state.format.date(String(last.issuedAt.prefix(10))))", nil, .dim))
        }
        lines.append(("Amount due", money(result.amountDue), .strong))
        lines.append(("", nil, .normal))
        let aging = result.aging
        let buckets = [("Current", aging.current), ("1–30 days", aging.days1to30), ("31–60 days", aging.days31to60),
                       ("61–90 days", aging.days61to90), ("Over 90 days", aging.over90)]
        lines.append((buckets.map { pad($0.0, 15) }.joined(), nil, .dim))
        lines.append((buckets.map { pad(money($0.1), 15) }.joined(), nil, .normal))
        lines.append(("", nil, .normal))
        lines.append(("Open items", nil, .strong))
        if result.items.isEmpty { lines.append(("  Nothing open.", nil, .dim)) }
        for item in result.items {
            let age = item.daysPastDue > 0 ? "\(item.daysPastDue) days past due" : "not yet due"
            lines.append(("  " + pad(CustomerText.itemKind(item.kind) + " " + item.number, 26) + pad(state.format.date(item.date), 14) + age,
                          money(item.openAmount), item.daysPastDue > 0 ? .error : .normal))
        }
        if result.credits > 0 { lines.append(("  Credits", money(-result.credits), .normal)) }
        lines.append(("", nil, .normal))
        lines.append(("Activity since the last statement", nil, .strong))
        if result.activity.isEmpty { lines.append(("  None.", nil, .dim)) }
        for entry in result.activity {
            let charge = ["invoice", "finance_charge", "debit_adjustment"].contains(entry.kind)
            lines.append(("  " + pad(state.format.date(entry.date), 14) + CustomerText.itemKind(entry.kind) + " " + entry.number,
                          money(charge ? entry.amount : -entry.amount), .normal))
        }
        let totals = result.activityTotals
        lines.append(("  Charges \(money(totals.charges))   Payments \(money(-totals.payments))   Credits \(money(-totals.credits))", nil, .dim))
        page(lines, scroll: model.scroll, message: model.message)
    }

    // MARK: - Parts

    /// A page of lines below the title, scrolled, with Esc back.
    private mutating func page(_ lines: [Line], scroll: Int, message text: String?) {
        list(lines, first: top + 2, scroll: scroll, amountRight: 78)
        message(text)
        buttons([("↑↓ Scroll", .down), ("S Send me this", .char("s")), ("Esc Back", .escape)])
    }

    private mutating func loading(_ problem: String?, title: String) {
        canvas.put(top, 2, title, .strong)
        if problem == nil { canvas.put(top + 2, 2, "Loading…", .dim) }
        message(problem)
        buttons([("Esc Back", .escape)])
    }

    /// "Date        Sep 17, 2026            Amount      $4,823.50": two label/value pairs.
    private func facts(_ label: String, _ value: String, _ label2: String, _ value2: String) -> String {
        pad(label, 12) + pad(value, 26) + pad(label2, 12) + value2
    }

    private func jobName(_ job: Int) -> String {
        let name = state.session?.info?.jobs.first { $0.number == job }?.name ?? ""
        return "\(job) \(name)"
    }

    private func pad(_ text: String, _ width: Int) -> String {
        String(text.prefix(width)).padding(toLength: width, withPad: " ", startingAt: 0)
    }
}
