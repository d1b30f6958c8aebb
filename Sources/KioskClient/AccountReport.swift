import Foundation
import KioskProtocol

/// What a store manager reads in a terminal about one account (`kioskctl account show`).
/// Pure formatting over the protocol's results: no I/O, no clock.
public struct AccountReport: Sendable, Equatable {
    public var account: AccountInfo
    public var balances: BalancesResult
    public var summary: SummaryResult
    public var activity: ActivityResult
    public var openItems: OpenItemsResult

    public init(account: AccountInfo, balances: BalancesResult, summary: SummaryResult,
                activity: ActivityResult, openItems: OpenItemsResult) {
        self.account = account; self.balances = balances; self.summary = summary
        self.activity = activity; self.openItems = openItems
    }

    /// The whole report, sections separated by a blank line, ending with a newline.
    public func render() -> String {
        var sections = [accountSection()]
        if let representative = representativeSection() { sections.append(representative) }
        sections += [linksSection(), balancesSection(), summarySection(), activitySection(), openItemsSection()]
        return sections.map { $0.joined(separator: "\n") }.joined(separator: "\n\n") + "\n"
    }

    /// "All jobs (consolidated)", "Job 1 — Smith remodel", or "Account".
    public var scopeLabel: String {
        switch balances.scope {
        case "consolidated":
            return "All jobs (consolidated)"
        case "job":
            guard let number = balances.job else { return "Job" }
            if let name = account.jobs.first(where: { $0.number == number })?.name, !name.isEmpty {
                return "Job \(number) — \(name)"
            }
            return "Job \(number)"
        case "account":
            return "Account"
        default:
            return balances.scope
        }
    }

    // MARK: - Sections

    func accountSection() -> [String] {
        var rows: [(String, String)] = [("Number", account.number), ("Name", account.name)]
        if let company = used(account.company) { rows.append(("Company", company)) }
        let address = addressLines()
        for (i, line) in address.enumerated() { rows.append((i == 0 ? "Address" : "", line)) }
        if let phone = used(account.phone) { rows.append(("Phone", phone)) }
        if let branch = used(account.branch) { rows.append(("Branch", branch)) }
        rows.append(("Receivables", Self.words(account.receivablesType)))
        rows.append(("Billing", account.billingType == "job" ? "by job" : account.billingType == "account" ? "by account" : Self.words(account.billingType)))
        if !account.jobs.isEmpty {
            let jobs = account.jobs.map { $0.name.isEmpty ? "\($0.number)" : "\($0.number) \($0.name)" }
            rows.append(("Jobs", jobs.joined(separator: ", ")))
        }
        rows.append(("Currency", account.currency))
        return ["Account"] + Self.table(rows)
    }

    /// The address as printed: used lines, then "City, REGION POSTAL", then the country.
    func addressLines() -> [String] {
        var lines = account.address.compactMap(used)
        let cityRegion = [used(account.city), [used(account.region), used(account.postalCode)].compactMap { $0 }.joined(separator: " ")]
            .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
        if !cityRegion.isEmpty { lines.append(cityRegion) }
        if let country = used(account.country) { lines.append(country) }
        return lines
    }

    func representativeSection() -> [String]? {
        guard let rep = account.representative else { return nil }
        var rows: [(String, String)] = [("Name", "\(rep.firstName) \(rep.lastName)".trimmingSpaces)]
        if let email = used(rep.email) { rows.append(("Email", email)) }
        if let cell = used(rep.cell) { rows.append(("Cell", cell)) }
        return ["Representative"] + Self.table(rows)
    }

    func linksSection() -> [String] {
        func show(_ link: String?) -> String { used(link) ?? "not linked" }
        return ["Links"] + Self.table([
            ("ERP customer", show(account.links.erp)),
            ("Accounting customer", show(account.links.accounting)),
            ("Payment gateway", show(account.links.gateway)),
        ])
    }

    func balancesSection() -> [String] {
        let b = balances
        let m = { (value: Int) in MoneyFormat.format(value, currency: b.currency) }
        let rows: [(String, String)] = [
            ("Outstanding", m(b.outstanding)),
            ("Credits", m(-b.credits)),
            ("Amount due", m(b.amountDue)),
            ("New charges", m(b.newCharges)),
            ("Total", m(b.total)),
        ]
        let accountWide: [(String, String)] = [
            ("Credit limit", m(b.creditLimit)),
            ("Credit available", m(b.creditAvailable)),
        ]
        var lines = ["Balances — \(scopeLabel)"] + Self.table(rows + accountWide, rightAlignValues: true)
        if b.scope == "job" {
            // Mark the two account-wide figures so nobody reads them as the job's own.
            lines[lines.count - 2] += "  (whole account)"
            lines[lines.count - 1] += "  (whole account)"
        }
        return lines
    }

    func summarySection() -> [String] {
        let s = summary
        let oldest = s.oldestInvoice.map { "\($0.number) of \($0.date)" } ?? "none"
        return ["Summary"] + Self.table([
            ("Total balance", MoneyFormat.format(s.totalBalance, currency: s.currency)),
            ("Total past due", MoneyFormat.format(s.totalPastDue, currency: s.currency)),
            ("Oldest invoice", oldest),
            ("Open invoices", String(s.invoiceCount)),
        ])
    }

    func activitySection() -> [String] {
        let a = activity
        let m = { (value: Int) in MoneyFormat.format(value, currency: a.currency) }
        var lastPayment = a.lastPaymentDate ?? "none"
        if a.lastPaymentDate != nil, let amount = a.lastPaymentAmount { lastPayment += ", \(m(amount))" }
        return ["Activity"] + Self.table([
            ("Last charge", a.lastChargeDate ?? "none"),
            ("Last sale", a.lastSaleDate ?? "none"),
            ("Last payment", lastPayment),
            ("Sales this year", m(a.ytdSales)),
            ("Sales this month", m(a.mtdSales)),
            ("Sales last month", m(a.priorMonthSales)),
            ("Sales last year", m(a.priorYearSales)),
        ])
    }

    func openItemsSection() -> [String] {
        let o = openItems
        let m = { (value: Int) in MoneyFormat.format(value, currency: o.currency) }
        var lines = ["Open items"]
        if o.invoices.isEmpty {
            lines.append("  No open invoices.")
        } else {
            let withJob = account.billingType == "job" && balances.scope == "consolidated"
            var header = ["Number", "Date", "Due", "PO"]
            if withJob { header.append("Job") }
            header += ["Amount", "Open", "Amount due", ""]
            var rows = [header]
            for invoice in o.invoices {
                var row = [invoice.number, invoice.date, invoice.dueDate ?? "—", invoice.poNumber ?? ""]
                if withJob { row.append(invoice.job.map(String.init) ?? "") }
                row += [m(invoice.amount), m(invoice.openAmount), m(invoice.amountDue), invoice.pastDue ? "PAST DUE" : ""]
                rows.append(row)
            }
            let moneyColumns = Set((header.count - 4)..<(header.count - 1))
            lines += Self.grid(rows, rightAligned: moneyColumns)
        }
        // The whole list's totals, whatever page of it the table shows.
        lines.append("  All \(o.count) open invoice\(o.count == 1 ? "" : "s"): open \(m(o.openTotal)), due now \(m(o.amountDueTotal))")
        if o.financeCharges > 0 {
            var line = "  Finance charges: \(m(o.financeCharges))"
            if o.financeChargesRequired { line += " (must be paid first)" }
            lines.append(line)
        } else {
            lines.append("  Finance charges: none")
        }
        return lines
    }

    // MARK: - Layout

    private func used(_ text: String?) -> String? {
        guard let text else { return nil }
        let trimmed = text.trimmingSpaces
        return trimmed.isEmpty ? nil : trimmed
    }

    static func words(_ wire: String) -> String { wire.replacingOccurrences(of: "_", with: " ") }

    /// Two columns, indented: labels left-aligned, values left- or right-aligned.
    static func table(_ rows: [(String, String)], rightAlignValues: Bool = false) -> [String] {
        let labelWidth = rows.map(\.0.count).max() ?? 0
        let valueWidth = rows.map(\.1.count).max() ?? 0
        return rows.map { label, value in
            let shown = rightAlignValues ? pad(value, valueWidth, right: true) : value
            return "  " + pad(label, labelWidth) + "  " + shown
        }
    }

    /// A table with a header row; trailing spaces trimmed.
    static func grid(_ rows: [[String]], rightAligned: Set<Int>) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        return rows.map { row in
            let cells = row.enumerated().map { pad($0.element, widths[$0.offset], right: rightAligned.contains($0.offset)) }
            return ("  " + cells.joined(separator: "  ")).trimmingTrailingSpaces
        }
    }

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }

    var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
