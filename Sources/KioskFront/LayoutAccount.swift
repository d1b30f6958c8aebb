/// Home (balances, summary, job selector, menu) and account details.
extension Layout {
    mutating func home() {
        guard let session = state.session else { return }
        if let notice = session.rejections.first {
            canvas.bar(1, " Payment of \(state.format.money(notice.amount, notice.currency)) was rejected: \(notice.reasonText)", .error)
            canvas.bar(2, " \(notice.message)", .error)
            canvas.put(2, width - 7, "[A] OK", .error, key: .char("a"))
        }
        canvas.put(top, 2, "Hello, \(session.contactName)", .strong)
        if let company = session.info?.company { canvas.put(top, 40, company) }
        let jobsToChoose = state.jobChoices.count > 1
        if jobsToChoose {
            canvas.put(top + 1, 2, "Job:  ◀ \(session.jobName) ▶", .selected, key: .right)
            canvas.put(top + 1, 50, "(← → to change)", .dim)
        } else if session.jobBilled {
            canvas.put(top + 1, 2, session.jobName)
        }
        let right = 46
        if let b = session.balances {
            figure(top + 3, 2, "Outstanding", money(b.outstanding), right: right)
            figure(top + 4, 2, "Credits", money(b.credits), right: right)
            figure(top + 5, 2, "Amount due", money(b.amountDue), right: right, .strong)
            figure(top + 6, 2, "New charges", money(b.newCharges), right: right)
            figure(top + 7, 2, "Total", money(b.total), right: right, .strong)
            figure(top + 8, 2, "Credit available", money(b.creditAvailable), right: right)
        } else if session.may("view_balances") {
            canvas.put(top + 3, 2, "Loading balances…", .dim)
        }
        if let s = session.summary {
            figure(top + 10, 2, "Past due", money(s.totalPastDue), right: right, s.totalPastDue > 0 ? .error : .normal)
            canvas.put(top + 11, 2, "Open invoices: \(s.invoiceCount)")
            if let oldest = s.oldestInvoice {
                canvas.put(top + 12, 2, "Oldest invoice: \(oldest.number), \(state.format.date(oldest.date))")
            }
        }
        var row = top + 3
        canvas.put(row - 1, 52, "What would you like to do?", .strong)
        for item in FrontState.homeMenu {
            let offered = state.menuOffered(item.key, item.permissions)
            let text = "[\(item.key.uppercased())] \(state.menuLabel(item.key, item.label))"
            canvas.put(row, 52, String(text.prefix(width - 53)), offered ? .normal : .dim, key: offered ? .char(item.key) : nil)
            // Room for up to nine items: spaced out while there are few.
            row += FrontState.homeMenu.count <= 5 ? 2 : 1
        }
        // Paying cannot succeed here: say why, in place of the offer.
        if session.may("pay"), let block = session.payBlock {
            for (i, line) in wrap(block.sentence(money), width: width - 4).prefix(2).enumerated() {
                canvas.put(top + 15 + i, 2, line, .warning)
            }
        }
        var keys: [(label: String, key: Key)] = [("1-9 Choose", .char("1"))]
        if jobsToChoose { keys.append(("←→ Job", .right)) }
        keys.append(("Esc Sign out", .escape))
        if !session.rejections.isEmpty { keys.append(("A OK, seen", .char("a"))) }
        buttons(keys)
    }

    mutating func details() {
        guard let session = state.session else { return }
        let info = session.info
        canvas.put(top, 2, "Account details", .strong)
        canvas.put(top + 1, 2, "\(info?.name ?? session.contactName)  \(info?.company ?? "")")
        var row = top + 2
        for line in (info?.address ?? []) + [[info?.city, info?.region, info?.postalCode].compactMap { $0 }.joined(separator: " ")] where !line.isEmpty {
            canvas.put(row, 2, line); row += 1
        }
        if let phone = info?.phone { canvas.put(row, 2, "Phone: \(phone)"); row += 1 }
        if let rep = info?.representative {
            row += 1
            canvas.put(row, 2, "Your store representative: \(rep.firstName) \(rep.lastName)", .strong); row += 1
            if let email = rep.email { canvas.put(row, 4, email); row += 1 }
            if let cell = rep.cell { canvas.put(row, 4, cell); row += 1 }
        }
        let right = 78
        if let a = session.activity {
            canvas.put(top, 44, "Activity", .strong)
            var r = top + 1
            if let d = a.lastPaymentDate { figure(r, 44, "Last payment", state.format.date(d), right: right); r += 1 }
            if let v = a.lastPaymentAmount { figure(r, 44, "  amount", money(v), right: right); r += 1 }
            if let d = a.lastSaleDate { figure(r, 44, "Last sale", state.format.date(d), right: right); r += 1 }
            figure(r, 44, "Sales this month", money(a.mtdSales), right: right); r += 1
            figure(r, 44, "Sales this year", money(a.ytdSales), right: right); r += 1
        }
        if let b = session.balances {
            figure(top + 9, 44, "Credit limit", money(b.creditLimit), right: right)
            figure(top + 10, 44, "Credit available", money(b.creditAvailable), right: right)
            figure(top + 11, 44, "Total", money(b.total), right: right, .strong)
        }
        buttons([("Esc Back", .escape)])
    }
}
